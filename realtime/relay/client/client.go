package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/internal/wsbatch"
	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

var (
	// ErrRefused is returned by Dial when the relay answers the Hello with
	// an Error; the error message carries the relay's.
	ErrRefused = errors.New("client: hello refused")
	// ErrClosed is returned by Recv and the senders once the connection
	// has ended.
	ErrClosed = errors.New("client: connection closed")
)

// eventBuffer is how many events wait for Recv.
const eventBuffer = 1024

// Options are the optional settings of DialOptions.
type Options struct {
	// Header is sent with the WebSocket handshake, e.g. an Origin.
	Header http.Header
}

// Client is a connected, joined player.
type Client struct {
	ws      *websocket.Conn
	signer  *wire.Signer // verifies the server's frames with key
	me      *pb.Player
	players []*pb.Player

	buf     []byte // the reader's, reused (events copy what they keep)
	events  chan Event
	done    chan struct{} // closed when the reader ends
	closing chan struct{} // closed by Close
	err     error         // why the reader ended; read after done
	once    sync.Once
}

// Dial connects to the relay at url (ws://host:port/), sends
// HelloRequest{token, profile} signed with key, and waits for the
// HelloResult.
func Dial(ctx context.Context, url, key, token string, profile []byte) (*Client, error) {
	return DialOptions(ctx, url, key, token, profile, Options{})
}

// DialOptions is Dial with Options.
func DialOptions(ctx context.Context, url, key, token string, profile []byte, o Options) (*Client, error) {
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: o.Header})
	if err != nil {
		return nil, fmt.Errorf("client: dial %s: %w", url, err)
	}
	ws.SetReadLimit(1 << 20)
	c := &Client{ws: ws, signer: wire.NewSigner([]byte(key)), events: make(chan Event, eventBuffer), done: make(chan struct{}), closing: make(chan struct{})}
	if err := c.send(ctx, &pb.HelloRequest{AccessToken: token, MyProfile: profile}); err != nil {
		_ = ws.CloseNow()
		return nil, err
	}
	msg, _, err := c.read(ctx)
	if err != nil {
		_ = ws.CloseNow()
		return nil, err
	}
	switch m := msg.(type) {
	case *pb.HelloResult:
		c.me, c.players = m.GetMyProfile(), m.GetPlayers()
	case *pb.Error:
		_ = ws.CloseNow()
		return nil, fmt.Errorf("%w: %d %s", ErrRefused, m.GetStatusCode(), m.GetMessage())
	default:
		_ = ws.CloseNow()
		return nil, fmt.Errorf("client: expected HelloResult, got %T", msg)
	}
	go c.loop()
	return c, nil
}

// Me returns the player as the relay knows it, with its connectionId.
func (c *Client) Me() *pb.Player { return c.me }

// Players returns the other players who were in the room at Hello.
func (c *Client) Players() []*pb.Player { return c.players }

// Send relays data to the players with the target connectionIds, or to
// every other player when there are none.
func (c *Client) Send(ctx context.Context, data []byte, targets ...uint32) error {
	inner, err := proto.MarshalOptions{Deterministic: true}.Marshal(&pb.RelayBinaryMessage{Data: data, TargetConnectionId: targets})
	if err != nil {
		return err
	}
	return c.send(ctx, &pb.BinaryMessage{Data: inner})
}

// UpdateProfile replaces the player's profile; the others are told.
func (c *Client) UpdateProfile(ctx context.Context, profile []byte) error {
	return c.send(ctx, &pb.UpdateProfileRequest{MyProfile: profile})
}

// Bye tells the relay the player leaves, then closes the connection.
func (c *Client) Bye(ctx context.Context) error {
	err := c.send(ctx, &pb.ByeRequest{})
	return errors.Join(err, c.Close())
}

// Close closes the connection (the relay tells the others the player
// left) and waits for the reader to end.
func (c *Client) Close() error {
	c.once.Do(func() {
		close(c.closing)
		_ = c.ws.Close(websocket.StatusNormalClosure, "")
	})
	<-c.done
	return nil
}

// Recv returns the next event, or ErrClosed once the connection has ended
// and every event was received.
func (c *Client) Recv(ctx context.Context) (Event, error) {
	select {
	case e := <-c.events:
		return e, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.done:
		select {
		case e := <-c.events:
			return e, nil
		default:
			return nil, fmt.Errorf("%w: %w", ErrClosed, c.err)
		}
	}
}

// send signs msg and writes it.
func (c *Client) send(ctx context.Context, msg proto.Message) error {
	f, err := wire.NewFrame(msg, 0, 0)
	if err != nil {
		return err
	}
	b, err := wire.AppendSigned(nil, f, c.signer.Sign(f.Payload))
	if err != nil {
		return err
	}
	if err := c.ws.Write(ctx, websocket.MessageBinary, b); err != nil {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return nil
}

// read returns the next server message, verified.
func (c *Client) read(ctx context.Context) (proto.Message, Meta, error) {
	typ, b, next, err := wsbatch.ReadInto(ctx, c.ws, c.buf)
	c.buf = next
	if err != nil {
		return nil, Meta{}, fmt.Errorf("%w: %w", ErrClosed, err)
	}
	if typ != websocket.MessageBinary {
		return nil, Meta{}, fmt.Errorf("client: %v frame from the relay", typ)
	}
	f, err := c.signer.Decode(b)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("client: frame from the relay: %w", err)
	}
	msg, err := f.Message()
	if err != nil {
		return nil, Meta{}, err
	}
	return msg, Meta{SequenceNumber: f.SequenceNumber, LifeTimeMilliSeconds: f.LifeTimeMilliSeconds}, nil
}

// loop turns frames into events until the connection ends.
func (c *Client) loop() {
	defer close(c.done)
	for {
		msg, meta, err := c.read(context.Background())
		if err != nil {
			c.err = err
			_ = c.ws.CloseNow()
			return
		}
		e, err := event(msg, meta)
		if err != nil {
			c.err = err
			_ = c.ws.CloseNow()
			return
		}
		select {
		case c.events <- e:
		case <-c.closing:
		}
	}
}

// event converts a server message to an Event.
func event(msg proto.Message, meta Meta) (Event, error) {
	switch m := msg.(type) {
	case *pb.JoinNotification:
		return &Join{Meta: meta, Player: m.GetJoinPlayer()}, nil
	case *pb.LeaveNotification:
		return &Leave{Meta: meta, Player: m.GetLeavePlayer()}, nil
	case *pb.UpdateProfileNotification:
		return &ProfileUpdate{Meta: meta, Player: m.GetUpdatePlayer()}, nil
	case *pb.Error:
		return &Error{Meta: meta, StatusCode: m.GetStatusCode(), Component: m.GetComponent(), Message: m.GetMessage()}, nil
	case *pb.BinaryMessage:
		var r pb.RelayBinaryMessage
		if err := proto.Unmarshal(m.GetData(), &r); err != nil {
			return nil, fmt.Errorf("client: BinaryMessage.data: %w", err)
		}
		return &Message{Meta: meta, From: r.GetConnectionId(), Data: r.GetData()}, nil
	default:
		return nil, fmt.Errorf("client: unexpected %T from the relay", msg)
	}
}
