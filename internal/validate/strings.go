package validate

import (
	"strings"
	"unicode/utf8"

	"github.com/hearth-go/hearth/internal/errs"
)

// Required fails with "required" when v is empty.
func Required(field, v string) error {
	if v == "" {
		return errs.Invalid(field, "required")
	}
	return nil
}

// MaxLen fails with "longer than N characters" when v has more than max
// characters.
func MaxLen(field, v string, max int) error {
	// A string is never longer in characters than in bytes.
	if len(v) > max && utf8.RuneCountInString(v) > max {
		return errs.Invalidf(field, "longer than %d characters", max)
	}
	return nil
}

// RequiredMaxLen is Required, then MaxLen.
func RequiredMaxLen(field, v string, max int) error {
	return First(Required(field, v), MaxLen(field, v, max))
}

// OneOf fails with "must be one of A, B" when v is none of allowed. The empty
// string is invalid unless allowed lists it.
func OneOf(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return errs.Invalid(field, "must be one of "+strings.Join(allowed, ", "))
}

// NameMaxLen is the longest name Name accepts.
const NameMaxLen = 128

// Name checks a resource name as GS2 does: required, at most 128 characters,
// only ASCII letters, digits, '-', '_' and '.'.
func Name(field, v string) error {
	if err := RequiredMaxLen(field, v, NameMaxLen); err != nil {
		return err
	}
	for i := range len(v) {
		if !nameByte(v[i]) {
			return errs.Invalid(field, "must contain only letters, digits, '-', '_' and '.'")
		}
	}
	return nil
}

func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.'
}

// GRNPrefix starts every GRN.
const GRNPrefix = "grn:gs2:"

// GRN checks an optional GRN field: empty is valid; otherwise it must start
// with "grn:gs2:" and have at most max characters.
func GRN(field, v string, max int) error {
	if v == "" {
		return nil
	}
	if err := MaxLen(field, v, max); err != nil {
		return err
	}
	if !strings.HasPrefix(v, GRNPrefix) {
		return errs.Invalid(field, `must start with "`+GRNPrefix+`"`)
	}
	return nil
}
