package validate_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/validate"
)

func Example() {
	err := validate.First(
		validate.Name("namespaceName", "game-1"),
		validate.RequiredMaxLen("transactionId", strings.Repeat("x", 257), 256),
		validate.Range("limit", 30, 1, 1000),
	)
	var fe *errs.FieldError
	fmt.Println(err)
	fmt.Println(errors.Is(err, errs.ErrInvalidArgument), errors.As(err, &fe), fe.Field)
	// Output:
	// transactionId: longer than 256 characters
	// true true transactionId
}
