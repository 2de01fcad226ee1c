package main

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/realtime"
)

// opsPlayer is one player in the ops view.
type opsPlayerView struct {
	Player      string   `json:"player"`
	Coins       int64    `json:"coins"`
	Sessions    int      `json:"sessions"`
	Queued      int      `json:"queued"`
	DeadLetters int      `json:"deadLetters"`
	Locks       []string `json:"locks"`
	Waiting     bool     `json:"waiting"`
	Room        string   `json:"room"`
}

// opsView is GET /api/ops.
type opsView struct {
	Namespaces map[string][]string `json:"namespaces"`
	Players    []opsPlayerView     `json:"players"`
	Rooms      []roomView          `json:"rooms"`
	Waiting    []string            `json:"waiting"`
	Now        int64               `json:"now"`
}

// shownRooms bounds the rooms of the ops view.
const shownRooms = 20

func (a *app) ops(r *http.Request) (any, error) {
	ctx := r.Context()
	v := opsView{Namespaces: map[string][]string{}, Players: []opsPlayerView{}, Rooms: []roomView{},
		Waiting: a.match.list(), Now: a.clk.Now().UnixMilli()}
	if err := a.namespaces(ctx, v.Namespaces); err != nil {
		return nil, err
	}
	names, err := a.ledger.players(ctx)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		p, err := a.playerView(r, name)
		if err != nil {
			return nil, err
		}
		v.Players = append(v.Players, p)
	}
	rooms, err := a.allRooms(ctx)
	if err != nil {
		return nil, err
	}
	for _, room := range rooms {
		members, _ := a.rooms.members(room.Name)
		v.Rooms = append(v.Rooms, roomView{Name: room.Name, Status: room.Status, Port: room.Port,
			Players: append([]string{}, members...), CreatedAt: room.CreatedAt})
	}
	slices.SortFunc(v.Rooms, func(x, y roomView) int { return cmp.Compare(y.CreatedAt, x.CreatedAt) })
	if len(v.Rooms) > shownRooms {
		v.Rooms = v.Rooms[:shownRooms]
	}
	return v, nil
}

// namespaces lists each service's namespaces into m.
func (a *app) namespaces(ctx context.Context, m map[string][]string) error {
	lk, _, err := a.lock.DescribeNamespaces(ctx, lock.DescribeNamespacesInput{Limit: 100})
	if err != nil {
		return err
	}
	for _, n := range lk {
		m["lock"] = append(m["lock"], n.Name)
	}
	gw, _, err := a.gw.DescribeNamespaces(ctx, gateway.DescribeNamespacesInput{Limit: 100})
	if err != nil {
		return err
	}
	for _, n := range gw {
		m["gateway"] = append(m["gateway"], n.Name)
	}
	jq, _, err := a.jobs.DescribeNamespaces(ctx, jobqueue.DescribeNamespacesInput{Limit: 100})
	if err != nil {
		return err
	}
	for _, n := range jq {
		m["jobqueue"] = append(m["jobqueue"], n.Name)
	}
	rt, _, err := a.rt.DescribeNamespaces(ctx, realtime.DescribeNamespacesInput{Limit: 100})
	if err != nil {
		return err
	}
	for _, n := range rt {
		m["realtime"] = append(m["realtime"], n.Name)
	}
	return nil
}

// playerView is one player's line of the ops view.
func (a *app) playerView(r *http.Request, name string) (opsPlayerView, error) {
	ctx := r.Context()
	p := opsPlayerView{Player: name, Locks: []string{}, Waiting: a.match.isWaiting(name)}
	var err error
	if p.Room, err = a.currentRoom(ctx, name); err != nil {
		return p, err
	}
	if p.Coins, err = a.ledger.coins(ctx, name); err != nil {
		return p, err
	}
	sessions, err := a.sessions(r, name)
	if err != nil {
		return p, err
	}
	p.Sessions = len(sessions)
	queued, _, err := a.jobs.DescribeJobs(ctx, ns, name, "", 100)
	if err != nil {
		return p, err
	}
	p.Queued = len(queued)
	dead, _, err := a.jobs.DescribeDeadLetterJobs(ctx, ns, name, "", 100)
	if err != nil {
		return p, err
	}
	p.DeadLetters = len(dead)
	mutexes, _, err := a.lock.DescribeMutexes(ctx, ns, name, "", 100)
	if err != nil {
		return p, err
	}
	for _, m := range mutexes {
		p.Locks = append(p.Locks, m.PropertyID)
	}
	return p, nil
}

func (a *app) opsPlayer(r *http.Request) (any, error) {
	name := r.PathValue("name")
	known, err := a.ledger.exists(r.Context(), name)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, notFound("unknown player " + name)
	}
	return a.playerView(r, name)
}
