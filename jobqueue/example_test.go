package jobqueue_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store/memstore"
)

// newExampleService returns a service on memstore with a mock clock, and
// a function that stops it and closes the store.
func newExampleService() (*jobqueue.Service, func()) {
	st := memstore.New(nil)
	svc, err := jobqueue.New(st, &jobqueue.Config{Clock: clock.NewMock()})
	if err != nil {
		panic(err)
	}
	return svc, func() { _ = svc.Stop(context.Background()); _ = st.Close() }
}

// A game server pushes jobs for a player and drains the queue with Run,
// one job at a time in push order, until IsLastJob. A job that fails with
// a status that is not retryable (here 400) goes to the dead letters at
// once.
func ExampleService_Run() {
	svc, done := newExampleService()
	defer done()
	ctx := context.Background()
	if _, err := svc.CreateNamespace(ctx, jobqueue.CreateNamespaceInput{Name: "rewards"}); err != nil {
		panic(err)
	}
	_ = svc.Register("grant-gold", func(_ context.Context, job jobqueue.Job) (int, string, error) {
		var args struct {
			Gold int `json:"gold"`
		}
		if err := json.Unmarshal([]byte(job.Args), &args); err != nil {
			return 400, "args are not JSON", nil
		}
		return 200, fmt.Sprintf(`{"granted":%d}`, args.Gold), nil
	})
	_, _, err := svc.Push(ctx, "rewards", "player-1", []jobqueue.JobEntry{
		{ScriptID: "grant-gold", Args: `{"gold":10}`},
		{ScriptID: "grant-gold", Args: `{"gold":25}`},
		{ScriptID: "grant-gold", Args: `gold=5`},
	})
	if err != nil {
		panic(err)
	}

	for {
		r, err := svc.Run(ctx, "rewards", "player-1")
		if err != nil {
			panic(err)
		}
		if r.Job == nil {
			break
		}
		fmt.Println(r.Job.Args, "->", r.Result.StatusCode, r.Result.Result)
		if r.IsLastJob {
			break
		}
	}
	// Output:
	// {"gold":10} -> 200 {"granted":10}
	// {"gold":25} -> 200 {"granted":25}
	// gold=5 -> 400 args are not JSON
}

// In a namespace with EnableAutoRun, the service's workers run pushed jobs
// in the background once Start was called; Subscribe tells when they are
// done. Run returns no job there.
func ExampleService_Start() {
	svc, done := newExampleService()
	defer done()
	ctx := context.Background()
	_, err := svc.CreateNamespace(ctx, jobqueue.CreateNamespaceInput{Name: "mail", EnableAutoRun: true})
	if err != nil {
		panic(err)
	}
	_ = svc.Register("send-mail", func(_ context.Context, job jobqueue.Job) (int, string, error) {
		return 200, "sent " + job.Args, nil
	})
	succeeded, unsubscribe := svc.Subscribe(jobqueue.EventSucceeded)
	defer unsubscribe()
	if err := svc.Start(ctx); err != nil {
		panic(err)
	}

	jobs, autoRun, err := svc.Push(ctx, "mail", "player-1", []jobqueue.JobEntry{
		{ScriptID: "send-mail", Args: `"welcome"`},
		{ScriptID: "send-mail", Args: `"daily-bonus"`},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("autoRun:", autoRun)
	for range jobs {
		ev := <-succeeded
		res, err := svc.GetJobResult(ctx, "mail", ev.UserID, ev.JobName, nil)
		if err != nil {
			panic(err)
		}
		fmt.Println(res.StatusCode, res.Result)
	}
	r, _ := svc.Run(ctx, "mail", "player-1")
	fmt.Println("Run:", r.Job, r.IsLastJob)
	if err := svc.Stop(ctx); err != nil {
		panic(err)
	}
	// Output:
	// autoRun: true
	// 200 sent "welcome"
	// 200 sent "daily-bonus"
	// Run: <nil> true
}

// A job whose tries run out moves to the dead letters with every attempt's
// result. Once the cause is fixed, RequeueDeadLetterJob pushes it again
// (under a new name) at the tail of the queue; the old results stay
// readable by the old name.
func ExampleService_RequeueDeadLetterJob() {
	svc, done := newExampleService()
	defer done()
	ctx := context.Background()
	if _, err := svc.CreateNamespace(ctx, jobqueue.CreateNamespaceInput{Name: "shop"}); err != nil {
		panic(err)
	}
	outage := true
	_ = svc.Register("deliver-item", func(context.Context, jobqueue.Job) (int, string, error) {
		if outage {
			return 503, "inventory service down", nil
		}
		return 200, "delivered", nil
	})
	_, _, err := svc.Push(ctx, "shop", "player-1", []jobqueue.JobEntry{
		{ScriptID: "deliver-item", Args: `{"item":"sword"}`, MaxTryCount: 2},
	})
	if err != nil {
		panic(err)
	}
	for range 2 {
		r, _ := svc.Run(ctx, "shop", "player-1")
		fmt.Println("try", r.Result.TryNumber, r.Result.StatusCode, "last job:", r.IsLastJob)
	}

	dead, _, _ := svc.DescribeDeadLetterJobs(ctx, "shop", "player-1", "", 0)
	fmt.Println("dead letters:", len(dead), dead[0].Args, len(dead[0].Results), "results")

	outage = false
	job, err := svc.RequeueDeadLetterJob(ctx, "shop", "player-1", dead[0].Name)
	if err != nil {
		panic(err)
	}
	fmt.Println("requeued under a new name:", job.Name != dead[0].Name, "retry count:", job.CurrentRetryCount)
	r, _ := svc.Run(ctx, "shop", "player-1")
	fmt.Println("try", r.Result.TryNumber, r.Result.StatusCode, r.Result.Result)

	old, _ := svc.GetJobResult(ctx, "shop", "player-1", dead[0].Name, nil)
	fmt.Println("old job's last try:", old.TryNumber, old.StatusCode, old.Result)
	dead, _, _ = svc.DescribeDeadLetterJobs(ctx, "shop", "player-1", "", 0)
	fmt.Println("dead letters:", len(dead))
	// Output:
	// try 0 503 last job: false
	// try 1 503 last job: true
	// dead letters: 1 {"item":"sword"} 2 results
	// requeued under a new name: true retry count: 0
	// try 0 200 delivered
	// old job's last try: 1 503 inventory service down
	// dead letters: 0
}
