package jobqueue_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/memstore"
)

// Benchmarks, on every store with its default tuning:
//
//	go test -run '^$' -bench . -count 5 ./jobqueue/
//
// Push1 and Push10 are one goroutine pushing 1 or 10 jobs per call to a
// manual namespace (jobs/s). PushRun is 16 goroutines (GOMAXPROCS × 8),
// each pushing one job to its own user and running it with Run (pairs/s).
// AutoRunBurnDown drains 20,000 no-op jobs queued for 1,000 users with 16
// workers (jobs/s). PushToStartLatency pushes 2,000 jobs/s for 2 s to
// 1,000 users of an auto-run namespace with 16 workers and reports the
// p50 and p99 of the time from Push's return to the handler's start.

var benchStores = []struct {
	name string
	open func(b *testing.B) store.Store
}{
	{"memstore", func(b *testing.B) store.Store { return memstore.New(nil) }},
	{"badger", func(b *testing.B) store.Store { return benchBadger(b, badgerstore.Crash) }},
	{"badgerSync", func(b *testing.B) store.Store { return benchBadger(b, badgerstore.Sync) }},
}

func benchBadger(b *testing.B, d badgerstore.Durability) store.Store {
	st, err := badgerstore.Open(b.TempDir(), &badgerstore.Options{Durability: d})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

const (
	benchManual  = "bench"
	benchAuto    = "benchauto"
	benchScript  = "noop"
	benchUsers   = 1000
	benchWorkers = 16
)

// benchService opens a store and a started service with a no-op handler, a
// manual namespace and an auto-run one, none notifying; both are closed
// when b ends.
func benchService(b *testing.B, open func(*testing.B) store.Store, cfg jobqueue.Config) *jobqueue.Service {
	svc, closeAll := openBenchService(b, open, cfg)
	b.Cleanup(closeAll)
	return svc
}

// openBenchService is benchService with the closing left to the caller.
func openBenchService(b *testing.B, open func(*testing.B) store.Store, cfg jobqueue.Config) (*jobqueue.Service, func()) {
	st := open(b)
	cfg.Clock = clock.New()
	svc, err := jobqueue.New(st, &cfg)
	if err != nil {
		b.Fatal(err)
	}
	closeAll := func() {
		_ = svc.Stop(context.Background())
		_ = st.Close()
	}
	ctx := context.Background()
	fail := func(err error) {
		closeAll()
		b.Fatal(err)
	}
	if err := svc.Register(benchScript, func(context.Context, jobqueue.Job) (int, string, error) { return 200, "", nil }); err != nil {
		fail(err)
	}
	for _, in := range []jobqueue.CreateNamespaceInput{{Name: benchManual}, {Name: benchAuto, EnableAutoRun: true}} {
		if _, err := svc.CreateNamespace(ctx, in); err != nil {
			fail(err)
		}
	}
	if err := svc.Start(ctx); err != nil {
		fail(err)
	}
	return svc, closeAll
}

func benchUser(i int) string { return fmt.Sprintf("user-%04d", i%benchUsers) }

// benchRate reports n per second of the benchmark's timed duration.
func benchRate(b *testing.B, n int, unit string) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n)/s, unit)
	}
}

func benchEntries(n int) []jobqueue.JobEntry {
	e := make([]jobqueue.JobEntry, n)
	for i := range e {
		e[i] = jobqueue.JobEntry{ScriptID: benchScript}
	}
	return e
}

func benchPush(b *testing.B, per int) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			svc := benchService(b, sc.open, jobqueue.Config{})
			ctx := context.Background()
			batch := benchEntries(per)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, _, err := svc.Push(ctx, benchManual, benchUser(i), batch); err != nil {
					b.Fatal(err)
				}
				i++
			}
			benchRate(b, per*b.N, "jobs/s")
		})
	}
}

func BenchmarkPush1(b *testing.B)  { benchPush(b, 1) }
func BenchmarkPush10(b *testing.B) { benchPush(b, 10) }

func BenchmarkPushRun(b *testing.B) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			svc := benchService(b, sc.open, jobqueue.Config{})
			ctx := context.Background()
			var next atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				user := fmt.Sprint("runner-", next.Add(1))
				one := benchEntries(1)
				for pb.Next() {
					if _, _, err := svc.Push(ctx, benchManual, user, one); err != nil {
						b.Error(err)
						return
					}
					r, err := svc.Run(ctx, benchManual, user)
					if err != nil || r.Job == nil || r.Result.StatusCode != 200 {
						b.Errorf("run: %+v, %v", r, err)
						return
					}
				}
			})
			benchRate(b, b.N, "pairs/s")
		})
	}
}

// BenchmarkAutoRunBurnDown times the drain of a fixed backlog, once per
// iteration, each on a fresh store: 20,000 jobs queued (untimed) for 1,000
// users of a namespace whose auto-run is off, then auto-run turned on
// (timed from here) until every job has succeeded. The backlog is fixed
// rather than b.N jobs because its shape — 20 jobs in each user's queue,
// which must run one after another — is what the number measures; the
// store is fresh so that the result does not depend on b.N (on Badger, a
// store that drained earlier backlogs is slower: the deleted jobs of a
// user's queue stay in the LSM tree for a while, and finding the head job
// skips them).
func BenchmarkAutoRunBurnDown(b *testing.B) {
	const (
		jobs    = 20000
		perPush = 10
		ns      = "burn"
	)
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			ctx := context.Background()
			batch := benchEntries(perPush)
			closeLast := func() {}
			defer func() { closeLast() }()
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				closeLast()
				svc, closeAll := openBenchService(b, sc.open, jobqueue.Config{Workers: benchWorkers, EventBuffer: 2 * jobs})
				done, stopEvents := svc.Subscribe(jobqueue.EventSucceeded)
				closeLast = func() {
					closeAll()
					stopEvents()
				}
				if _, err := svc.CreateNamespace(ctx, jobqueue.CreateNamespaceInput{Name: ns}); err != nil {
					b.Fatal(err)
				}
				var wg sync.WaitGroup
				var next atomic.Int64
				for range benchWorkers {
					wg.Go(func() {
						for i := int(next.Add(1)) - 1; i < jobs/perPush; i = int(next.Add(1)) - 1 {
							if _, _, err := svc.Push(ctx, ns, benchUser(i), batch); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				if b.Failed() {
					return
				}
				b.StartTimer()
				if _, err := svc.UpdateNamespace(ctx, jobqueue.UpdateNamespaceInput{NamespaceName: ns, EnableAutoRun: true}); err != nil {
					b.Fatal(err)
				}
				for range jobs {
					<-done
				}
				b.StopTimer()
				if n := svc.Dropped(); n > 0 {
					b.Fatalf("%d events dropped", n)
				}
				b.StartTimer()
			}
			benchRate(b, jobs*b.N, "jobs/s")
		})
	}
}

// BenchmarkPushToStartLatency pushes jobs at a steady 2,000 jobs/s on a
// wall-clock ticker, for 2 s per iteration, each job to the next of 1,000
// users of an auto-run namespace (16 pushing goroutines, so a slow Push
// does not slow the rate), and measures for each job the time from Push's
// return to its handler's start; a handler that starts before Push has
// returned counts 0.
func BenchmarkPushToStartLatency(b *testing.B) {
	const (
		rate     = 2000 // jobs/s
		duration = 2 * time.Second
		tick     = time.Millisecond
		pushers  = 16
	)
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			cfg := jobqueue.Config{Workers: benchWorkers, EventBuffer: 4 * rate * int(duration/time.Second)}
			svc := benchService(b, sc.open, cfg)
			ctx := context.Background()
			var (
				mu       sync.Mutex
				returned = map[string]time.Time{}
				startedT = map[string]time.Time{}
			)
			if err := svc.Register("timed", func(_ context.Context, job jobqueue.Job) (int, string, error) {
				now := time.Now()
				mu.Lock()
				startedT[job.Name] = now
				mu.Unlock()
				return 200, "", nil
			}); err != nil {
				b.Fatal(err)
			}
			done, stop := svc.Subscribe(jobqueue.EventSucceeded)
			defer stop()
			var lat []time.Duration
			sent, sentTime := 0, time.Duration(0)
			b.ReportAllocs()
			for b.Loop() {
				work := make(chan int, rate*int(duration/time.Second))
				var wg sync.WaitGroup
				one := []jobqueue.JobEntry{{ScriptID: "timed"}}
				for range pushers {
					wg.Go(func() {
						for i := range work {
							jobs, _, err := svc.Push(ctx, benchAuto, benchUser(i), one)
							now := time.Now()
							if err != nil {
								b.Error(err)
								continue
							}
							mu.Lock()
							returned[jobs[0].Name] = now
							mu.Unlock()
						}
					})
				}
				n := 0
				began := time.Now()
				ticker := time.NewTicker(tick)
				for {
					elapsed := time.Since(began)
					if elapsed >= duration {
						break
					}
					// Catch up on ticks the runtime dropped: the rate is
					// kept by elapsed time, not by tick count.
					for due := int(elapsed.Seconds() * rate); n < due; n++ {
						work <- sent + n
					}
					<-ticker.C
				}
				ticker.Stop()
				close(work)
				wg.Wait()
				sentTime += time.Since(began)
				for range n {
					<-done
				}
				sent += n
			}
			mu.Lock()
			for name, ret := range returned {
				start, ok := startedT[name]
				if !ok {
					b.Fatalf("job %s succeeded without its handler starting", name)
				}
				lat = append(lat, max(start.Sub(ret), 0))
			}
			mu.Unlock()
			if len(lat) != sent {
				b.Fatalf("%d jobs timed, %d pushed", len(lat), sent)
			}
			slices.Sort(lat)
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond) }
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(float64(sent)/sentTime.Seconds(), "pushed-jobs/s")
		})
	}
}
