package wsbatch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/hearth-go/hearth/internal/wsbatch"
)

func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := wsbatch.Wrap(w, 10*time.Second)
		ws, err := websocket.Accept(hw, r, nil)
		if err != nil {
			return
		}
		// Three queued messages, one system call.
		hw.Conn().Begin()
		for i := range 3 {
			_ = ws.Write(r.Context(), websocket.MessageText, fmt.Appendf(nil, "message %d", i))
		}
		_ = hw.Conn().End()
		_ = ws.Close(websocket.StatusNormalClosure, "")
	}))
	defer srv.Close()

	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		panic(err)
	}
	defer ws.CloseNow()
	for range 3 {
		_, b, _ := ws.Read(ctx)
		fmt.Println(string(b))
	}
	// Output:
	// message 0
	// message 1
	// message 2
}
