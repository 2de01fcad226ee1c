package wsgateway

import (
	"context"

	"github.com/coder/websocket"
)

// The heartbeat holds no goroutine while it waits: PingInterval after the
// connection opened (and after each pong) a timer of the handler's clock
// fires, and its callback pings the client. The pong must arrive within
// PingTimeout, measured by another timer of the same clock that cancels
// the ping's context; so a mock clock drives the whole heartbeat and tests
// need no wall-time sleep. coder/websocket's Ping needs the handler
// goroutine to be reading, which it always is.

// armHeartbeat schedules the next ping, unless the heartbeat is stopped.
func (c *conn) armHeartbeat() {
	c.hbMu.Lock()
	defer c.hbMu.Unlock()
	if c.hbStopped {
		return
	}
	c.hbTimer = c.h.clock.AfterFunc(c.h.pingInterval, c.ping)
}

// ping runs on the heartbeat timer's goroutine: it pings the client and
// re-arms the heartbeat after the pong, or drops a client that missed it.
func (c *conn) ping() {
	c.hbMu.Lock()
	if c.hbStopped {
		c.hbMu.Unlock()
		return
	}
	c.hbWG.Add(1) // under hbMu, so never after stopHeartbeat's Wait began
	c.hbMu.Unlock()
	defer c.hbWG.Done()

	ctx, cancel := context.WithCancel(context.Background())
	timeout := c.h.clock.AfterFunc(c.h.pingTimeout, cancel)
	err := c.ws.Ping(ctx)
	timeout.Stop()
	cancel()
	if err == nil {
		c.armHeartbeat()
	} else if c.end(websocket.StatusAbnormalClosure, "no pong", false) {
		// The client is unresponsive: a close frame would not be read.
		// Drop the socket now, whatever the writer is blocked on.
		c.disconnected()
		_ = c.ws.CloseNow()
	}
	if c.h.hooks.pinged != nil {
		c.h.hooks.pinged(c.id, err)
	}
}

// stopHeartbeat disarms the heartbeat and waits for a ping in progress
// (which returns at once once the socket is closed).
func (c *conn) stopHeartbeat() {
	c.hbMu.Lock()
	c.hbStopped = true
	if c.hbTimer != nil {
		c.hbTimer.Stop()
	}
	c.hbMu.Unlock()
	c.hbWG.Wait()
}
