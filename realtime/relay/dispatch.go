package relay

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"slices"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// Status codes of the Errors the relay sends, HTTP-like.
const (
	// StatusBadRequest answers a malformed, mis-signed, unknown or
	// out-of-order frame, and a text frame.
	StatusBadRequest = 400
	// StatusUnauthorized answers a HelloRequest whose token the Verifier
	// refuses; the connection is then closed.
	StatusUnauthorized = 401
	// StatusNotFound tells every connection of a room that ends (DeleteRoom,
	// idle, lifetime) that the room is gone; the connection is then closed
	// with 1001 Going Away.
	StatusNotFound = 404
)

// marshal serializes the inner RelayBinaryMessage.
var marshal = proto.MarshalOptions{Deterministic: true}

// component is pb.Error.component in every Error the relay sends.
const component = "relay"

// handle dispatches one verified client frame. It reports false when the
// connection must stop reading (a refused token, a ByeRequest).
func (r *room) handle(ctx context.Context, c *conn, f *wire.Frame) bool {
	msg, err := f.Message()
	if err != nil {
		c.sendError(StatusBadRequest, err.Error())
		return true
	}
	r.mu.Lock()
	joined := c.id != 0
	r.mu.Unlock()
	if hello, ok := msg.(*pb.HelloRequest); ok {
		if joined {
			c.sendError(StatusBadRequest, "already joined")
			return true
		}
		return r.hello(ctx, c, hello)
	}
	if !joined {
		c.sendError(StatusBadRequest, "the first frame must be a HelloRequest")
		return true
	}
	switch m := msg.(type) {
	case *pb.BinaryMessage:
		r.relay(c, m)
	case *pb.UpdateProfileRequest:
		r.updateProfile(c, m)
	case *pb.ByeRequest:
		return false
	default:
		c.sendError(StatusBadRequest, f.Type.String()+" is not sent by clients")
	}
	return true
}

// hello verifies the token and joins c to the room.
func (r *room) hello(ctx context.Context, c *conn, m *pb.HelloRequest) bool {
	vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	user, err := r.srv.verifier.Verify(vctx, m.GetAccessToken())
	cancel()
	if err != nil {
		o := r.errorFrame(StatusUnauthorized, "invalid access token")
		o.closeCode, o.reason = websocket.StatusPolicyViolation, "invalid access token"
		c.enqueue(o)
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nextID++
	c.id, c.userID, c.profile = r.nextID, user, m.GetMyProfile()
	me := c.player()
	res := &pb.HelloResult{MyProfile: me, Secret: secret()}
	for _, p := range r.playersLocked() {
		res.Players = append(res.Players, p.player())
	}
	c.enqueue(r.frame(res))
	r.broadcastLocked(c, r.frame(&pb.JoinNotification{JoinPlayer: me}))
	r.players[c.id] = c
	return true
}

// relay forwards a BinaryMessage to its targets, or to every other player.
func (r *room) relay(c *conn, m *pb.BinaryMessage) {
	var in pb.RelayBinaryMessage
	if err := proto.Unmarshal(m.GetData(), &in); err != nil {
		c.sendError(StatusBadRequest, "BinaryMessage.data is not a RelayBinaryMessage: "+err.Error())
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	data, err := marshal.Marshal(&pb.RelayBinaryMessage{ConnectionId: c.id, Data: in.GetData()})
	if err != nil {
		c.sendError(StatusBadRequest, err.Error())
		return
	}
	o := r.frame(&pb.BinaryMessage{Data: data})
	if len(in.GetTargetConnectionId()) == 0 {
		r.broadcastLocked(c, o)
		return
	}
	targets := slices.Clone(in.GetTargetConnectionId())
	slices.Sort(targets)
	for _, id := range slices.Compact(targets) {
		if p := r.players[id]; p != nil {
			p.enqueue(o)
		}
	}
}

// updateProfile stores c's profile and tells the others.
func (r *room) updateProfile(c *conn, m *pb.UpdateProfileRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.profile = m.GetMyProfile()
	r.broadcastLocked(c, r.frame(&pb.UpdateProfileNotification{UpdatePlayer: c.player()}))
}

// leave removes c from the room and tells the others, if it had joined.
func (r *room) leave(c *conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.conns, c)
	if c.id == 0 || r.players[c.id] != c {
		return
	}
	delete(r.players, c.id)
	if r.closed {
		// The room is ending and closes every socket: no one is left to
		// tell, and a LeaveNotification racing the close would only reach
		// some players.
		return
	}
	r.broadcastLocked(c, r.frame(&pb.LeaveNotification{LeavePlayer: c.player()}))
}

// playersLocked returns the joined players in connectionId order.
func (r *room) playersLocked() []*conn {
	ids := make([]uint32, 0, len(r.players))
	for id := range r.players {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ps := make([]*conn, len(ids))
	for i, id := range ids {
		ps[i] = r.players[id]
	}
	return ps
}

// broadcastLocked queues o for every joined player but from.
func (r *room) broadcastLocked(from *conn, o *out) {
	for _, p := range r.players {
		if p != from {
			p.enqueue(o)
		}
	}
}

// frame serializes msg and signs it once, for any number of recipients.
func (r *room) frame(msg proto.Message) *out {
	f, err := wire.NewFrame(msg, 0, 0)
	if err != nil {
		panic(err) // only the relay's own message types reach here
	}
	return &out{typ: f.Type, payload: f.Payload, sig: r.signer.Sign(f.Payload), life: r.lifetime()}
}

// errorFrame is an Error from the relay.
func (r *room) errorFrame(code uint32, msg string) *out {
	return r.frame(&pb.Error{Component: component, StatusCode: code, Message: msg})
}

// player returns c as a Player; the caller holds r.mu.
func (c *conn) player() *pb.Player {
	return &pb.Player{ConnectionId: c.id, UserId: c.userID, Profile: c.profile}
}

// secret returns HelloResult.secret, a random number for the reliable-UDP
// transport that WebSocket clients never read.
func secret() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint32(b[:])
}
