package gateway_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

const racers = 16

// raceBind connects racers connections and binds them all at once to user
// with concurrent access refused; it returns the connections and each
// call's error.
func raceBind(e *env, user string, force bool) ([]string, []*fakeConn, []error) {
	ids := make([]string, racers)
	conns := make([]*fakeConn, racers)
	for i := range racers {
		ids[i], conns[i] = e.connect(ns)
	}
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			_, errs[i] = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{
				NamespaceName: ns, ConnectionID: ids[i], UserID: user,
				AllowConcurrentAccess: ptr(false), Force: force,
			})
		})
	}
	close(start)
	wg.Wait()
	return ids, conns, errs
}

// TestRaceSingleSessionWithoutForce: 16 connections binding one user at
// once with concurrent access refused: exactly one wins, 15 get
// ErrConflict, and store and memory hold exactly the winner's session.
func TestRaceSingleSessionWithoutForce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		for round := range 4 {
			user := fmt.Sprintf("u%d", round)
			ids, conns, errs := raceBind(e, user, false)
			winner := -1
			conflicts := 0
			for i, err := range errs {
				switch {
				case err == nil:
					require.Equal(t, -1, winner, "two winners")
					winner = i
				case errors.Is(err, gateway.ErrConflict):
					conflicts++
				default:
					t.Fatalf("unexpected error: %v", err)
				}
			}
			require.NotEqual(t, -1, winner)
			require.Equal(t, racers-1, conflicts)
			require.Equal(t, []string{ids[winner]}, e.sessions(ns, user))
			require.Equal(t, []string{ids[winner]}, gateway.LiveBound(e.svc, ns, user))
			for _, c := range conns {
				require.False(t, c.isClosed(), "a refused bind closes nothing")
			}
			e.requireConsistent()
		}
	})
}

// TestRaceSingleSessionWithForce: with force every bind succeeds, each
// replacing the one before: exactly one session remains, and every other
// connection was closed.
func TestRaceSingleSessionWithForce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		for round := range 4 {
			user := fmt.Sprintf("u%d", round)
			ids, conns, errs := raceBind(e, user, true)
			for _, err := range errs {
				require.NoError(t, err)
			}
			left := e.sessions(ns, user)
			require.Len(t, left, 1)
			require.Equal(t, left, gateway.LiveBound(e.svc, ns, user))
			for i, c := range conns {
				if ids[i] == left[0] {
					require.False(t, c.isClosed(), "the survivor stays open")
					continue
				}
				require.Equal(t, gateway.ClosePolicyViolation, c.closeCode(), "replaced connection %d closed", i)
			}
			require.Equal(t, 1+round, gateway.LiveCount(e.svc), "replaced connections are forgotten")
			e.requireConsistent()
		}
	})
}

// TestRaceDisconnectedAgainstSetUserID: a transport's Disconnected racing
// the SetUserID of the same connection never leaves a session behind.
func TestRaceDisconnectedAgainstSetUserID(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		for i := range 50 {
			id, _ := e.connect(ns)
			start := make(chan struct{})
			var wg sync.WaitGroup
			var bindErr error
			wg.Go(func() {
				<-start
				_, bindErr = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: "u"})
			})
			wg.Go(func() {
				<-start
				e.svc.Disconnected(e.ctx, id)
			})
			close(start)
			wg.Wait()
			if bindErr != nil {
				require.ErrorIs(t, bindErr, gateway.ErrNotFound, "round %d", i)
			}
			require.Empty(t, e.sessions(ns, "u"), "round %d", i)
			require.Empty(t, gateway.LiveBound(e.svc, ns, "u"))
		}
		require.Zero(t, gateway.LiveCount(e.svc))
		e.requireConsistent()
	})
}

// TestRaceDisconnectByUserIDAgainstRebind: a DisconnectByUserID racing a
// SetUserID that binds the same connection again always ends with the
// connection closed and no session left (the rebind may land between the
// disconnect's commit and its closing of the connection).
func TestRaceDisconnectByUserIDAgainstRebind(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		for i := range 50 {
			id, c := e.bind("u")
			start := make(chan struct{})
			var wg sync.WaitGroup
			var bindErr, discErr error
			wg.Go(func() {
				<-start
				_, bindErr = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: "u"})
			})
			wg.Go(func() {
				<-start
				_, discErr = e.svc.DisconnectByUserID(e.ctx, ns, "u")
			})
			close(start)
			wg.Wait()
			require.NoError(t, discErr)
			if bindErr != nil {
				require.ErrorIs(t, bindErr, gateway.ErrNotFound, "round %d", i)
			}
			require.Equal(t, gateway.ClosePolicyViolation, c.closeCode(), "round %d", i)
			require.Empty(t, e.sessions(ns, "u"), "round %d", i)
			require.Empty(t, gateway.LiveBound(e.svc, ns, "u"))
		}
		e.requireConsistent()
	})
}
