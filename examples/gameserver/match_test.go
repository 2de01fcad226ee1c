package main

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
)

// window is the match window of the matchmaker tests.
const window = 2 * time.Second

// newTestMatchmaker returns a matchmaker on a mock clock whose form
// records every room on the returned channel. It is stopped when t ends.
func newTestMatchmaker(t *testing.T, w time.Duration) (*matchmaker, *clock.Mock, chan []string) {
	t.Helper()
	mock := clock.NewMock()
	rooms := make(chan []string, 64)
	m := newMatchmaker(mock, w, func(players []string) { rooms <- players })
	t.Cleanup(m.stop)
	return m, mock, rooms
}

// nextRoom returns the next room formed.
func nextRoom(t *testing.T, rooms <-chan []string) []string {
	t.Helper()
	select {
	case r := <-rooms:
		return r
	case <-testCtx(t).Done():
		t.Fatal("no room was formed")
		return nil
	}
}

// requireNoMoreRooms stops m, which waits for the rooms being formed, and
// checks that no room was formed beyond those already received.
func requireNoMoreRooms(t *testing.T, m *matchmaker, rooms <-chan []string) {
	t.Helper()
	m.stop()
	select {
	case r := <-rooms:
		t.Fatalf("a room was formed: %v", r)
	default:
	}
}

// joinAll joins players in order and checks each join's count.
func joinAll(t *testing.T, m *matchmaker, players ...string) {
	t.Helper()
	base := len(m.list())
	for i, p := range players {
		require.Equal(t, base+i+1, m.join(p), "join %s", p)
	}
}

// players returns p1..pn.
func players(n int) []string {
	var ps []string
	for i := 1; i <= n; i++ {
		ps = append(ps, fmt.Sprintf("p%d", i))
	}
	return ps
}

// parked reports whether a goroutine whose stack holds fn is parked with
// the wait reason (as the runtime's goroutine dump names it).
func parked(fn, reason string) bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "["+reason) && strings.Contains(g, fn) {
			return true
		}
	}
	return false
}

// waitParked waits, without sleeping, until a goroutine running fn is
// parked with reason.
func waitParked(t *testing.T, fn, reason string) {
	t.Helper()
	ctx := testCtx(t)
	for !parked(fn, reason) {
		if ctx.Err() != nil {
			t.Fatalf("no goroutine in %s parked on %s", fn, reason)
		}
		runtime.Gosched()
	}
}

// waitGone waits, without sleeping, until no goroutine runs fn.
func waitGone(t *testing.T, fn string) {
	t.Helper()
	ctx := testCtx(t)
	for {
		buf := make([]byte, 1<<20)
		if !strings.Contains(string(buf[:runtime.Stack(buf, true)]), fn) {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("a goroutine still runs %s", fn)
		}
		runtime.Gosched()
	}
}

func TestMatchOnePlayerWaits(t *testing.T) {
	m, mock, rooms := newTestMatchmaker(t, window)
	require.Equal(t, 1, m.join("alice"))
	require.Zero(t, mock.Waiters(), "one player arms no timer")
	mock.Add(time.Hour)
	require.True(t, m.isWaiting("alice"))
	require.Equal(t, []string{"alice"}, m.list())
	requireNoMoreRooms(t, m, rooms)
}

func TestMatchWindowFormsRoomOfWaitingPlayers(t *testing.T) {
	m, mock, rooms := newTestMatchmaker(t, window)
	joinAll(t, m, "alice", "bob")
	mock.BlockUntil(1)
	require.Equal(t, 1, mock.Waiters(), "the second player arms one timer")

	mock.Add(window - time.Millisecond)
	require.Equal(t, []string{"alice", "bob"}, m.list(), "no room before the window ends")
	require.Equal(t, 1, mock.Waiters())

	mock.Add(time.Millisecond)
	require.Equal(t, []string{"alice", "bob"}, nextRoom(t, rooms))
	require.Empty(t, m.list())
	require.False(t, m.isWaiting("alice"))
	require.False(t, m.isWaiting("bob"))
	require.Zero(t, mock.Waiters())
	requireNoMoreRooms(t, m, rooms)
}

func TestMatchThirdPlayerJoinsTheSameRoom(t *testing.T) {
	m, mock, rooms := newTestMatchmaker(t, window)
	joinAll(t, m, "alice", "bob")
	mock.BlockUntil(1)
	mock.Add(window / 2)
	require.Equal(t, 3, m.join("carol"))
	require.Equal(t, 1, mock.Waiters(), "the third player does not arm another timer")

	// The window counts from the second player's join, not the third's.
	mock.Add(window/2 - time.Millisecond)
	require.Equal(t, []string{"alice", "bob", "carol"}, m.list())
	mock.Add(time.Millisecond)
	require.Equal(t, []string{"alice", "bob", "carol"}, nextRoom(t, rooms))
	require.Empty(t, m.list())
	requireNoMoreRooms(t, m, rooms)
}

func TestMatchEightFormAtOnce(t *testing.T) {
	m, mock, rooms := newTestMatchmaker(t, time.Hour)
	ps := players(matchMax)
	joinAll(t, m, ps[:matchMax-1]...)
	require.Equal(t, 1, mock.Waiters())
	require.Equal(t, matchMax, m.join(ps[matchMax-1]))
	// No time passes: the eighth player forms the room.
	require.Equal(t, ps, nextRoom(t, rooms))
	require.Empty(t, m.list())
	require.Zero(t, mock.Waiters(), "the window's timer is stopped")
	requireNoMoreRooms(t, m, rooms)
}

func TestMatchNinthWaitsForTheNextRoom(t *testing.T) {
	m, mock, rooms := newTestMatchmaker(t, window)
	ps := players(matchMax + 2)
	joinAll(t, m, ps[:matchMax]...)
	require.Equal(t, ps[:matchMax], nextRoom(t, rooms))

	require.Equal(t, 1, m.join(ps[matchMax]))
	require.Equal(t, []string{ps[matchMax]}, m.list())
	require.Zero(t, mock.Waiters(), "alone, the ninth arms no timer")
	mock.Add(time.Hour)
	require.Equal(t, []string{ps[matchMax]}, m.list(), "alone, the ninth is not matched")

	require.Equal(t, 2, m.join(ps[matchMax+1]))
	mock.BlockUntil(1)
	mock.Add(window)
	require.Equal(t, ps[matchMax:], nextRoom(t, rooms))
	requireNoMoreRooms(t, m, rooms)
}

func TestMatchLeave(t *testing.T) {
	t.Run("below two players the timer is cancelled", func(t *testing.T) {
		m, mock, rooms := newTestMatchmaker(t, window)
		joinAll(t, m, "alice", "bob")
		mock.BlockUntil(1)
		m.leave("bob")
		require.False(t, m.isWaiting("bob"))
		require.Equal(t, []string{"alice"}, m.list())
		require.Zero(t, mock.Waiters(), "the timer is stopped")
		mock.Add(2 * window)
		require.Equal(t, []string{"alice"}, m.list())

		// Back in, bob arms a new timer from now.
		require.Equal(t, 2, m.join("bob"))
		mock.BlockUntil(1)
		mock.Add(window - time.Millisecond)
		require.Equal(t, []string{"alice", "bob"}, m.list())
		mock.Add(time.Millisecond)
		require.Equal(t, []string{"alice", "bob"}, nextRoom(t, rooms))
		requireNoMoreRooms(t, m, rooms)
	})
	t.Run("with two left the room forms without the leaver", func(t *testing.T) {
		m, mock, rooms := newTestMatchmaker(t, window)
		joinAll(t, m, "alice", "bob", "carol")
		m.leave("bob")
		require.Equal(t, 1, mock.Waiters(), "two still wait: the timer stays")
		mock.Add(window)
		require.Equal(t, []string{"alice", "carol"}, nextRoom(t, rooms))
		requireNoMoreRooms(t, m, rooms)
	})
	t.Run("a player who does not wait", func(t *testing.T) {
		m, mock, rooms := newTestMatchmaker(t, window)
		joinAll(t, m, "alice", "bob")
		m.leave("zed")
		require.Equal(t, []string{"alice", "bob"}, m.list())
		require.Equal(t, 1, mock.Waiters())
		mock.Add(window)
		require.Equal(t, []string{"alice", "bob"}, nextRoom(t, rooms))
		requireNoMoreRooms(t, m, rooms)
	})
}

func TestMatchJoinTwiceCountsOnce(t *testing.T) {
	t.Run("window", func(t *testing.T) {
		m, mock, rooms := newTestMatchmaker(t, window)
		require.Equal(t, 1, m.join("alice"))
		require.Equal(t, 1, m.join("alice"))
		require.Equal(t, []string{"alice"}, m.list())
		require.Zero(t, mock.Waiters(), "one player twice arms no timer")
		require.Equal(t, 2, m.join("bob"))
		require.Equal(t, 2, m.join("bob"))
		mock.BlockUntil(1)
		require.Equal(t, 1, mock.Waiters())
		mock.Add(window)
		require.Equal(t, []string{"alice", "bob"}, nextRoom(t, rooms))
		requireNoMoreRooms(t, m, rooms)
	})
	t.Run("no window", func(t *testing.T) {
		m, _, rooms := newTestMatchmaker(t, 0)
		require.Equal(t, 1, m.join("alice"))
		require.Equal(t, 1, m.join("alice"))
		require.Equal(t, []string{"alice"}, m.list())
		requireNoMoreRooms(t, m, rooms)
	})
}

func TestMatchWindowZeroFormsAtTwo(t *testing.T) {
	m, mock, rooms := newTestMatchmaker(t, 0)
	require.Equal(t, 1, m.join("alice"))
	require.Equal(t, 2, m.join("bob"))
	require.Equal(t, []string{"alice", "bob"}, nextRoom(t, rooms))
	require.Zero(t, mock.Waiters(), "no timer is armed")
	require.Empty(t, m.list())
	require.Equal(t, 1, m.join("carol"))
	require.Equal(t, []string{"carol"}, m.list())
	requireNoMoreRooms(t, m, rooms)
}

func TestMatchStop(t *testing.T) {
	t.Run("forms nothing more", func(t *testing.T) {
		m, mock, rooms := newTestMatchmaker(t, window)
		joinAll(t, m, "alice", "bob")
		mock.BlockUntil(1)
		m.stop()
		require.Zero(t, mock.Waiters(), "the timer is stopped")
		mock.Add(window)
		m.join("carol")
		require.False(t, m.isWaiting("carol"), "a stopped matchmaker takes no one")
		requireNoMoreRooms(t, m, rooms)
	})
	t.Run("forms nothing more without a window", func(t *testing.T) {
		m, _, rooms := newTestMatchmaker(t, 0)
		m.stop()
		m.join("alice")
		m.join("bob")
		require.Empty(t, m.list())
		requireNoMoreRooms(t, m, rooms)
	})
	t.Run("a timer that fired before stop forms nothing", func(t *testing.T) {
		m, mock, rooms := newTestMatchmaker(t, window)
		joinAll(t, m, "alice", "bob")
		mock.BlockUntil(1)
		// Hold the lock so that stop takes it before the fired timer's
		// callback does.
		m.mu.Lock()
		locked := true
		defer func() { // on failure too
			if locked {
				m.mu.Unlock()
			}
		}()
		stopped := make(chan struct{})
		go func() {
			m.stop()
			close(stopped)
		}()
		waitParked(t, "(*matchmaker).stop(", "sync.Mutex.Lock")
		mock.Add(window)
		waitParked(t, "(*matchmaker).fire(", "sync.Mutex.Lock")
		locked = false
		m.mu.Unlock()
		<-stopped
		waitGone(t, "(*matchmaker).fire(")
		require.Equal(t, []string{"alice", "bob"}, m.list(), "a room was formed after stop")
		requireNoMoreRooms(t, m, rooms)
	})
	t.Run("waits for a room being formed", func(t *testing.T) {
		entered, release := make(chan []string, 1), make(chan struct{})
		m := newMatchmaker(clock.NewMock(), 0, func(players []string) {
			entered <- players
			<-release
		})
		var once sync.Once
		unblock := func() { once.Do(func() { close(release) }) }
		defer unblock() // on failure too
		joinAll(t, m, "alice", "bob")
		require.Equal(t, []string{"alice", "bob"}, nextRoom(t, entered))

		stopped := make(chan struct{})
		go func() {
			m.stop()
			close(stopped)
		}()
		ctx := testCtx(t)
		for !parked("(*matchmaker).stop(", "sync.WaitGroup.Wait") {
			select {
			case <-stopped:
				t.Fatal("stop returned while a room was being formed")
			case <-ctx.Done():
				t.Fatal("stop never waited")
			default:
				runtime.Gosched()
			}
		}
		unblock()
		select {
		case <-stopped:
		case <-ctx.Done():
			t.Fatal("stop did not return once the room was formed")
		}
	})
}

// A timer that fired while a leave and a join were waiting for the lock is
// stale: it forms nothing, and the new pair waits its own window (which a
// leave can still cancel).
func TestMatchStaleTimerFormsNothing(t *testing.T) {
	m, mock, rooms := newTestMatchmaker(t, window)
	joinAll(t, m, "alice", "bob")
	mock.BlockUntil(1)

	// Hold the lock so that, in this order, alice's leave, her join again
	// and the fired timer's callback queue for it.
	m.mu.Lock()
	locked := true
	defer func() { // on failure too
		if locked {
			m.mu.Unlock()
		}
	}()
	var wg sync.WaitGroup
	wg.Go(func() { m.leave("alice") })
	waitParked(t, "(*matchmaker).leave(", "sync.Mutex.Lock")
	wg.Go(func() { m.join("alice") })
	waitParked(t, "(*matchmaker).join(", "sync.Mutex.Lock")
	mock.Add(window) // the first timer fires; its callback waits for the lock
	waitParked(t, "(*matchmaker).fire(", "sync.Mutex.Lock")
	locked = false
	m.mu.Unlock()
	wg.Wait()
	waitGone(t, "(*matchmaker).fire(")

	// alice left and joined again: bob and she wait a full window from
	// her join.
	require.Equal(t, []string{"bob", "alice"}, m.list(), "the timer of the previous pair formed a room")
	mock.BlockUntil(1)
	mock.Add(window - time.Millisecond)
	require.Equal(t, []string{"bob", "alice"}, m.list())
	mock.Add(time.Millisecond)
	require.Equal(t, []string{"bob", "alice"}, nextRoom(t, rooms))
	requireNoMoreRooms(t, m, rooms)
}

// TestMatchConcurrentJoinLeave has 64 players join at once while others
// leave: each player ends in one room or waiting, never both nor twice,
// and every room holds matchMin..matchMax players.
func TestMatchConcurrentJoinLeave(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    time.Duration
	}{{"no window", 0}, {"window", window}} {
		t.Run(tc.name, func(t *testing.T) {
			for round := range 10 {
				mock := clock.NewMock()
				rooms := make(chan []string, 64)
				m := newMatchmaker(mock, tc.w, func(players []string) { rooms <- players })

				const n = 64
				ps := make([]string, n)
				for i := range ps {
					ps[i] = fmt.Sprintf("p%02d", i)
				}
				leavers := ps[:n/2] // these may be out of everything

				start := make(chan struct{})
				var wg sync.WaitGroup
				for _, p := range ps {
					wg.Go(func() { <-start; m.join(p) })
				}
				for _, p := range leavers {
					wg.Go(func() { <-start; m.leave(p) })
				}
				if tc.w > 0 {
					wg.Go(func() {
						<-start
						for range 8 {
							mock.Add(tc.w / 4)
						}
					})
				}
				close(start)
				wg.Wait()
				m.stop() // waits for the rooms being formed

				formed := map[string]int{}
				for len(rooms) > 0 {
					r := <-rooms
					require.GreaterOrEqual(t, len(r), matchMin, "round %d: room %v", round, r)
					require.LessOrEqual(t, len(r), matchMax, "round %d: room %v", round, r)
					for _, p := range r {
						formed[p]++
					}
				}
				waiting := m.list()
				if tc.w == 0 {
					require.LessOrEqual(t, len(waiting), 1, "round %d: two waiting players make a room at once", round)
				}
				for i, p := range ps {
					w := 0
					for _, x := range waiting {
						if x == p {
							w++
						}
					}
					require.LessOrEqual(t, w, 1, "round %d: %s waits twice", round, p)
					in := formed[p] + w
					if i < len(leavers) {
						require.LessOrEqual(t, in, 1, "round %d: %s: rooms %d, waiting %d", round, p, formed[p], w)
					} else {
						require.Equal(t, 1, in, "round %d: %s: rooms %d, waiting %d", round, p, formed[p], w)
					}
				}
			}
		})
	}
}
