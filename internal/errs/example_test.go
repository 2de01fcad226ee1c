package errs_test

import (
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

func Example() {
	err := fmt.Errorf("lock: %w", errs.Invalid("transactionId", "longer than 256 characters"))
	var fe *errs.FieldError
	fmt.Println(errors.Is(err, errs.ErrInvalidArgument), errors.As(err, &fe), fe.Field)
	fmt.Println(err)

	err = errs.FromStore(store.ErrConflict)
	fmt.Println(errors.Is(err, errs.ErrConflict), errors.Is(err, store.ErrConflict))
	fmt.Println(errs.NotFound("namespace %q", "game"))
	// Output:
	// true true transactionId
	// lock: transactionId: longer than 256 characters
	// true true
	// namespace "game": not found
}
