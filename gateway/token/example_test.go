package token_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway/token"
)

// The game server issues a short-lived token to an authenticated player;
// the transport verifies it when the client presents it.
func Example() {
	clk := clock.NewMock()
	h, err := token.NewHMAC([]byte("use 32 random bytes in production"), clk)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	tok, _ := h.Issue(ctx, "player-1", 5*time.Minute)
	userID, err := h.Verify(ctx, tok)
	fmt.Println(userID, err)

	_, err = h.Verify(ctx, tok+"x")
	fmt.Println(errors.Is(err, token.ErrInvalid))

	clk.Add(5 * time.Minute)
	_, err = h.Verify(ctx, tok)
	fmt.Println(errors.Is(err, token.ErrExpired))
	// Output:
	// player-1 <nil>
	// true
	// true
}
