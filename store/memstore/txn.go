package memstore

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strings"
	"unsafe"

	"github.com/hearth-go/hearth/store"
)

// write is a Set or Delete buffered in a transaction until commit.
type write struct {
	key string
	val []byte
	del bool
}

// indexAbove is the number of buffered writes beyond which a transaction
// indexes them in a map; below it a linear search is cheaper.
const indexAbove = 8

// scanBatch is how many entries Scan reads per hold of the tree lock. The
// callback runs with the lock released, so it may call Get on the same
// transaction.
const scanBatch = 128

// txn implements store.Txn over the versions visible at readTs plus the
// transaction's buffered writes. Txns are pooled: reset clears one for
// reuse.
type txn struct {
	s        *Store
	readTs   uint64
	update   bool
	done     bool // the read timestamp has been released
	writes   []write
	index    map[string]int // key → position in writes, once there are many
	reads    []uint64       // fingerprints of keys read (Update only)
	size     int64
	tooLarge bool
	batch    []found // Scan's buffer
	probe    entry   // search key for tree lookups, reused to avoid allocating
}

var _ store.Txn = (*txn)(nil)

// found is a visible entry copied out of the tree by Scan.
type found struct {
	key string
	val []byte
}

func (t *txn) reset() {
	clear(t.writes)
	clear(t.batch)
	*t = txn{s: t.s, writes: t.writes[:0], reads: t.reads[:0], batch: t.batch[:0]}
}

// view returns key as a string without copying; the result must not be
// kept past the call it is made for.
func view(key []byte) string { return unsafe.String(unsafe.SliceData(key), len(key)) }

// bytesOf returns the bytes of s without copying; they must not be
// modified.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (t *txn) Get(key []byte) ([]byte, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, err
	}
	k := view(key)
	if i := t.find(k); i >= 0 {
		if t.writes[i].del {
			return nil, store.ErrNotFound
		}
		return bytes.Clone(t.writes[i].val), nil
	}
	if t.update {
		t.reads = append(t.reads, maphash.String(t.s.seed, k))
	}
	t.s.treeMu.Lock()
	var (
		v  version
		ok bool
	)
	if e, found := t.s.index[k]; found {
		v, ok = e.at(t.readTs)
	}
	t.s.treeMu.Unlock()
	if !ok {
		return nil, store.ErrNotFound
	}
	return append(make([]byte, 0, len(v.val)), v.val...), nil
}

// find returns the position of key among the buffered writes, or -1.
func (t *txn) find(key string) int {
	if t.index != nil {
		if i, ok := t.index[key]; ok {
			return i
		}
		return -1
	}
	for i := range t.writes {
		if t.writes[i].key == key {
			return i
		}
	}
	return -1
}

func (t *txn) Set(key, value []byte) error {
	return t.buffer(key, append(make([]byte, 0, len(value)), value...), false)
}

func (t *txn) Delete(key []byte) error {
	return t.buffer(key, nil, true)
}

func (t *txn) buffer(key, val []byte, del bool) error {
	if !t.update {
		return store.ErrReadOnly
	}
	if err := store.CheckKey(key); err != nil {
		return err
	}
	if t.tooLarge {
		return store.ErrTooLarge
	}
	t.size += int64(len(key) + len(val))
	if t.size > t.s.maxTxnBytes {
		t.tooLarge = true
		return store.ErrTooLarge
	}
	if i := t.find(view(key)); i >= 0 {
		t.writes[i].val, t.writes[i].del = val, del
		return nil
	}
	k := string(key)
	t.writes = append(t.writes, write{key: k, val: val, del: del})
	switch n := len(t.writes); {
	case t.index != nil:
		t.index[k] = n - 1
	case n > indexAbove:
		t.index = make(map[string]int, 2*n)
		for i, w := range t.writes {
			t.index[w.key] = i
		}
	}
	return nil
}

// Scan merges the committed entries visible at readTs with the
// transaction's own buffered writes, in key order. It reads the tree in
// batches and calls fn with the tree lock released.
func (t *txn) Scan(prefix []byte, opts store.ScanOptions, fn func(key, value []byte) bool) error {
	pre := string(prefix)
	rev := opts.Reverse
	own := t.pendingIn(pre, rev)

	// The first position, as an inclusive bound.
	var from string
	var unbounded bool // reverse from the very end of the key space
	if !rev {
		from = pre
		if opts.Start != nil && string(opts.Start) > from {
			from = string(opts.Start)
		}
		own = trimOwn(own, func(k string) bool { return k < from })
	} else {
		end, bounded := successor(pre)
		switch {
		case opts.Start != nil && (!bounded || string(opts.Start) < end):
			from = string(opts.Start)
		case bounded:
			from = end
		default:
			unbounded = true
		}
		if opts.Start != nil {
			own = trimOwn(own, func(k string) bool { return k > from })
		}
	}

	inclusive := true
	for {
		more := t.fill(pre, from, inclusive, unbounded, rev)
		for _, f := range t.batch {
			// Buffered writes that come before f in scan order.
			for len(own) > 0 && (rev && own[0].key > f.key || !rev && own[0].key < f.key) {
				w := own[0]
				own = own[1:]
				if !w.del && !fn(bytesOf(w.key), w.val) {
					return nil
				}
			}
			if len(own) > 0 && own[0].key == f.key { // overwritten here
				w := own[0]
				own = own[1:]
				if !w.del && !fn(bytesOf(w.key), w.val) {
					return nil
				}
				continue
			}
			if t.update {
				t.reads = append(t.reads, maphash.String(t.s.seed, f.key))
			}
			if !fn(bytesOf(f.key), f.val) {
				return nil
			}
		}
		if !more {
			break
		}
		from, inclusive, unbounded = t.batch[len(t.batch)-1].key, false, false
	}
	for _, w := range own {
		if !w.del && !fn(bytesOf(w.key), w.val) {
			return nil
		}
	}
	return nil
}

// fill loads into t.batch up to scanBatch entries under prefix visible at
// readTs, starting at from (excluded unless inclusive; the end of the key
// space if unbounded) in scan order. It reports whether more may follow.
func (t *txn) fill(prefix, from string, inclusive, unbounded, rev bool) bool {
	clear(t.batch)
	t.batch = t.batch[:0]
	more := false
	visit := func(e *entry) bool {
		if !strings.HasPrefix(e.key, prefix) {
			// Past the prefix ends the scan; before it (in reverse,
			// keys above the prefix) is skipped.
			return rev && e.key > prefix
		}
		if !inclusive && e.key == from {
			return true
		}
		if len(t.batch) == scanBatch {
			more = true
			return false
		}
		if v, ok := e.at(t.readTs); ok {
			t.batch = append(t.batch, found{e.key, v.val})
		}
		return true
	}
	t.probe.key = from
	t.s.treeMu.Lock()
	switch {
	case unbounded:
		t.s.tree.Reverse(visit)
	case rev:
		t.s.tree.Descend(&t.probe, visit)
	default:
		t.s.tree.Ascend(&t.probe, visit)
	}
	t.s.treeMu.Unlock()
	t.probe.key = ""
	return more
}

// pendingIn returns the buffered writes under prefix, sorted in scan order.
func (t *txn) pendingIn(prefix string, reverse bool) []write {
	var out []write
	for _, w := range t.writes {
		if strings.HasPrefix(w.key, prefix) {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b write) int {
		if reverse {
			return strings.Compare(b.key, a.key)
		}
		return strings.Compare(a.key, b.key)
	})
	return out
}

// trimOwn drops the leading writes that lie before the scan's start.
func trimOwn(own []write, skip func(string) bool) []write {
	for len(own) > 0 && skip(own[0].key) {
		own = own[1:]
	}
	return own
}

// successor returns the smallest string greater than every string with the
// given prefix, and false if there is none (the prefix is empty or all
// 0xff bytes).
func successor(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}
