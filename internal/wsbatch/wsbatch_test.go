package wsbatch_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/wsbatch"
)

// recorder is a net.Conn that records each Write call and deadline.
type recorder struct {
	net.Conn
	mu        sync.Mutex
	writes    [][]byte
	deadlines int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, bytes.Clone(p))
	return len(p), nil
}

func (r *recorder) SetWriteDeadline(time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deadlines++
	return nil
}

func TestBatchesBetweenBeginAndEnd(t *testing.T) {
	c, rec := wrapRecorder(t)
	_, err := c.Write([]byte("lone"))
	require.NoError(t, err)
	c.Begin()
	for _, s := range []string{"a", "b", "c"} {
		_, err := c.Write([]byte(s))
		require.NoError(t, err)
	}
	require.Len(t, rec.writes, 1, "held until End")
	require.NoError(t, c.End())
	require.Equal(t, [][]byte{[]byte("lone"), []byte("abc")}, rec.writes)
	require.Equal(t, 1, rec.deadlines, "the deadline moves only when less than 9/10 of the timeout is left")

	// A batch flushes itself at 32 KB.
	c.Begin()
	big := bytes.Repeat([]byte{'x'}, 20<<10)
	for range 2 {
		_, err := c.Write(big)
		require.NoError(t, err)
	}
	require.Len(t, rec.writes, 3, "flushed once it passed 32 KB")
	require.NoError(t, c.End())
	require.Len(t, rec.writes, 3, "nothing left to write")
}

// wrapRecorder hijacks a connection through Wrap, as websocket.Accept
// would, and puts a recorder under the Conn.
func wrapRecorder(t *testing.T) (*wsbatch.Conn, *recorder) {
	t.Helper()
	got := make(chan *wsbatch.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := wsbatch.Wrap(w, time.Minute)
		nc, _, err := hw.Hijack()
		if err != nil {
			t.Error(err)
			got <- nil
			return
		}
		if nc != net.Conn(hw.Conn()) {
			t.Error("Hijack and Conn disagree")
		}
		got <- hw.Conn()
	}))
	t.Cleanup(srv.Close)
	client, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	_, err = client.Write([]byte("GET / HTTP/1.1\r\nHost: test\r\n\r\n"))
	require.NoError(t, err)
	conn := <-got
	require.NotNil(t, conn)
	rec := &recorder{Conn: conn.Conn}
	conn.Conn = rec
	t.Cleanup(func() { _ = rec.Conn.Close() })
	return conn, rec
}

func TestAcceptWritesThroughConn(t *testing.T) {
	got := make(chan *wsbatch.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := wsbatch.Wrap(w, time.Minute)
		ws, err := websocket.Accept(hw, r, nil)
		if err != nil {
			return
		}
		got <- hw.Conn()
		ctx := context.Background()
		hw.Conn().Begin()
		for _, m := range []string{"one", "two"} {
			_ = ws.Write(ctx, websocket.MessageText, []byte(m))
		}
		_ = hw.Conn().End()
		_ = ws.Close(websocket.StatusNormalClosure, "")
	}))
	defer srv.Close()
	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	require.NoError(t, err)
	defer ws.CloseNow()
	require.NotNil(t, <-got)
	for _, want := range []string{"one", "two"} {
		_, b, err := ws.Read(ctx)
		require.NoError(t, err)
		require.Equal(t, want, string(b))
	}
}

func TestReadIntoReusesItsBuffer(t *testing.T) {
	sizes := []int{0, 10, 5000, 100, 70 << 10, 3}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		for i, n := range sizes {
			typ := websocket.MessageBinary
			if i == 1 {
				typ = websocket.MessageText
			}
			if ws.Write(r.Context(), typ, bytes.Repeat([]byte{byte('a' + i)}, n)) != nil {
				return
			}
		}
		_ = ws.Close(websocket.StatusNormalClosure, "")
	}))
	defer srv.Close()
	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, srv.URL, nil)
	require.NoError(t, err)
	defer ws.CloseNow()
	ws.SetReadLimit(1 << 20)

	var buf []byte
	for i, n := range sizes {
		typ, msg, next, err := wsbatch.ReadInto(ctx, ws, buf)
		require.NoError(t, err)
		wantTyp := websocket.MessageBinary
		if i == 1 {
			wantTyp = websocket.MessageText
		}
		require.Equal(t, wantTyp, typ)
		require.Equal(t, bytes.Repeat([]byte{byte('a' + i)}, n), msg, "message %d", i)
		switch {
		case n > 64<<10:
			require.Nil(t, next, "a buffer over 64 KiB is not kept")
		case cap(buf) >= n && n > 0:
			require.Same(t, &buf[:1][0], &msg[0], "a large enough buffer is reused")
		}
		buf = next
	}
	_, _, next, err := wsbatch.ReadInto(ctx, ws, buf)
	var ce websocket.CloseError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, websocket.StatusNormalClosure, ce.Code)
	require.Len(t, next, 0)
}
