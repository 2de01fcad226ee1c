package wsgateway_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/wsgateway"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/memstore"
)

// Benchmarks over real sockets on loopback, clients in the same process
// (except for the memory benchmark), on memstore:
//
//	go test -run '^$' -bench . -count 3 ./gateway/wsgateway/
//	go test -run '^$' -bench FanOutLatency -benchtime 150x -count 3 ./gateway/wsgateway/
//	go test -run '^$' -bench IdleConnectionMemory -benchtime 1x -count 3 ./gateway/wsgateway/
//
// SendNotificationOneSocket: one bound client; each op is SendNotification
// then the client's read of the frame.
//
// FanOut: 1,000 connected, bound clients, each reading on its own
// goroutine. users: 1,000 users with one session each, one
// SendNotification per user; oneUser: one user with 1,000 sessions, one
// SendNotification reaches all. Each op is a round of 1,000 deliveries;
// the sender stays at most fanOutWindow rounds ahead of the slowest client
// (so the send queues never overflow). Reports delivered msgs/s, frames of
// 200 bytes.
//
// FanOutLatency: the same clients, sends paced at 50,000 delivered msgs/s
// (users: a SendNotification every 20 µs, by bursts of at most 1 ms;
// oneUser: one every 20 ms); each op is a round of 1,000 deliveries.
// Reports the p50/p99/max send→receive latency (each payload carries its
// send time). raw is the baseline, paced like users: the same clients of
// a bare coder/websocket server, a writer goroutine per connection fed by
// a channel, no gateway; compare the two within one run.
//
// FanOut and FanOutLatency also report cpu-µs/msg: the CPU time of the
// whole process (server and clients, user and system) per delivered
// message, which other work on the machine disturbs less than rates.
//
// Churn: per op, a client connects, reads its connection ID, is bound
// (SetUserID), closes with a close handshake, and the handler reports it
// disconnected. Reports conns/s.
//
// IdleConnectionMemory: 1,000 idle clients in a child process (so that
// only the server's side is measured) connect (and, for bound, are bound
// to a user each); reports the growth of HeapAlloc+StackInuse after GC per
// connection.

const (
	fanOutClients = 1000
	fanOutWindow  = 32 // rounds the sender may run ahead; < DefaultSendQueue
	frameBytes    = 200
	frameOverhead = len(`{"type":"notification","body":{"issuer":"s","subject":"s","payload":""}}`)
	fanOutRate    = 50_000.0 // FanOutLatency's paced delivered msgs/s
)

var benchStores = []struct {
	name string
	open func(b *testing.B) store.Store
}{
	{"memstore", func(b *testing.B) store.Store { return memstore.New(nil) }},
	{"badger", func(b *testing.B) store.Store {
		st, err := badgerstore.Open(b.TempDir(), &badgerstore.Options{Durability: badgerstore.Crash})
		if err != nil {
			b.Fatal(err)
		}
		return st
	}},
}

func benchEnv(b *testing.B, st store.Store) *env {
	b.Cleanup(func() { _ = st.Close() })
	return newEnv(b, st, envOpts{})
}

func BenchmarkSendNotificationOneSocket(b *testing.B) {
	e := benchEnv(b, memstore.New(nil))
	c := e.dial(b, nil)
	e.bind(b, c.id, "alice")
	ctx := context.Background()
	in := gateway.SendNotificationInput{
		NamespaceName: ns, UserID: "alice", Subject: "s", Payload: strings.Repeat("x", frameBytes-frameOverhead),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.SendNotification(ctx, in); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.ws.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "msgs/s")
	}
}

// fanOut is 1,000 bound clients reading on their own goroutines.
type fanOut struct {
	e       *env
	users   []string // the users to send to (1,000, or 1)
	clients []*websocket.Conn

	// Delivery accounting: rounds[k] counts the clients that received
	// their k-th frame; done[k] is closed when all have.
	rounds []atomic.Int32
	done   []chan struct{}

	// Latency: each client's send→receive times, merged when it stops.
	latMu sync.Mutex
	lats  []time.Duration
	wg    sync.WaitGroup

	// received counts every frame; once want is set, the reader that
	// brings received to want signals arrived.
	received atomic.Int64
	want     atomic.Int64
	arrived  chan struct{}
}

func newFanOut(b *testing.B, oneUser bool, maxRounds int, timed bool) *fanOut {
	f := &fanOut{e: benchEnv(b, memstore.New(nil))}
	for i := range fanOutClients {
		c := f.e.dial(b, nil)
		user := "u" + strconv.Itoa(i)
		if oneUser {
			user = "everyone"
		}
		f.e.bind(b, c.id, user)
		if !oneUser || i == 0 {
			f.users = append(f.users, user)
		}
		f.clients = append(f.clients, c.ws)
	}
	f.startReaders(b, maxRounds, timed)
	return f
}

// startReaders starts a reading goroutine per client.
func (f *fanOut) startReaders(b *testing.B, maxRounds int, timed bool) {
	f.arrived = make(chan struct{}, 1)
	f.rounds = make([]atomic.Int32, maxRounds)
	f.done = make([]chan struct{}, maxRounds)
	for i := range f.done {
		f.done[i] = make(chan struct{})
	}
	for _, ws := range f.clients {
		f.wg.Add(1)
		go f.read(ws, timed)
	}
	b.Cleanup(func() {
		for _, ws := range f.clients {
			_ = ws.CloseNow()
		}
		f.wg.Wait()
	})
}

// newRawFanOut is the baseline of FanOutLatency: 1,000 clients of a bare
// coder/websocket server (no gateway, no wsbatch) whose connections each
// have a writer goroutine draining a channel, the same design as the
// gateway's minus everything else. The returned function queues a frame
// for the i-th connection.
func newRawFanOut(b *testing.B) (*fanOut, func(i int, frame []byte)) {
	f := &fanOut{}
	accepted := make(chan *websocket.Conn)
	queues := make([]chan []byte, 0, fanOutClients)
	var writers sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		q := make(chan []byte, wsgateway.DefaultSendQueue)
		queues = append(queues, q) // one handler at a time: Dial waits for accepted
		accepted <- ws
		writers.Add(1)
		defer writers.Done()
		for m := range q {
			if ws.Write(r.Context(), websocket.MessageText, m) != nil {
				break
			}
		}
		_ = ws.CloseNow()
	}))
	ctx := context.Background()
	for range fanOutClients {
		ws, _, err := websocket.Dial(ctx, srv.URL, nil)
		if err != nil {
			b.Fatal(err)
		}
		<-accepted
		f.clients = append(f.clients, ws)
	}
	b.Cleanup(func() {
		for _, q := range queues {
			close(q)
		}
		writers.Wait()
		srv.Close()
	})
	f.startReaders(b, 0, true)
	return f, func(i int, frame []byte) { queues[i] <- frame }
}

// read counts (and times) the frames one client receives.
func (f *fanOut) read(ws *websocket.Conn, timed bool) {
	defer f.wg.Done()
	buf := make([]byte, 1024)
	var lats []time.Duration
	defer func() {
		f.latMu.Lock()
		f.lats = append(f.lats, lats...)
		f.latMu.Unlock()
	}()
	marker := []byte(`"payload":"`)
	for k := 0; ; k++ {
		_, r, err := ws.Reader(context.Background())
		if err != nil {
			return
		}
		n, err := io.ReadFull(r, buf[:cap(buf)])
		if err != io.ErrUnexpectedEOF && err != nil {
			return
		}
		if timed {
			data := buf[:n]
			i := bytes.Index(data, marker) + len(marker)
			j := i + bytes.IndexByte(data[i:], ' ')
			if sent, ok := parseNanos(data[i:j]); ok {
				lats = append(lats, time.Since(time.Unix(0, sent)))
			}
		}
		if k < len(f.rounds) && f.rounds[k].Add(1) == fanOutClients {
			close(f.done[k])
		}
		if got, want := f.received.Add(1), f.want.Load(); want > 0 && got >= want {
			select {
			case f.arrived <- struct{}{}:
			default:
			}
		}
	}
}

// parseNanos parses the decimal send time a payload starts with, without
// the allocation of a string conversion.
func parseNanos(d []byte) (int64, bool) {
	var v int64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, len(d) > 0
}

func (f *fanOut) wait(b *testing.B, round int) {
	select {
	case <-f.done[round]:
	case <-time.After(guard):
		b.Fatalf("round %d was never delivered to every client (a client dropped?)", round)
	}
}

// sendRound sends one frame to every client.
func (f *fanOut) sendRound(b *testing.B, payload string) {
	ctx := context.Background()
	for _, u := range f.users {
		res, err := f.e.svc.SendNotification(ctx, gateway.SendNotificationInput{
			NamespaceName: ns, UserID: u, Subject: "s", Payload: payload,
		})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.SendConnectionIDs) != fanOutClients/len(f.users) {
			b.Fatalf("sent to %d connections", len(res.SendConnectionIDs))
		}
	}
}

func BenchmarkFanOut(b *testing.B) {
	for _, oneUser := range []bool{false, true} {
		name := "users"
		if oneUser {
			name = "oneUser"
		}
		b.Run(name, func(b *testing.B) {
			const maxRounds = 20_000
			f := newFanOut(b, oneUser, maxRounds, false)
			payload := strings.Repeat("x", frameBytes-frameOverhead)
			start, cpu0 := time.Now(), cpuTime()
			r := 0
			for b.Loop() {
				if r == maxRounds {
					b.Fatal("too many rounds")
				}
				if r >= fanOutWindow {
					f.wait(b, r-fanOutWindow)
				}
				f.sendRound(b, payload)
				r++
			}
			f.wait(b, r-1)
			b.ReportMetric(float64(r*fanOutClients)/time.Since(start).Seconds(), "msgs/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(r*fanOutClients), "cpu-µs/msg")
		})
	}
}

func BenchmarkFanOutLatency(b *testing.B) {
	for _, mode := range []string{"users", "oneUser", "raw"} {
		b.Run(mode, func(b *testing.B) {
			pad := strings.Repeat("x", frameBytes-frameOverhead-20)
			ctx := context.Background()
			var f *fanOut
			var send func(k int, payload string) int // returns the deliveries
			switch mode {
			case "raw":
				var queue func(int, []byte)
				f, queue = newRawFanOut(b)
				send = func(k int, payload string) int {
					frame := `{"type":"notification","body":{"issuer":"s","subject":"s","payload":"` + payload + `"}}`
					queue(k%fanOutClients, []byte(frame))
					return 1
				}
			default:
				f = newFanOut(b, mode == "oneUser", 0, true)
				per := fanOutClients / len(f.users) // deliveries per SendNotification
				send = func(k int, payload string) int {
					if _, err := f.e.svc.SendNotification(ctx, gateway.SendNotificationInput{
						NamespaceName: ns, UserID: f.users[k%len(f.users)], Subject: "s", Payload: payload,
					}); err != nil {
						b.Fatal(err)
					}
					return per
				}
			}
			sendsPerOp := fanOutClients
			if mode == "oneUser" {
				sendsPerOp = 1
			}
			start, cpu0 := time.Now(), cpuTime()
			sent, k := 0, 0 // deliveries, sends
			for b.Loop() {
				// Op = a round of 1,000 deliveries; each send goes at its
				// scheduled time.
				for range sendsPerOp {
					due := start.Add(time.Duration(float64(sent) / fanOutRate * float64(time.Second)))
					if d := time.Until(due); d > time.Millisecond {
						time.Sleep(d) // pacing, not waiting for an event
					}
					sent += send(k, strconv.FormatInt(time.Now().UnixNano(), 10)+" "+pad)
					k++
				}
			}
			elapsed := time.Since(start)
			// Let the last frames arrive, then stop the readers.
			f.want.Store(int64(sent))
			for f.received.Load() < int64(sent) {
				select {
				case <-f.arrived:
				case <-time.After(guard):
					b.Fatalf("%d of %d frames arrived (a client dropped?)", f.received.Load(), sent)
				}
			}
			cpu := cpuTime() - cpu0
			for _, ws := range f.clients {
				_ = ws.CloseNow()
			}
			f.wg.Wait()
			if len(f.lats) < sent {
				b.Fatalf("%d of %d frames arrived (a client dropped?)", len(f.lats), sent)
			}
			slices.Sort(f.lats)
			q := func(p float64) float64 { return float64(f.lats[int(p*float64(len(f.lats)-1))].Microseconds()) / 1000 }
			b.ReportMetric(float64(sent)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(q(0.5), "p50-ms")
			b.ReportMetric(q(0.99), "p99-ms")
			b.ReportMetric(q(1), "max-ms")
			b.ReportMetric(float64(cpu.Microseconds())/float64(sent), "cpu-µs/msg")
		})
	}
}

func BenchmarkChurn(b *testing.B) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			e := benchEnv(b, sc.open(b))
			ctx := context.Background()
			i := 0
			for b.Loop() {
				ws, _, err := websocket.Dial(ctx, e.url, nil)
				if err != nil {
					b.Fatal(err)
				}
				_, data, err := ws.Read(ctx)
				if err != nil {
					b.Fatal(err)
				}
				id := connectionID(b, data)
				if _, err := e.svc.SetUserID(ctx, gateway.SetUserIDInput{
					NamespaceName: ns, ConnectionID: id, UserID: "u" + strconv.Itoa(i%100),
				}); err != nil {
					b.Fatal(err)
				}
				if err := ws.Close(websocket.StatusNormalClosure, ""); err != nil {
					b.Fatal(err)
				}
				if got := <-e.ended; got != id {
					b.Fatalf("ended %s, want %s", got, id)
				}
				i++
			}
			if s := b.Elapsed().Seconds(); s > 0 {
				b.ReportMetric(float64(b.N)/s, "conns/s")
			}
		})
	}
}

// cpuTime returns the CPU time (user and system) this process has used:
// with other work on the machine, CPU per message says more than wall-clock
// rates.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func connectionID(b *testing.B, data []byte) string {
	const prefix = `{"type":"connected","body":{"connectionId":"`
	if !bytes.HasPrefix(data, []byte(prefix)) {
		b.Fatalf("not a connected frame: %s", data)
	}
	return strings.TrimSuffix(string(data[len(prefix):]), `"}}`)
}

// idleClientsEnv, set to "URL N", makes the test binary a client process
// holding N idle connections (see runIdleClients).
const idleClientsEnv = "WSGATEWAY_IDLE_CLIENTS"

// runIdleClients connects N clients to URL, prints each connection ID on a
// line, then "ready", and holds them until its standard input closes.
func runIdleClients() {
	url, nStr, _ := strings.Cut(os.Getenv(idleClientsEnv), " ")
	n, _ := strconv.Atoi(nStr)
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	conns := make([]*websocket.Conn, 0, n)
	for range n {
		ws, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_, data, err := ws.Read(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintln(out, string(data))
		conns = append(conns, ws)
	}
	fmt.Fprintln(out, "ready")
	_ = out.Flush()
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, ws := range conns {
		_ = ws.CloseNow()
	}
	os.Exit(0)
}

func BenchmarkIdleConnectionMemory(b *testing.B) {
	const n = 1000
	for _, bound := range []bool{false, true} {
		name := "connected"
		if bound {
			name = "bound"
		}
		b.Run(name, func(b *testing.B) {
			var heap, stack float64
			for range b.N {
				h, s := idleMemory(b, n, bound)
				heap += h
				stack += s
			}
			b.ReportMetric((heap+stack)/float64(b.N), "B/conn")
			b.ReportMetric(heap/float64(b.N), "heapB/conn")
			b.ReportMetric(stack/float64(b.N), "stackB/conn")
		})
	}
}

// idleMemory returns the heap and stack bytes per connection.
func idleMemory(b *testing.B, n int, bound bool) (heap, stack float64) {
	e := benchEnv(b, memstore.New(nil))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d", idleClientsEnv, e.url, n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var ids []string
	for sc.Scan() && sc.Text() != "ready" {
		ids = append(ids, connectionID(b, sc.Bytes()))
	}
	if len(ids) != n {
		b.Fatalf("%d clients connected", len(ids))
	}
	if bound {
		for i, id := range ids {
			e.bind(b, id, "u"+strconv.Itoa(i))
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap = (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(n)
	stack = (float64(after.StackInuse) - float64(before.StackInuse)) / float64(n)

	_ = stdin.Close()
	if err := cmd.Wait(); err != nil {
		b.Fatal(err)
	}
	for _, id := range ids {
		e.waitEnded(b, id)
	}
	return heap, stack
}
