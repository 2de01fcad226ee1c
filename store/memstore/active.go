package memstore

import "sort"

// readers counts the open transactions per read timestamp. Transactions
// begin at the latest commit timestamp, which never decreases, so the
// timestamps arrive in order: the counts are kept in a queue sorted by
// timestamp, which makes registering and finding the oldest O(1) and
// unregistering O(log n), with no map iteration on the commit path.
type readers struct {
	q []readerCount // sorted by ts; entries with n == 0 are dropped from the front
}

type readerCount struct {
	ts uint64
	n  int
}

// add registers a transaction reading at ts, which is >= every ts added
// before.
func (r *readers) add(ts uint64) {
	if k := len(r.q); k > 0 && r.q[k-1].ts == ts {
		r.q[k-1].n++
		return
	}
	r.q = append(r.q, readerCount{ts: ts, n: 1})
}

// remove unregisters a transaction reading at ts.
func (r *readers) remove(ts uint64) {
	i := sort.Search(len(r.q), func(i int) bool { return r.q[i].ts >= ts })
	if i == len(r.q) || r.q[i].ts != ts {
		panic("memstore: unregistering a read timestamp that is not registered")
	}
	r.q[i].n--
	n := 0
	for n < len(r.q) && r.q[n].n == 0 {
		n++
	}
	if n > 0 {
		r.q = dropFront(r.q, n)
	}
}

// empty reports whether no transaction is open.
func (r *readers) empty() bool { return len(r.q) == 0 }

// oldest returns the oldest registered read timestamp; call only when not
// empty.
func (r *readers) oldest() uint64 { return r.q[0].ts }
