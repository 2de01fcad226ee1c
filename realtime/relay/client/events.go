package client

import "github.com/hearth-go/hearth/realtime/relay/pb"

// Meta is what every server frame carries besides its message.
type Meta struct {
	// SequenceNumber is per recipient, from 1, in send order.
	SequenceNumber uint32
	// LifeTimeMilliSeconds is the ms since the room started.
	LifeTimeMilliSeconds uint32
}

// Event is one frame from the relay: *Join, *Leave, *ProfileUpdate,
// *Message or *Error.
type Event interface {
	// Frame returns the frame's sequence number and lifetime.
	Frame() Meta
}

// Frame returns m; it makes every event type that embeds Meta an Event.
func (m Meta) Frame() Meta { return m }

// Join reports a player who joined the room.
type Join struct {
	Meta
	// Player is the new player.
	Player *pb.Player
}

// Leave reports a player who left the room.
type Leave struct {
	Meta
	// Player is the player who left.
	Player *pb.Player
}

// ProfileUpdate reports a player's new profile.
type ProfileUpdate struct {
	Meta
	// Player is the player with the new profile.
	Player *pb.Player
}

// Message is data relayed from another player.
type Message struct {
	Meta
	// From is the sender's connectionId.
	From uint32
	// Data is the data as sent.
	Data []byte
}

// Error is an Error the relay sent.
type Error struct {
	Meta
	// StatusCode is HTTP-like: 400 bad request, 401 bad token.
	StatusCode uint32
	// Component and Message describe it.
	Component, Message string
}
