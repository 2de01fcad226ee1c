package realtime

import "github.com/hearth-go/hearth/internal/keys"

// Key layout. Every key starts with the service token "realtime":
//
//	("realtime", "namespace", ns)    the namespace record (registry)
//	("realtime", "room", ns, name)   a room (roomRec)
//
// Rooms of one namespace are a key range, listed in name order.
const (
	service  = "realtime"
	kindRoom = "room"
)

func roomKey(ns, name string) keys.Key { return keys.New(service, kindRoom, ns, name) }

// roomPrefix is the prefix of every room of namespace ns.
func roomPrefix(ns string) keys.Key { return keys.New(service, kindRoom, ns) }

// allRoomsPrefix is the prefix of every room of every namespace.
var allRoomsPrefix = keys.New(service, kindRoom)
