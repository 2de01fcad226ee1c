package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hearth-go/hearth/jobqueue"
)

// rewardScript is the job script that pays a player.
const rewardScript = "reward"

// walletTTL bounds how long a reward job may hold a wallet lock.
const walletTTL = 10 * time.Second

// rewardArgs are a reward job's args.
type rewardArgs struct {
	Coins int64  `json:"coins"`
	Fail  string `json:"fail,omitempty"` // "never", "once", "always"
}

// reward runs a reward job: it takes the player's wallet lock and credits
// the coins. fail makes it fail on purpose, to show retries ("once": the
// first try answers 503, retried) and dead letters ("always": 500 on every
// try). A job runs at least once; the ledger pays each job once.
func (a *app) reward(ctx context.Context, job jobqueue.Job) (int, string, error) {
	var args rewardArgs
	if err := json.Unmarshal([]byte(job.Args), &args); err != nil || args.Coins <= 0 {
		return http.StatusBadRequest, "bad args: " + job.Args, nil
	}
	switch {
	case args.Fail == "always":
		return http.StatusInternalServerError, "the reward server is down (fail: always)", nil
	case args.Fail == "once" && job.CurrentRetryCount == 0:
		return http.StatusServiceUnavailable, "busy, retry later (fail: once)", nil
	}
	txID := job.Name + "/" + strconv.Itoa(job.CurrentRetryCount)
	lease, err := a.lock.Acquire(ctx, ns, job.UserID, "wallet", txID, walletTTL)
	if err != nil {
		return http.StatusServiceUnavailable, "wallet lock: " + err.Error(), nil
	}
	defer func() { _, _ = lease.Unlock(context.WithoutCancel(ctx)) }()
	balance, err := a.ledger.credit(ctx, job.UserID, job.Name, args.Coins, lease.FencingToken())
	if err != nil {
		return http.StatusInternalServerError, "credit: " + err.Error(), nil
	}
	return http.StatusOK, fmt.Sprintf(`{"coins":%d,"balance":%d}`, args.Coins, balance), nil
}
