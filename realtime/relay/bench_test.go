package relay_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay"
	"github.com/hearth-go/hearth/realtime/relay/client"
)

// Benchmarks of the relay over real sockets on 127.0.0.1, with the real
// clock (never under -race):
//
//	go test -run '^$' -bench . -count 3 ./realtime/relay/
//
// Relay30Hz: 100 rooms of 8 players, each player broadcasting 64 bytes 30
// times a second, paced on the wall clock, for 3 s. It reports delivered
// msgs/s (168k/s when the relay keeps up) and the p50/p99/max latency from
// the scheduled send time (stamped in the payload, so a late sender counts)
// to the receiver's Recv, in ms. lost is the messages never delivered.
//
// Relay30HzRaw (bench_raw_test.go): Relay30Hz's load through a bare
// coder/websocket broadcast server with no protocol, the baseline to
// compare with in one run.
//
// RelayMax: the same rooms, every player broadcasting as fast as it can
// with at most benchWindow messages in flight (sent, not yet received by
// all 7 others), which keeps each recipient's queue under the relay's
// 1,024 frames. It reports delivered msgs/s and lost.
//
// Provision: Provision of a listening room, then Release, per op, with
// each half's latency.

const (
	benchRooms   = 100
	benchPlayers = 8
	benchHz      = 30
	benchPayload = 64
	benchPhase   = 3 * time.Second
	// benchWindow bounds a RelayMax sender's messages in flight: a
	// recipient then has at most 7 × benchWindow frames queued.
	benchWindow = 64
	// benchDrain bounds the wait for the last deliveries of a phase.
	benchDrain = 10 * time.Second
	benchNS    = "bench"
)

// benchPlayer is one joined client of a benchmark.
type benchPlayer struct {
	c   *client.Client
	idx int // in benchRelay.all
	// sem holds 7 tokens per message in flight (RelayMax); each delivery
	// takes one back.
	sem chan struct{}
	// peers are the room's players by connectionId.
	peers map[uint32]*benchPlayer
	// lat are the latencies this player received, ns; owned by its
	// receiver until benchRelay.stop.
	lat []int64
}

// benchRelay is a relay with benchRooms rooms of benchPlayers clients, each
// with a receiver goroutine.
type benchRelay struct {
	b   *testing.B
	srv *relay.Server
	t0  time.Time // the origin of the payloads' timestamps
	all []*benchPlayer

	got, want atomic.Int64 // deliveries in this phase; the target once sending ended
	sig       chan struct{}
	bad       atomic.Int64 // deliveries with a wrong size or sender
	closed    atomic.Int64 // receivers whose connection ended early
	sendErrs  atomic.Int64

	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// newBenchServer returns a relay on the real clock, closed when b ends.
func newBenchServer(b *testing.B) *relay.Server {
	b.Helper()
	srv, err := relay.New(relay.Config{Verifier: users{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close(context.Background()) })
	return srv
}

// newBenchRelay provisions the rooms, joins every player and starts the
// receivers; windowed gives each player a send window (RelayMax).
func newBenchRelay(b *testing.B, windowed bool) *benchRelay {
	b.Helper()
	br := &benchRelay{b: b, srv: newBenchServer(b), t0: time.Now(), sig: make(chan struct{}, 1)}
	br.all = make([]*benchPlayer, benchRooms*benchPlayers)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errc := make(chan error, benchRooms)
	var wg sync.WaitGroup
	for r := range benchRooms {
		wg.Go(func() { errc <- br.joinRoom(ctx, r, windowed) })
	}
	wg.Wait()
	close(errc)
	b.Cleanup(br.stop) // closes whatever joined, even after an error
	for err := range errc {
		if err != nil {
			b.Fatal(err)
		}
	}
	rctx, rcancel := context.WithCancel(context.Background())
	br.cancel = rcancel
	for _, p := range br.all {
		br.wg.Go(func() { br.receive(rctx, p) })
	}
	return br
}

// joinRoom provisions room r and joins its players, in order.
func (br *benchRelay) joinRoom(ctx context.Context, r int, windowed bool) error {
	ep, err := br.srv.Provision(ctx, realtime.ProvisionRequest{NamespaceName: benchNS, RoomName: fmt.Sprint("room-", r)})
	if err != nil {
		return err
	}
	peers := make(map[uint32]*benchPlayer, benchPlayers)
	for i := range benchPlayers {
		c, err := client.Dial(ctx, url(ep), ep.EncryptionKey, fmt.Sprintf("tok-u%d-%d", r, i), nil)
		if err != nil {
			return err
		}
		p := &benchPlayer{c: c, idx: r*benchPlayers + i, peers: peers}
		if windowed {
			p.sem = make(chan struct{}, benchWindow*(benchPlayers-1))
		}
		peers[c.Me().GetConnectionId()] = p
		br.all[p.idx] = p
	}
	return nil
}

// now is the time since t0, the clock of the payloads.
func (br *benchRelay) now() time.Duration { return time.Since(br.t0) }

// receive records p's deliveries until ctx ends or the connection does.
func (br *benchRelay) receive(ctx context.Context, p *benchPlayer) {
	for {
		e, err := p.c.Recv(ctx)
		if err != nil {
			if ctx.Err() == nil {
				br.closed.Add(1)
			}
			return
		}
		m, ok := e.(*client.Message)
		if !ok {
			continue // the Joins of the players after p
		}
		at := br.now()
		from := p.peers[m.From]
		if len(m.Data) != benchPayload || from == nil || from == p {
			br.bad.Add(1)
			continue
		}
		p.lat = append(p.lat, int64(at)-int64(binary.LittleEndian.Uint64(m.Data)))
		if from.sem != nil {
			select {
			case <-from.sem:
			default:
			}
		}
		n := br.got.Add(1)
		if w := br.want.Load(); w > 0 && n >= w {
			select {
			case br.sig <- struct{}{}:
			default:
			}
		}
	}
}

// phase runs every sender from now+10ms for benchPhase, paced at benchHz
// or as fast as the window allows, then waits for the deliveries. It
// returns the messages sent and delivered and the time from the phase's
// start to the last delivery.
func (br *benchRelay) phase(paced bool) (sent, got int64, d time.Duration) {
	br.got.Store(0)
	br.want.Store(0)
	select {
	case <-br.sig:
	default:
	}
	for _, p := range br.all {
		for len(p.sem) > 0 {
			<-p.sem
		}
	}
	start := br.now() + 10*time.Millisecond
	end := start + benchPhase
	stop, cancel := context.WithDeadline(context.Background(), br.t0.Add(end))
	defer cancel()
	var n atomic.Int64
	var wg sync.WaitGroup
	for _, p := range br.all {
		wg.Go(func() {
			if paced {
				n.Add(br.sendPaced(p, start, end))
			} else {
				n.Add(br.sendMax(stop, p, start))
			}
		})
	}
	wg.Wait()
	sent = n.Load()
	want := sent * (benchPlayers - 1)
	br.want.Store(want)
	timeout := time.NewTimer(benchDrain)
	defer timeout.Stop()
	for br.got.Load() < want {
		select {
		case <-br.sig:
		case <-timeout.C:
			return sent, br.got.Load(), br.now() - start
		}
	}
	return sent, br.got.Load(), br.now() - start
}

// sendPaced broadcasts benchHz messages a second from p, each stamped
// with its scheduled time; players are spread evenly over the period.
func (br *benchRelay) sendPaced(p *benchPlayer, start, end time.Duration) int64 {
	period := time.Second / benchHz
	offset := period * time.Duration(p.idx) / time.Duration(len(br.all))
	buf := make([]byte, benchPayload)
	var n int64
	for k := time.Duration(0); ; k++ {
		at := start + offset + k*period
		if at >= end {
			return n
		}
		if d := at - br.now(); d > 0 {
			time.Sleep(d) // pacing on the wall clock
		}
		binary.LittleEndian.PutUint64(buf, uint64(at))
		if err := p.c.Send(context.Background(), buf); err != nil {
			br.sendErrs.Add(1)
			return n
		}
		n++
	}
}

// sendMax broadcasts from p as fast as its window allows until stop ends.
func (br *benchRelay) sendMax(stop context.Context, p *benchPlayer, start time.Duration) int64 {
	if d := start - br.now(); d > 0 {
		time.Sleep(d)
	}
	buf := make([]byte, benchPayload)
	var n int64
	for stop.Err() == nil {
		for range benchPlayers - 1 {
			select {
			case p.sem <- struct{}{}:
			case <-stop.Done():
				return n
			}
		}
		binary.LittleEndian.PutUint64(buf, uint64(br.now()))
		// Not stop: a write cut short by its context closes the socket.
		if err := p.c.Send(context.Background(), buf); err != nil {
			br.sendErrs.Add(1)
			return n
		}
		n++
	}
	return n
}

// stop ends the receivers and closes the clients, once.
func (br *benchRelay) stop() {
	br.once.Do(func() {
		if br.cancel != nil {
			br.cancel()
		}
		br.wg.Wait()
		var wg sync.WaitGroup
		for _, p := range br.all {
			if p != nil {
				wg.Go(func() { _ = p.c.Close() })
			}
		}
		wg.Wait()
	})
}

// latencies stops the relay's clients and returns every latency, sorted.
func (br *benchRelay) latencies() []int64 {
	br.stop()
	var all []int64
	for _, p := range br.all {
		all = append(all, p.lat...)
	}
	slices.Sort(all)
	return all
}

// report reports the delivered rate, the messages lost and the failures.
func (br *benchRelay) report(sent, got int64, d time.Duration) {
	b := br.b
	if d > 0 {
		b.ReportMetric(float64(got)/d.Seconds(), "msgs/s")
	}
	b.ReportMetric(float64(sent*(benchPlayers-1)-got), "lost")
	if n := br.bad.Load(); n > 0 {
		b.Errorf("%d deliveries had a wrong size or sender", n)
	}
	if n := br.closed.Load() + br.sendErrs.Load(); n > 0 {
		b.Logf("%d connections ended early, %d sends failed", br.closed.Load(), br.sendErrs.Load())
	}
}

// percentile returns the q quantile of sorted ns latencies, in ms.
func percentile(sorted []int64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(q*float64(len(sorted))), len(sorted)-1)
	return float64(sorted[i]) / 1e6
}

func BenchmarkRelay30Hz(b *testing.B) {
	b.ReportAllocs()
	br := newBenchRelay(b, false)
	var sent, got int64
	var d time.Duration
	for b.Loop() {
		s, g, pd := br.phase(true)
		sent, got, d = sent+s, got+g, d+pd
	}
	lat := br.latencies()
	br.report(sent, got, d)
	b.ReportMetric(percentile(lat, 0.50), "p50-ms")
	b.ReportMetric(percentile(lat, 0.99), "p99-ms")
	b.ReportMetric(percentile(lat, 1), "max-ms")
}

func BenchmarkRelayMax(b *testing.B) {
	b.ReportAllocs()
	br := newBenchRelay(b, true)
	var sent, got int64
	var d time.Duration
	for b.Loop() {
		s, g, pd := br.phase(false)
		sent, got, d = sent+s, got+g, d+pd
	}
	br.stop()
	br.report(sent, got, d)
}

func BenchmarkProvision(b *testing.B) {
	b.ReportAllocs()
	srv := newBenchServer(b)
	ctx := context.Background()
	req := realtime.ProvisionRequest{NamespaceName: benchNS, RoomName: "room"}
	var prov, rel time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := srv.Provision(ctx, req); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := srv.Release(ctx, benchNS, "room"); err != nil {
			b.Fatal(err)
		}
		prov, rel = prov+t1.Sub(t0), rel+time.Since(t1)
	}
	b.ReportMetric(float64(prov.Microseconds())/float64(b.N), "provision-us/op")
	b.ReportMetric(float64(rel.Microseconds())/float64(b.N), "release-us/op")
}
