package gateway_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

func TestFirebaseTokens(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		_, err := e.svc.GetFirebaseToken(e.ctx, ns, "u")
		require.ErrorIs(t, err, gateway.ErrNotFound)

		first := clock.Millis(e.clk.Now())
		tok, err := e.svc.SetFirebaseToken(e.ctx, ns, "u", "t1")
		require.NoError(t, err)
		want := gateway.FirebaseToken{
			FirebaseTokenID: "grn:gs2:local:hearth:gateway:game:user:u:firebase:token",
			UserID:          "u", Token: "t1", CreatedAt: first, UpdatedAt: first, Revision: 0,
		}
		require.Equal(t, want, *tok)
		got, err := e.svc.GetFirebaseToken(e.ctx, ns, "u")
		require.NoError(t, err)
		require.Equal(t, want, *got)

		// Setting again replaces it.
		e.clk.Add(time.Minute)
		tok, err = e.svc.SetFirebaseToken(clock.WithOffset(e.ctx, time.Hour), ns, "u", "t2")
		require.NoError(t, err)
		want.Token, want.UpdatedAt, want.Revision = "t2", clock.Millis(e.clk.Now().Add(time.Hour)), 1
		require.Equal(t, want, *tok, "the time offset applies")
		got, err = e.svc.GetFirebaseToken(e.ctx, ns, "u")
		require.NoError(t, err)
		require.Equal(t, want, *got)

		// Per user and namespace.
		_, err = e.svc.GetFirebaseToken(e.ctx, ns, "v")
		require.ErrorIs(t, err, gateway.ErrNotFound)
		_, err = e.svc.SetFirebaseToken(e.ctx, "missing", "u", "t")
		require.ErrorIs(t, err, gateway.ErrNotFound)
		_, err = e.svc.GetFirebaseToken(e.ctx, "missing", "u")
		require.ErrorIs(t, err, gateway.ErrNotFound)

		deleted, err := e.svc.DeleteFirebaseToken(e.ctx, ns, "u")
		require.NoError(t, err)
		require.Equal(t, want, *deleted)
		_, err = e.svc.GetFirebaseToken(e.ctx, ns, "u")
		require.ErrorIs(t, err, gateway.ErrNotFound)
		unchanged(t, st, func() {
			_, err = e.svc.DeleteFirebaseToken(e.ctx, ns, "u")
			require.ErrorIs(t, err, gateway.ErrNotFound)
		})

		// A new token after a delete starts over.
		tok, err = e.svc.SetFirebaseToken(e.ctx, ns, "u", "t3")
		require.NoError(t, err)
		require.Equal(t, int64(0), tok.Revision)
		require.Equal(t, clock.Millis(e.clk.Now()), tok.CreatedAt)
	})
}
