package namespace

import (
	"github.com/hearth-go/hearth/internal/validate"
)

// Field limits shared by every service's namespace methods.
const (
	// MaxDescriptionLen is the longest description, in characters.
	MaxDescriptionLen = 1024
	// MaxLoggingNamespaceIDLen is the longest logSetting.loggingNamespaceId,
	// in characters.
	MaxLoggingNamespaceIDLen = 1024
	// MaxNamePrefixLen is the longest namePrefix of a listing, in characters.
	MaxNamePrefixLen = 64
	// DefaultLimit is the page size of a listing that asks for none.
	DefaultLimit = 30
	// MaxLimit is the largest page size of a listing.
	MaxLimit = 1000
)

// Field names used in validation errors.
const (
	fieldName          = "name"
	fieldNamespaceName = "namespaceName"
	fieldDescription   = "description"
	fieldLoggingNS     = "logSetting.loggingNamespaceId"
	fieldNamePrefix    = "namePrefix"
	fieldLimit         = "limit"
	fieldPageToken     = "pageToken"
)

// ValidateName checks a namespace name given to a method other than
// Create, naming the field "namespaceName" as GS2's requests do. Services
// call it (or GetTxn, which calls it) before opening their transactions.
func ValidateName(name string) error {
	if err := validate.Name(fieldNamespaceName, name); err != nil {
		return err
	}
	return nil
}

// validateCommon checks the fields of a create or update request that all
// services share.
func validateCommon(description string, ls *LogSetting) error {
	if err := validate.MaxLen(fieldDescription, description, MaxDescriptionLen); err != nil {
		return err
	}
	if ls != nil {
		if err := validate.RequiredMaxLen(fieldLoggingNS, ls.LoggingNamespaceID, MaxLoggingNamespaceIDLen); err != nil {
			return err
		}
		if err := validate.GRN(fieldLoggingNS, ls.LoggingNamespaceID, MaxLoggingNamespaceIDLen); err != nil {
			return err
		}
	}
	return nil
}

// validateList checks a listing request and returns its effective limit.
func validateList(in ListInput) (int, error) {
	if err := validate.MaxLen(fieldNamePrefix, in.NamePrefix, MaxNamePrefixLen); err != nil {
		return 0, err
	}
	if in.Limit == 0 {
		return DefaultLimit, nil
	}
	if err := validate.Range(fieldLimit, in.Limit, 1, MaxLimit); err != nil {
		return 0, err
	}
	return in.Limit, nil
}
