package jobqueue

import (
	"github.com/hearth-go/hearth/internal/keys"
)

// Key layout. Every key starts with the service token "queue":
//
//	("queue", "namespace", ns)                          the namespace record (registry)
//	("queue", "user", ns, user)                         the user's queue head: counters and the running attempt (meta)
//	("queue", "job", ns, user, seq)                     a queued job, in push order (jobRec)
//	("queue", "name", ns, user, name)                   job name -> seq
//	("queue", "result", ns, user, name, try)            one attempt's result (resultRec)
//	("queue", "dead", ns, user, name)                   a dead letter (deadRec)
//	("queue", "expire", tryAt, ns, user, name, try)     retention index of results, oldest first
//
// Every transition of a user's queue reads and writes its meta key, so
// pushes, runs, deletions and re-queues of one user serialize on it while
// different users never conflict.
const (
	service    = "queue"
	kindMeta   = "user"
	kindJob    = "job"
	kindName   = "name"
	kindResult = "result"
	kindDead   = "dead"
	kindExpire = "expire"
)

// userKey names one user's queue.
type userKey struct {
	ns, user string
}

func (u userKey) metaKey() keys.Key   { return keys.New(service, kindMeta, u.ns, u.user) }
func (u userKey) jobPrefix() keys.Key { return keys.New(service, kindJob, u.ns, u.user) }
func (u userKey) jobKey(seq uint64) keys.Key {
	return keys.New(service, kindJob, u.ns, u.user).Uint(seq)
}
func (u userKey) nameKey(name string) keys.Key {
	return keys.New(service, kindName, u.ns, u.user, name)
}
func (u userKey) resultPrefix(name string) keys.Key {
	return keys.New(service, kindResult, u.ns, u.user, name)
}
func (u userKey) resultKey(name string, try int) keys.Key {
	return u.resultPrefix(name).Uint(uint64(try))
}
func (u userKey) deadPrefix() keys.Key         { return keys.New(service, kindDead, u.ns, u.user) }
func (u userKey) deadKey(name string) keys.Key { return u.deadPrefix().Str(name) }
func (u userKey) namePrefix() keys.Key         { return keys.New(service, kindName, u.ns, u.user) }
func (u userKey) userResultPrefix() keys.Key   { return keys.New(service, kindResult, u.ns, u.user) }
func expireKey(tryAt int64, u userKey, name string, try int) keys.Key {
	return keys.New(service, kindExpire).Int(tryAt).Str(u.ns).Str(u.user).Str(name).Uint(uint64(try))
}

// metaPrefix is the prefix of every queue head of namespace ns ("" for
// every namespace: then use allMetaPrefix).
func metaPrefix(ns string) keys.Key { return keys.New(service, kindMeta, ns) }

// allMetaPrefix is the prefix of every queue head of every namespace.
var allMetaPrefix = keys.New(service, kindMeta)

// expirePrefix is the prefix of the retention index.
var expirePrefix = keys.New(service, kindExpire)

// nsPrefix is the prefix of every key of kind in ns.
func nsPrefix(kind, ns string) keys.Key { return keys.New(service, kind, ns) }
