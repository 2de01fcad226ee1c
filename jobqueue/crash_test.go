package jobqueue_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store/badgerstore"
)

// Environment of the crash child process.
const (
	crashDirEnv   = "HEARTH_JOBQUEUE_CRASH_DIR"
	crashRoundEnv = "HEARTH_JOBQUEUE_CRASH_ROUND"
)

const (
	crashRounds    = 10
	crashNamespace = "crash"
	crashScript    = "crash"
	crashBlockArgs = `{"block":true}`
	crashBlock     = "block"
	crashOK        = "ok"
)

// crashPushes are the pushes of round r: to one of three users that take
// turns (a job that blocks between two that do not, so a blocked job holds
// up the user's queue across restarts until it succeeds or dies), and to a
// user of its own.
func crashPushes(r int) map[string][]jobqueue.JobEntry {
	ok := jobqueue.JobEntry{ScriptID: crashScript}
	block := jobqueue.JobEntry{ScriptID: crashScript, Args: crashBlockArgs}
	return map[string][]jobqueue.JobEntry{
		fmt.Sprint("turns-", r%3): {ok, block, ok},
		fmt.Sprint("round-", r):   {ok, ok, ok},
	}
}

// crashUsers are every user a round pushes to.
func crashUsers() []string {
	seen := map[string]bool{}
	var users []string
	for r := range crashRounds {
		for u := range crashPushes(r) {
			if !seen[u] {
				seen[u] = true
				users = append(users, u)
			}
		}
	}
	return users
}

// TestSIGKILLChild is the child of TestSIGKILLRecovery. On the Badger store
// in its directory it starts an auto-run service (which recovers what the
// last child left running), whose handler prints "start <job> <try> <kind>"
// and then blocks forever if the job's args say so, or succeeds. Once
// started, it prints "head <job>" for each blocking job at the head of a
// queue (it will run in this process). It pushes the round's jobs, prints
// "ack <job> <user> <kind>" for each after Push returned, then "pushed",
// and waits to be killed. It does nothing unless started by
// TestSIGKILLRecovery.
func TestSIGKILLChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		return
	}
	fail := func(what string, err error) {
		fmt.Println(what+":", err)
		os.Exit(2)
	}
	round, err := strconv.Atoi(os.Getenv(crashRoundEnv))
	if err != nil {
		fail("round", err)
	}
	st, err := badgerstore.Open(dir, &badgerstore.Options{Light: true})
	if err != nil {
		fail("open", err)
	}
	ctx := context.Background()
	svc, err := jobqueue.New(st, &jobqueue.Config{Clock: clock.New()})
	if err != nil {
		fail("new", err)
	}
	err = svc.Register(crashScript, func(_ context.Context, job jobqueue.Job) (int, string, error) {
		kind := crashOK
		if job.Args == crashBlockArgs {
			kind = crashBlock
		}
		fmt.Println("start", job.Name, job.CurrentRetryCount, kind)
		if kind == crashBlock {
			select {} // until the process is killed
		}
		return 200, "done", nil
	})
	if err != nil {
		fail("register", err)
	}
	_, err = svc.CreateNamespace(ctx, jobqueue.CreateNamespaceInput{Name: crashNamespace, EnableAutoRun: true})
	if err != nil && !errors.Is(err, jobqueue.ErrAlreadyExists) {
		fail("create namespace", err)
	}
	if err := svc.Start(ctx); err != nil {
		fail("start", err)
	}
	for r := range 3 {
		heads, _, err := svc.DescribeJobs(ctx, crashNamespace, fmt.Sprint("turns-", r), "", 1)
		if err != nil {
			fail("describe jobs", err)
		}
		if len(heads) == 1 && heads[0].Args == crashBlockArgs {
			fmt.Println("head", heads[0].Name)
		}
	}
	for user, entries := range crashPushes(round) {
		jobs, _, err := svc.Push(ctx, crashNamespace, user, entries)
		if err != nil {
			fail("push", err)
		}
		for _, j := range jobs {
			kind := crashOK
			if j.Args == crashBlockArgs {
				kind = crashBlock
			}
			fmt.Println("ack", j.Name, user, kind)
		}
	}
	fmt.Println("pushed")
	_, _ = io.Copy(io.Discard, os.Stdin) // the parent holds stdin open until it kills us
	os.Exit(3)
}

// crashAttempt is an attempt the parent saw start.
type crashAttempt struct {
	job string
	try int
}

// crashRound runs the child of round r and kills it with SIGKILL once it
// has acknowledged its pushes, an attempt of a blocking job is in flight,
// and so is an attempt of each blocking job it found at the head of a
// queue (so a job that blocks is interrupted in every round until it
// dies). It returns the acknowledged jobs (name -> user) and the attempts
// of blocking jobs in flight at the kill.
func crashRound(t *testing.T, dir string, r int) (acked map[string]string, blocked []crashAttempt) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSIGKILLChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashRoundEnv+"="+strconv.Itoa(r))
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	defer stdin.Close()
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := os.Create(fmt.Sprintf("%s.stderr.%d", dir, r))
	require.NoError(t, err)
	defer stderr.Close()
	cmd.Stderr = stderr
	childErr := func() string { b, _ := os.ReadFile(stderr.Name()); return string(b) }
	require.NoError(t, cmd.Start())
	// A child that hangs is killed, which ends the read loop below.
	guard := time.AfterFunc(time.Minute, func() { _ = cmd.Process.Kill() })
	defer guard.Stop()
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()

	acked = map[string]string{}
	heads := map[string]bool{} // blocking head jobs not seen starting yet
	started := map[string]bool{}
	pushed := false
	lines := bufio.NewScanner(out)
	for !(pushed && len(blocked) > 0 && len(heads) == 0) && lines.Scan() {
		f := strings.Fields(lines.Text())
		switch {
		case len(f) == 4 && f[0] == "start":
			try, err := strconv.Atoi(f[2])
			require.NoError(t, err)
			if f[3] == crashBlock {
				blocked = append(blocked, crashAttempt{f[1], try})
				started[f[1]] = true
				delete(heads, f[1])
			}
		case len(f) == 2 && f[0] == "head":
			if !started[f[1]] {
				heads[f[1]] = true
			}
		case len(f) == 4 && f[0] == "ack":
			acked[f[1]] = f[2]
		case len(f) == 1 && f[0] == "pushed":
			pushed = true
		default:
			require.Failf(t, "unexpected output from the child", "round %d: %q; stderr: %s", r, lines.Text(), childErr())
		}
	}
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	killed = true
	require.True(t, pushed && len(blocked) > 0 && len(heads) == 0,
		"round %d: the child stopped early (pushed %v, blocking attempts %d, heads not started %d); stderr: %s",
		r, pushed, len(blocked), len(heads), childErr())
	return acked, blocked
}

// TestSIGKILLRecovery: ten times in a row a child process runs auto-run on
// a Badger store with jobs whose handlers block, and is killed with
// SIGKILL while they run. Then the store is opened once more and started
// with handlers that succeed, and drained. Every job a child acknowledged
// has succeeded or is in the dead letters (nothing is lost, nothing is
// both), every attempt in flight at a kill has an "interrupted" result
// (status 500) under its try number, and the queues are empty.
func TestSIGKILLRecovery(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	acked := map[string]string{} // job -> user
	var inflight []crashAttempt
	for r := range crashRounds {
		a, b := crashRound(t, dir, r)
		for job, user := range a {
			acked[job] = user
		}
		inflight = append(inflight, b...)
	}

	st, err := badgerstore.Open(dir, &badgerstore.Options{Light: true})
	require.NoError(t, err)
	defer st.Close()
	ctx := context.Background()
	svc, err := jobqueue.New(st, &jobqueue.Config{Clock: clock.New()})
	require.NoError(t, err)
	defer svc.Stop(ctx)
	require.NoError(t, svc.Register(crashScript, func(context.Context, jobqueue.Job) (int, string, error) {
		return 200, "done", nil
	}))

	// What is queued now must drain: each job succeeds or dies.
	queued := map[string]bool{}
	users := crashUsers()
	for _, user := range users {
		for _, j := range describeAllJobs(t, svc, crashNamespace, user) {
			queued[j.Name] = true
		}
	}
	events, stopEvents := svc.Subscribe(jobqueue.EventSucceeded, jobqueue.EventDead)
	defer stopEvents()
	require.NoError(t, svc.Start(ctx))
	guard := time.NewTimer(time.Minute)
	defer guard.Stop()
	for left := len(queued); left > 0; {
		select {
		case ev := <-events:
			require.True(t, queued[ev.JobName], "%+v: a job that was not queued", ev)
			delete(queued, ev.JobName)
			left--
		case <-guard.C:
			require.FailNow(t, "timed out draining the queues", "%d jobs left", left)
		}
	}
	require.NoError(t, svc.Stop(ctx))
	for _, user := range users {
		require.Empty(t, describeAllJobs(t, svc, crashNamespace, user), user)
	}

	// Each attempt in flight at a kill was recorded as interrupted.
	for _, a := range inflight {
		r, err := svc.GetJobResult(ctx, crashNamespace, acked[a.job], a.job, &a.try)
		require.NoError(t, err, "job %s try %d", a.job, a.try)
		require.Equal(t, 500, r.StatusCode, "job %s try %d", a.job, a.try)
		require.Equal(t, "interrupted", r.Result, "job %s try %d", a.job, a.try)
	}

	// Every acknowledged job succeeded (after interrupted tries, if any) or
	// is a dead letter whose every try was interrupted — not both.
	succeeded, dead := 0, 0
	for job, user := range acked {
		d, derr := svc.GetDeadLetterJob(ctx, crashNamespace, user, job)
		if derr == nil {
			dead++
			require.Len(t, d.Results, jobqueue.DefaultMaxTryCount, job)
			for i, res := range d.Results {
				require.Equal(t, jobqueue.JobResultBody{TryNumber: i, StatusCode: 500, Result: "interrupted", TryAt: res.TryAt},
					res, "dead letter %s", job)
			}
			continue
		}
		require.ErrorIs(t, derr, jobqueue.ErrNotFound, job)
		last, err := svc.GetJobResult(ctx, crashNamespace, user, job, nil)
		require.NoError(t, err, "acknowledged job %s of %s is lost", job, user)
		require.Equal(t, 200, last.StatusCode, "job %s of %s", job, user)
		for try := range last.TryNumber {
			r, err := svc.GetJobResult(ctx, crashNamespace, user, job, &try)
			require.NoError(t, err, "job %s try %d", job, try)
			require.Equal(t, 500, r.StatusCode, "job %s try %d", job, try)
			require.Equal(t, "interrupted", r.Result, "job %s try %d", job, try)
		}
		succeeded++
	}
	require.Equal(t, len(acked), succeeded+dead)
	require.NotZero(t, dead, "a job blocked in three runs in a row is a dead letter")
	require.NotZero(t, succeeded)
	t.Logf("%d rounds: %d jobs acknowledged, %d attempts in flight at the kills; %d succeeded, %d dead letters",
		crashRounds, len(acked), len(inflight), succeeded, dead)
}

// describeAllJobs lists every job of user's queue, following the pages.
func describeAllJobs(t *testing.T, svc *jobqueue.Service, ns, user string) []jobqueue.Job {
	t.Helper()
	var all []jobqueue.Job
	token := ""
	for {
		items, next, err := svc.DescribeJobs(context.Background(), ns, user, token, 0)
		require.NoError(t, err)
		all = append(all, items...)
		if next == "" {
			return all
		}
		token = next
	}
}
