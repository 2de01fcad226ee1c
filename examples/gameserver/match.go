package main

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/realtime"
)

const (
	matchMin = 2 // players a room needs
	matchMax = 8 // players a room takes
)

// matchmaker groups waiting players into rooms of matchMin..matchMax: at
// once when matchMax wait, else window after the matchMin-th player joined
// the wait (at once when window is zero).
type matchmaker struct {
	clk    clock.Clock
	window time.Duration
	form   func(players []string) // called without the lock, on its own goroutine

	mu      sync.Mutex
	waiting []string
	timer   *clock.Timer
	armed   uint64 // counts the timers armed: a fire of an older one is stale
	stopped bool
	wg      sync.WaitGroup
}

func newMatchmaker(clk clock.Clock, window time.Duration, form func([]string)) *matchmaker {
	return &matchmaker{clk: clk, window: window, form: form}
}

// join puts p in the wait (once) and returns how many wait.
func (m *matchmaker) join(p string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return len(m.waiting)
	}
	if !slices.Contains(m.waiting, p) {
		m.waiting = append(m.waiting, p)
	}
	n := len(m.waiting)
	switch {
	case n >= matchMax || (n >= matchMin && m.window <= 0):
		m.formLocked()
	case n >= matchMin && m.timer == nil:
		m.armed++
		gen := m.armed
		m.timer = m.clk.AfterFunc(m.window, func() { m.fire(gen) })
	}
	return n
}

// leave takes p out of the wait.
func (m *matchmaker) leave(p string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.waiting = slices.DeleteFunc(m.waiting, func(w string) bool { return w == p })
	if len(m.waiting) < matchMin && m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
}

// isWaiting reports whether p waits.
func (m *matchmaker) isWaiting(p string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Contains(m.waiting, p)
}

// list returns the waiting players.
func (m *matchmaker) list() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string{}, m.waiting...) // [] rather than null in JSON
}

// fire forms a room when the timer armed as generation gen fires, unless
// it was stopped or replaced meanwhile (its callback may already have been
// waiting for the lock when leave or stop cancelled it).
func (m *matchmaker) fire(gen uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen != m.armed || m.timer == nil {
		return
	}
	m.timer = nil
	if !m.stopped && len(m.waiting) >= matchMin {
		m.formLocked()
	}
}

// formLocked hands up to matchMax waiting players to form.
func (m *matchmaker) formLocked() {
	n := min(len(m.waiting), matchMax)
	players := slices.Clone(m.waiting[:n])
	m.waiting = slices.Delete(m.waiting, 0, n)
	if m.timer != nil && len(m.waiting) < matchMin {
		m.timer.Stop()
		m.timer = nil
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.form(players)
	}()
}

// stop forms no more rooms and waits for those being formed.
func (m *matchmaker) stop() {
	m.mu.Lock()
	m.stopped = true
	if m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
	m.mu.Unlock()
	m.wg.Wait()
}

// formRoom asks realtime for a room for players; realtime notifies each of
// them (Gs2Realtime:Create, through the gateway) once it is ready.
func (a *app) formRoom(players []string) {
	name := "match-" + uuid.NewString()[:8]
	a.rooms.add(name, players)
	if _, err := a.rt.WantRoom(context.Background(), ns, name, players); err != nil {
		a.log.Error("want room", "room", name, "err", err)
		a.rooms.remove(name)
		return
	}
	a.log.Info("match formed", "room", name, "players", players)
}

// currentRoom returns the player's latest room while it exists: a room
// that ended (idle, lifetime) is forgotten.
func (a *app) currentRoom(ctx context.Context, player string) (string, error) {
	room := a.rooms.roomOf(player)
	if room == "" {
		return "", nil
	}
	_, err := a.rt.GetRoom(ctx, ns, room)
	if errors.Is(err, realtime.ErrNotFound) {
		a.rooms.remove(room)
		return "", nil
	}
	return room, err
}

// roomBook remembers which players were matched into which room, for the
// room's endpoint to be shown to them alone.
type roomBook struct {
	mu      sync.Mutex
	players map[string][]string // room → players
	of      map[string]string   // player → room
}

func newRoomBook() *roomBook {
	return &roomBook{players: map[string][]string{}, of: map[string]string{}}
}

func (b *roomBook) add(room string, players []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.players[room] = players
	for _, p := range players {
		b.of[p] = room
	}
}

func (b *roomBook) remove(room string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.players[room] {
		if b.of[p] == room {
			delete(b.of, p)
		}
	}
	delete(b.players, room)
}

// roomOf returns p's latest room ("" if none).
func (b *roomBook) roomOf(p string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.of[p]
}

// members returns the players of room and whether the room is known.
func (b *roomBook) members(room string) ([]string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ps, ok := b.players[room]
	return slices.Clone(ps), ok
}
