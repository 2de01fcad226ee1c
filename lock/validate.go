package lock

import (
	"time"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/validate"
)

// Field limits of the reference.
const (
	// MaxUserIDLen is the longest userId, in characters.
	MaxUserIDLen = 128
	// MaxPropertyIDLen is the longest propertyId, in characters.
	MaxPropertyIDLen = 1024
	// MaxTransactionIDLen is the longest transactionId, in characters.
	MaxTransactionIDLen = 256
	// DefaultTTL is the lifetime of a mutex locked with ttl 0.
	DefaultTTL = time.Hour
	// DefaultLimit is the page size of DescribeMutexes when none is given.
	DefaultLimit = 30
	// MaxLimit is the largest page size of DescribeMutexes.
	MaxLimit = 1000
)

func checkUser(userID string) error {
	return validate.RequiredMaxLen("userId", userID, MaxUserIDLen)
}

func checkProperty(propertyID string) error {
	return validate.RequiredMaxLen("propertyId", propertyID, MaxPropertyIDLen)
}

func checkTx(txID string) error {
	return validate.RequiredMaxLen("transactionId", txID, MaxTransactionIDLen)
}

func checkTTL(ttl time.Duration) error {
	if ttl < 0 {
		return errs.Invalid("ttl", "must be at least 0")
	}
	return nil
}

// checkID validates the fields that name a mutex, in the reference's order.
func checkID(id lockID) error {
	if err := namespace.ValidateName(id.ns); err != nil {
		return err
	}
	if err := checkProperty(id.prop); err != nil {
		return err
	}
	return checkUser(id.user)
}

// checkLimit validates a page size and applies the default.
func checkLimit(limit int) (int, error) {
	if limit == 0 {
		return DefaultLimit, nil
	}
	if err := validate.Range("limit", limit, 1, MaxLimit); err != nil {
		return 0, err
	}
	return limit, nil
}

// expiry returns the ttlAt, in Unix milliseconds, of a hold taken at now
// for ttl (0 means DefaultTTL). The ttl is rounded up to a whole
// millisecond, so that a positive ttl never gives a mutex that has expired
// on arrival (ttlAt == now).
func expiry(now time.Time, ttl time.Duration) int64 {
	d := effectiveTTL(ttl)
	ms := int64(d / time.Millisecond)
	if d%time.Millisecond != 0 {
		ms++
	}
	return now.UnixMilli() + ms
}

// effectiveTTL applies the default to ttl 0.
func effectiveTTL(ttl time.Duration) time.Duration {
	if ttl == 0 {
		return DefaultTTL
	}
	return ttl
}
