// Package validate holds the field rules of Hearth's requests.
//
// Each rule takes the field's name as GS2 spells it and the value, and
// returns nil or an [*errs.FieldError] naming the field and the rule, which
// matches errs.ErrInvalidArgument. A service checks a request with [First]
// over its rules, in the order of the reference's field table:
//
//	err := validate.First(
//		validate.Name("namespaceName", ns),
//		validate.RequiredMaxLen("transactionId", tx, 256),
//	)
//
// Lengths count characters (Unicode code points, as GS2 does), not bytes:
// 256 'é' pass a 256-character limit although they take 512 bytes. An
// invalid UTF-8 byte counts as one character.
//
// # Errors
//
// Every non-nil error is a *errs.FieldError; errors.Is(err,
// errs.ErrInvalidArgument) holds for all of them.
package validate
