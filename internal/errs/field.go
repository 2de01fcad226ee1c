package errs

import "fmt"

// FieldError is a validation failure: the request's Field broke Rule. It
// matches ErrInvalidArgument with errors.Is; find it with errors.As to show
// the field to a user.
type FieldError struct {
	// Field is the request field as GS2 names it, e.g. "transactionId".
	Field string
	// Rule is what the value failed, e.g. "longer than 256 characters".
	Rule string
}

// Error returns Field + ": " + Rule.
func (e *FieldError) Error() string {
	return e.Field + ": " + e.Rule
}

// Is reports whether target is ErrInvalidArgument.
func (e *FieldError) Is(target error) bool {
	return target == ErrInvalidArgument
}

// Invalid returns a *FieldError for field and rule.
func Invalid(field, rule string) error {
	return &FieldError{Field: field, Rule: rule}
}

// Invalidf returns a *FieldError for field whose rule is formatted.
func Invalidf(field, format string, args ...any) error {
	return &FieldError{Field: field, Rule: fmt.Sprintf(format, args...)}
}
