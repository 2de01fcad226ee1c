package relay_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// BenchmarkRelay30HzRaw is Relay30Hz's baseline: the same rooms, players,
// pacing and payloads, through a bare coder/websocket broadcast server (a
// reader and a writer goroutine per connection, a channel between them)
// with no protocol (no protobuf, no signatures, no sequence numbers).
// What the relay reaches beyond it is protocol cost; what the baseline
// cannot reach, this machine cannot.
func BenchmarkRelay30HzRaw(b *testing.B) {
	type player struct {
		q  chan []byte
		ws *websocket.Conn // the client's
	}
	rooms := make([][]*player, benchRooms)
	var mu sync.Mutex // guards rooms while players join
	joined := make(chan struct{})
	var writers sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		room, _ := strconv.Atoi(r.URL.Query().Get("room"))
		me := &player{q: make(chan []byte, 1024)}
		mu.Lock()
		rooms[room] = append(rooms[room], me)
		mu.Unlock()
		joined <- struct{}{}
		writers.Go(func() {
			for m := range me.q {
				if ws.Write(context.Background(), websocket.MessageBinary, m) != nil {
					return
				}
			}
		})
		defer close(me.q)
		for {
			_, m, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			mu.Lock()
			peers := rooms[room]
			mu.Unlock()
			for _, p := range peers {
				if p != me {
					p.q <- m
				}
			}
		}
	}))
	defer func() { srv.Close(); writers.Wait() }()

	ctx := context.Background()
	t0 := time.Now()
	clients := make([]*websocket.Conn, 0, benchRooms*benchPlayers)
	for r := range benchRooms {
		for range benchPlayers {
			ws, _, err := websocket.Dial(ctx, fmt.Sprintf("%s/?room=%d", srv.URL, r), nil)
			if err != nil {
				b.Fatal(err)
			}
			<-joined // in its room before the next one dials
			clients = append(clients, ws)
		}
	}

	var got, want atomic.Int64
	arrived := make(chan struct{}, 1)
	lats := make([][]int64, len(clients))
	var readers sync.WaitGroup
	for i, ws := range clients {
		readers.Go(func() {
			for {
				_, m, err := ws.Read(ctx)
				if err != nil {
					return
				}
				lats[i] = append(lats[i], int64(time.Since(t0))-int64(binary.LittleEndian.Uint64(m)))
				if n, w := got.Add(1), want.Load(); w > 0 && n >= w {
					select {
					case arrived <- struct{}{}:
					default:
					}
				}
			}
		})
	}

	b.ReportAllocs()
	var sent atomic.Int64
	var d time.Duration
	for b.Loop() {
		got.Store(0)
		want.Store(0)
		sent.Store(0)
		start := time.Since(t0) + 10*time.Millisecond
		end := start + benchPhase
		var wg sync.WaitGroup
		for i, ws := range clients {
			wg.Go(func() {
				period := time.Second / benchHz
				offset := period * time.Duration(i) / time.Duration(len(clients))
				buf := make([]byte, benchPayload)
				for k := time.Duration(0); ; k++ {
					at := start + offset + k*period
					if at >= end {
						return
					}
					if w := at - time.Since(t0); w > 0 {
						time.Sleep(w) // pacing on the wall clock
					}
					binary.LittleEndian.PutUint64(buf, uint64(at))
					if ws.Write(ctx, websocket.MessageBinary, buf) != nil {
						return
					}
					sent.Add(1)
				}
			})
		}
		wg.Wait()
		want.Store(sent.Load() * (benchPlayers - 1))
		timeout := time.NewTimer(benchDrain)
		for got.Load() < want.Load() {
			select {
			case <-arrived:
			case <-timeout.C:
				b.Fatalf("%d of %d deliveries arrived", got.Load(), want.Load())
			}
		}
		timeout.Stop()
		d += time.Since(t0) - start
	}
	for _, ws := range clients {
		_ = ws.CloseNow()
	}
	readers.Wait()
	var all []int64
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.Sort(all)
	b.ReportMetric(float64(got.Load())/d.Seconds(), "msgs/s")
	b.ReportMetric(percentile(all, 0.50), "p50-ms")
	b.ReportMetric(percentile(all, 0.99), "p99-ms")
}
