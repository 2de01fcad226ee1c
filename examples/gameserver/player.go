package main

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/jobqueue"
)

// shownJobs is how many recent jobs GET /api/jobs looks at for results.
const shownJobs = 20

// meView is GET /api/me.
type meView struct {
	Player   string `json:"player"`
	Coins    int64  `json:"coins"`
	Sessions int    `json:"sessions"`
	Waiting  bool   `json:"waiting"`
	Room     string `json:"room"`
}

func (a *app) me(r *http.Request, player string) (any, error) {
	coins, err := a.ledger.coins(r.Context(), player)
	if err != nil {
		return nil, err
	}
	sessions, err := a.sessions(r, player)
	if err != nil {
		return nil, err
	}
	room, err := a.currentRoom(r.Context(), player)
	if err != nil {
		return nil, err
	}
	return meView{Player: player, Coins: coins, Sessions: len(sessions), Waiting: a.match.isWaiting(player),
		Room: room}, nil
}

// sessions returns the player's open gateway sessions.
func (a *app) sessions(r *http.Request, player string) ([]gateway.WebSocketSession, error) {
	var all []gateway.WebSocketSession
	for tok := ""; ; {
		items, next, err := a.gw.DescribeWebSocketSessions(r.Context(), ns, player, tok, 100)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		tok = next
	}
}

// pushRequest is POST /api/jobs.
type pushRequest struct {
	Coins       *int64 `json:"coins"`
	Fail        string `json:"fail"`
	MaxTryCount *int   `json:"maxTryCount"`
}

func (a *app) pushJob(r *http.Request, player string) (any, error) {
	var in pushRequest
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	switch {
	case in.Coins == nil:
		return nil, badRequest("coins", "required")
	case *in.Coins < 1 || *in.Coins > 1000:
		return nil, badRequest("coins", "must be 1..1000")
	}
	switch in.Fail {
	case "":
		in.Fail = "never"
	case "never", "once", "always":
	default:
		return nil, badRequest("fail", `must be "never", "once" or "always"`)
	}
	tries := 3
	if in.MaxTryCount != nil {
		if *in.MaxTryCount < 1 || *in.MaxTryCount > 10 {
			return nil, badRequest("maxTryCount", "must be 1..10")
		}
		tries = *in.MaxTryCount
	}
	args, _ := json.Marshal(rewardArgs{Coins: *in.Coins, Fail: in.Fail})
	jobs, _, err := a.jobs.Push(r.Context(), ns, player, []jobqueue.JobEntry{{
		ScriptID: rewardScript, Args: string(args), MaxTryCount: tries,
	}})
	if err != nil {
		return nil, err
	}
	// The job may already have run: its record in the ledger only lets
	// the player list its results.
	if err := a.ledger.addJobs(r.Context(), player, []jobRef{{Name: jobs[0].Name, CreatedAt: jobs[0].CreatedAt}}); err != nil {
		return nil, err
	}
	return map[string]jobqueue.Job{"job": jobs[0]}, nil
}

// resultView is one attempt at a job.
type resultView struct {
	JobName    string `json:"jobName"`
	TryNumber  int    `json:"tryNumber"`
	StatusCode int    `json:"statusCode"`
	Result     string `json:"result"`
	TryAt      int64  `json:"tryAt"`
}

// jobsView is GET /api/jobs.
type jobsView struct {
	Queued      []jobqueue.Job           `json:"queued"`
	Results     []resultView             `json:"results"`
	DeadLetters []jobqueue.DeadLetterJob `json:"deadLetters"`
}

func (a *app) listJobs(r *http.Request, player string) (any, error) {
	ctx := r.Context()
	v := jobsView{Queued: []jobqueue.Job{}, Results: []resultView{}, DeadLetters: []jobqueue.DeadLetterJob{}}
	queued, _, err := a.jobs.DescribeJobs(ctx, ns, player, "", 100)
	if err != nil {
		return nil, err
	}
	v.Queued = append(v.Queued, queued...)
	dead, _, err := a.jobs.DescribeDeadLetterJobs(ctx, ns, player, "", 100)
	if err != nil {
		return nil, err
	}
	v.DeadLetters = append(v.DeadLetters, dead...)
	refs, err := a.ledger.recentJobs(ctx, player, shownJobs)
	if err != nil {
		return nil, err
	}
	for _, ref := range refs {
		last, err := a.jobs.GetJobResult(ctx, ns, player, ref.Name, nil)
		if errors.Is(err, jobqueue.ErrNotFound) {
			continue // not run yet, or its results expired
		}
		if err != nil {
			return nil, err
		}
		for try := last.TryNumber; try >= 0; try-- {
			res := last
			if try != last.TryNumber {
				if res, err = a.jobs.GetJobResult(ctx, ns, player, ref.Name, &try); errors.Is(err, jobqueue.ErrNotFound) {
					continue
				} else if err != nil {
					return nil, err
				}
			}
			v.Results = append(v.Results, resultView{JobName: ref.Name, TryNumber: res.TryNumber,
				StatusCode: res.StatusCode, Result: res.Result, TryAt: res.TryAt})
		}
		if len(v.Results) >= 50 {
			v.Results = v.Results[:50]
			break
		}
	}
	return v, nil
}

func (a *app) requeue(r *http.Request, player string) (any, error) {
	job, err := a.jobs.RequeueDeadLetterJob(r.Context(), ns, player, r.PathValue("name"))
	if errors.Is(err, jobqueue.ErrInvalidArgument) {
		return nil, notFound("no dead letter " + r.PathValue("name"))
	}
	if err != nil {
		return nil, err
	}
	if err := a.ledger.addJobs(r.Context(), player, []jobRef{{Name: job.Name, CreatedAt: job.CreatedAt}}); err != nil {
		return nil, err
	}
	return map[string]*jobqueue.Job{"job": job}, nil
}

func (a *app) joinMatch(_ *http.Request, player string) (any, error) {
	n := a.match.join(player)
	status := "waiting"
	if !a.match.isWaiting(player) {
		status = "matched"
	}
	return map[string]any{"status": status, "waiting": n}, nil
}

func (a *app) leaveMatch(_ *http.Request, player string) (any, error) {
	a.match.leave(player)
	return map[string]string{"status": "idle"}, nil
}
