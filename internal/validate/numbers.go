package validate

import "github.com/hearth-go/hearth/internal/errs"

// Integer is the set of integer types the numeric rules take.
type Integer interface {
	int | int32 | int64
}

// Range fails with "must be between lo and hi" unless lo <= v <= hi.
func Range[T Integer](field string, v, lo, hi T) error {
	if v < lo || v > hi {
		return errs.Invalidf(field, "must be between %d and %d", lo, hi)
	}
	return nil
}

// Min fails with "must be at least lo" when v < lo.
func Min[T Integer](field string, v, lo T) error {
	if v < lo {
		return errs.Invalidf(field, "must be at least %d", lo)
	}
	return nil
}

// MaxItems fails with "more than max items" when a list field has n > max
// items.
func MaxItems(field string, n, max int) error {
	if n > max {
		return errs.Invalidf(field, "more than %d items", max)
	}
	return nil
}

// First returns the first non-nil error of list, or nil. All arguments are
// evaluated before First runs, so put only cheap rules in one call.
func First(list ...error) error {
	for _, err := range list {
		if err != nil {
			return err
		}
	}
	return nil
}
