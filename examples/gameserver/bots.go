package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/hearth-go/hearth/realtime/relay/client"
)

// Bots are simulated players that use the game server as a client would:
// the HTTP API, the gateway WebSocket and the relay. Each logs in as
// bot-N, pushes a reward job every few seconds (some set to fail, so that
// retries and dead letters show), and is always looking for a match: in a
// room it says hello (to those there, and to each who joins later),
// answers every human's message, and leaves after a while to look for the
// next one.
type bots struct {
	wg sync.WaitGroup
}

// startBots starts n bots against the server at base (http://host:port/).
func startBots(ctx context.Context, base string, n int, log *slog.Logger) *bots {
	b := &bots{}
	for i := range n {
		bt := &bot{name: fmt.Sprintf("bot-%d", i+1), base: strings.TrimSuffix(base, "/"), log: log,
			rooms: make(chan string, 4)}
		b.wg.Go(func() { bt.run(ctx) })
	}
	return b
}

// wait returns once every bot has stopped (its context ended).
func (b *bots) wait() { b.wg.Wait() }

// bot is one simulated player.
type bot struct {
	name, base, token string
	log               *slog.Logger
	rooms             chan string // Gs2Realtime:Create room names
}

// botRoomStay is how long a bot stays in a room.
const botRoomStay = 30 * time.Second

func (b *bot) run(ctx context.Context) {
	for ctx.Err() == nil {
		if err := b.play(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("bot restarts", "bot", b.name, "err", err)
			sleep(ctx, 2*time.Second)
		}
	}
}

// play logs in, listens to the gateway and plays until an error.
func (b *bot) play(ctx context.Context) error {
	var login struct{ Token string }
	if err := b.call(ctx, http.MethodPost, "/api/login", map[string]string{"player": b.name}, &login); err != nil {
		return err
	}
	b.token = login.Token
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(b.base, "http")+"/ws", nil)
	if err != nil {
		return err
	}
	defer ws.CloseNow()
	bind, _ := json.Marshal(map[string]any{"type": "setUserId", "body": map[string]string{"token": b.token}})
	if err := ws.Write(ctx, websocket.MessageText, bind); err != nil {
		return err
	}
	gwErr := make(chan error, 1)
	go func() { gwErr <- b.listen(ctx, ws) }()

	jobs := time.NewTimer(jitter(time.Second))
	defer jobs.Stop()
	if err := b.call(ctx, http.MethodPost, "/api/match", nil, nil); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-gwErr:
			return fmt.Errorf("gateway: %w", err)
		case <-jobs.C:
			fail := "never"
			switch rand.IntN(10) {
			case 0:
				fail = "always"
			case 1, 2:
				fail = "once"
			}
			if err := b.call(ctx, http.MethodPost, "/api/jobs", map[string]any{"coins": 1 + rand.IntN(50), "fail": fail}, nil); err != nil {
				return err
			}
			jobs.Reset(jitter(6 * time.Second))
		case room := <-b.rooms:
			if err := b.playRoom(ctx, room); err != nil && ctx.Err() == nil {
				b.log.Warn("bot left a room", "bot", b.name, "room", room, "err", err)
			}
			sleep(ctx, jitter(5*time.Second))
			if err := b.call(ctx, http.MethodPost, "/api/match", nil, nil); err != nil {
				return err
			}
		}
	}
}

// listen reads the gateway's notifications and hands rooms to play.
func (b *bot) listen(ctx context.Context, ws *websocket.Conn) error {
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return err
		}
		var f struct {
			Type string
			Body struct{ Subject, Payload string }
		}
		if json.Unmarshal(data, &f) != nil || f.Type != "notification" || f.Body.Subject != "Gs2Realtime:Create" {
			continue
		}
		var p struct{ RoomName string }
		if json.Unmarshal([]byte(f.Body.Payload), &p) == nil && p.RoomName != "" {
			select {
			case b.rooms <- p.RoomName:
			default:
			}
		}
	}
}

// playRoom joins room on the relay, says hello, answers humans, and
// leaves after botRoomStay.
func (b *bot) playRoom(ctx context.Context, room string) error {
	var r roomView
	if err := b.call(ctx, http.MethodGet, "/api/rooms/"+room, nil, &r); err != nil {
		return err
	}
	c, err := client.Dial(ctx, fmt.Sprintf("ws://%s:%d/", r.IPAddress, r.Port), r.EncryptionKey, b.token, []byte(b.name))
	if err != nil {
		return err
	}
	defer c.Close()
	users := map[uint32]string{}
	for _, p := range c.Players() {
		users[p.GetConnectionId()] = p.GetUserId()
	}
	if err := c.Send(ctx, []byte("hello from "+b.name)); err != nil {
		return err
	}
	stay, cancel := context.WithTimeout(ctx, botRoomStay)
	defer cancel()
	for {
		e, err := c.Recv(stay)
		if err != nil {
			if stay.Err() != nil && ctx.Err() == nil {
				return c.Bye(ctx)
			}
			return err
		}
		switch e := e.(type) {
		case *client.Join:
			// Greet whoever comes in after the bot: its first hello went
			// only to those already there.
			users[e.Player.GetConnectionId()] = e.Player.GetUserId()
			if err := c.Send(ctx, []byte("hello from "+b.name)); err != nil {
				return err
			}
		case *client.Message:
			if from := users[e.From]; !strings.HasPrefix(from, "bot-") {
				if err := c.Send(ctx, []byte(b.name+" heard: "+string(e.Data))); err != nil {
					return err
				}
			}
		}
	}
}

// call makes an API call as the bot; out may be nil.
func (b *bot) call(ctx context.Context, method, path string, in, out any) error {
	var body bytes.Buffer
	if in != nil {
		_ = json.NewEncoder(&body).Encode(in)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, &body)
	if err != nil {
		return err
	}
	if b.token != "" {
		req.Header.Set("Authorization", "Bearer "+b.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var e struct{ Error string }
		_ = json.NewDecoder(res.Body).Decode(&e)
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, e.Error)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// jitter returns a random duration in [d/2, 3d/2).
func jitter(d time.Duration) time.Duration { return d/2 + rand.N(d) }

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
