package wsgateway_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway/wsgateway"
	"github.com/hearth-go/hearth/store"
)

// Small socket buffers on both sides, so that a client that stops reading
// backs up into the server's send queue after a few frames rather than
// after the megabytes loopback TCP would otherwise buffer.
const sockBuf = 4096

type smallBufListener struct{ net.Listener }

func (l smallBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(sockBuf)
	}
	return c, err
}

func smallServerBuffers(s *httptest.Server) { s.Listener = smallBufListener{s.Listener} }

func smallClientBuffers(t testing.TB) *websocket.DialOptions {
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(sockBuf)
		}
		return c, err
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}}
}

// background reads c's messages on a goroutine (so that control frames are
// answered) until the connection ends.
func (c *client) background() (frames <-chan []byte, ended <-chan error) {
	fc := make(chan []byte, 64)
	ec := make(chan error, 1)
	go func() {
		for {
			_, data, err := c.ws.Read(context.Background())
			if err != nil {
				ec <- err
				return
			}
			fc <- data
		}
	}()
	return fc, ec
}

func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

func TestSlowConsumerIsDroppedWith1013(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		const queue = 16
		e := newEnv(t, st, envOpts{
			cfg:    func(c *wsgateway.Config) { c.SendQueue = queue },
			server: smallServerBuffers,
		})
		c := e.dial(t, smallClientBuffers(t))
		e.bind(t, c.id, "alice")

		// The client reads nothing: the socket fills, then the queue, then
		// the service drops the client.
		payload := strings.Repeat("x", 1000)
		const most = 100_000
		sent := 0
		for ; sent < most; sent++ {
			if e.notify(t, "alice", "s", payload).Protocol == "" {
				break
			}
		}
		require.Less(t, sent, most, "a client that reads nothing was never dropped")
		require.GreaterOrEqual(t, sent, queue)
		e.mu.Lock()
		require.Equal(t, queue, e.maxQueued, "the queue filled, and never held more than SendQueue frames")
		e.mu.Unlock()

		// When the client reads again it gets what was already on the wire,
		// then the close frame: the frames still queued were dropped.
		got := 0
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		var err error
		for {
			if _, _, err = c.ws.Read(ctx); err != nil {
				break
			}
			got++
		}
		require.Equal(t, websocket.StatusCode(1013), websocket.CloseStatus(err), "%v", err)
		require.Less(t, got, sent)
		e.waitEnded(t, c.id)
		require.Empty(t, e.sessions(t, "alice"))
	})
}

// Not parallel, on memstore only: it measures the heap, which other tests
// running at the same time would disturb.
func TestSlowConsumerKeepsServerMemoryBounded(t *testing.T) {
	const queue = 64
	e := newEnv(t, memstoreOpen(t), envOpts{
		cfg:    func(c *wsgateway.Config) { c.SendQueue = queue },
		server: smallServerBuffers,
	})
	c := e.dial(t, smallClientBuffers(t))
	e.bind(t, c.id, "alice")
	payload := strings.Repeat("x", 1000)
	frame := len(`{"type":"notification","body":{"issuer":"s","subject":"s","payload":""}}`) + len(payload)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 10 * queue {
		e.notify(t, "alice", "s", payload)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	// Unbounded, 10×queue frames (~680 KB) would stay; bounded, at most
	// the queue, and the dropped client's queue is freed.
	require.Less(t, growth, int64(2*queue*frame), "heap grew by %d bytes", growth)
	e.mu.Lock()
	require.Equal(t, queue, e.maxQueued)
	e.mu.Unlock()

	require.Equal(t, websocket.StatusCode(1013), websocket.CloseStatus(c.readClose(t)))
	e.waitEnded(t, c.id)
}

func TestHeartbeatKeepsAClientThatAnswers(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{cfg: func(c *wsgateway.Config) {
			c.PingInterval, c.PingTimeout = 30*time.Second, 10*time.Second
		}})
		c := e.dial(t, nil)
		e.bind(t, c.id, "alice")
		frames, _ := c.background() // answers pings while it reads

		for range 3 {
			e.hbClk.BlockUntil(1) // the heartbeat is armed
			e.hbClk.Add(30 * time.Second)
			r := recv(t, e.pinged, "ping")
			require.Equal(t, c.id, r.id)
			require.NoError(t, r.err)
		}
		// Far past any timeout, still connected and bound.
		e.hbClk.Add(25 * time.Second)
		require.Equal(t, "websocket", e.notify(t, "alice", "s", "p").Protocol)
		require.Contains(t, string(recv(t, frames, "notification")), `"notification"`)
	})
}

func TestHeartbeatDropsAClientThatNeverAnswers(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{cfg: func(c *wsgateway.Config) {
			c.PingInterval, c.PingTimeout = 30*time.Second, 10*time.Second
		}})
		pings := make(chan struct{}, 8)
		c := e.dial(t, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
			pings <- struct{}{}
			return false // no pong
		}})
		e.bind(t, c.id, "alice")
		frames, ended := c.background()

		e.hbClk.BlockUntil(1)
		e.hbClk.Add(30 * time.Second)
		recv(t, pings, "ping") // sent at PingInterval; its timeout is armed

		// Just before PingInterval+PingTimeout: still there.
		e.hbClk.Add(10*time.Second - time.Millisecond)
		require.Equal(t, "websocket", e.notify(t, "alice", "s", "p").Protocol)
		recv(t, frames, "notification")
		select {
		case r := <-e.pinged:
			t.Fatalf("ping ended early: %+v", r)
		default:
		}

		// At PingInterval+PingTimeout: dropped, without a close frame.
		e.hbClk.Add(time.Millisecond)
		r := recv(t, e.pinged, "ping result")
		require.Equal(t, c.id, r.id)
		require.Error(t, r.err)
		err := recv(t, ended, "end of the connection")
		require.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(err), "%v", err)
		e.waitEnded(t, c.id)
		require.Empty(t, e.sessions(t, "alice"))
	})
}

// A client whose socket takes nothing (it stopped reading, its buffers are
// full) is dropped after WriteTimeout even though its queue never fills.
// WriteTimeout is a socket deadline, on the wall clock: the test waits for
// the hook, about WriteTimeout.
func TestWriteTimeoutDropsAClientThatTakesNothing(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{
			cfg: func(c *wsgateway.Config) {
				c.SendQueue = 10_000
				c.WriteTimeout = 50 * time.Millisecond
			},
			server: smallServerBuffers,
		})
		c := e.dial(t, smallClientBuffers(t))
		e.bind(t, c.id, "alice")
		payload := strings.Repeat("x", 1000)
		for range 500 { // ~500 KB: far more than both socket buffers
			require.Equal(t, "websocket", e.notify(t, "alice", "s", payload).Protocol)
		}
		e.waitEnded(t, c.id)
		require.Empty(t, e.sessions(t, "alice"))
		e.mu.Lock()
		require.Less(t, e.maxQueued, 10_000, "the queue never filled")
		e.mu.Unlock()
	})
}

// Frames queued faster than the client reads are written together (see
// wsbatch.Conn), intact and in order, across the 32 KB batch limit.
func TestQueuedFramesArriveIntactAndInOrder(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		const n = 2000
		e := newEnv(t, st, envOpts{cfg: func(c *wsgateway.Config) { c.SendQueue = n }})
		c := e.dial(t, nil)
		e.bind(t, c.id, "alice")
		payloads := make([]string, n)
		for i := range payloads {
			payloads[i] = strconv.Itoa(i) + strings.Repeat("y", i%1000)
			e.notify(t, "alice", "s", payloads[i])
		}
		for i := range n {
			want := `{"type":"notification","body":{"issuer":"s","subject":"s","payload":"` + payloads[i] + `"}}`
			require.Equal(t, want, string(c.readRaw(t)), "frame %d", i)
		}
		e.mu.Lock()
		require.Greater(t, e.maxQueued, 1, "frames were queued together")
		e.mu.Unlock()
	})
}
