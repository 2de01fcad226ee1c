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

// txn implements store.Txn over a snapshot plus buffered writes.
type txn struct {
	s        *Store
	snap     *snapshot
	update   bool
	done     bool
	writes   []write
	index    map[string]int // key → position in writes, once there are many
	reads    []uint64       // fingerprints of keys read (Update only)
	size     int64
	tooLarge bool

	// Inline room for the common small transaction, so that reading and
	// writing a few keys allocates nothing beyond the txn itself.
	readsBuf  [4]uint64
	writesBuf [2]write
	fpsBuf    [2]uint64
}

var _ store.Txn = (*txn)(nil)

// finish releases an Update's read timestamp once, whether it committed,
// failed or panicked.
func (t *txn) finish() {
	if t.done {
		return
	}
	t.done = true
	if t.update {
		t.s.mu.Lock()
		t.s.releaseLocked(t.snap.ts)
		t.s.mu.Unlock()
	}
}

// finishLocked is finish for a caller that holds t.s.mu.
func (t *txn) finishLocked() {
	if !t.done {
		t.done = true
		t.s.releaseLocked(t.snap.ts)
	}
}

// view returns key as a string without copying; the result must not be
// kept past the call it is made for.
func view(key []byte) string { return unsafe.String(unsafe.SliceData(key), len(key)) }

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
	it, ok := t.snap.tree.Get(item{key: k})
	if !ok {
		return nil, store.ErrNotFound
	}
	return append(make([]byte, 0, len(it.val)), it.val...), nil
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

// Scan merges the snapshot's keys with the transaction's own buffered
// writes, in key order.
func (t *txn) Scan(prefix []byte, opts store.ScanOptions, fn func(key, value []byte) bool) error {
	pre := string(prefix)
	own := t.pendingIn(pre, opts.Reverse)
	// emit yields one entry; it returns false when the scan must stop.
	stopped := false
	emit := func(k string, v []byte) bool {
		if !fn(unsafe.Slice(unsafe.StringData(k), len(k)), v) {
			stopped = true
			return false
		}
		return true
	}
	// flushOwn emits buffered writes that come before tree key k in scan
	// order (all of them when k is ""), and reports whether k itself was
	// overwritten by one.
	flushOwn := func(k string, all bool) (shadowed, ok bool) {
		for len(own) > 0 {
			o := own[0]
			var before bool
			if opts.Reverse {
				before = all || o.key > k
			} else {
				before = all || o.key < k
			}
			if !before {
				break
			}
			own = own[1:]
			if !o.del && !emit(o.key, o.val) {
				return false, false
			}
		}
		if len(own) > 0 && !all && own[0].key == k {
			o := own[0]
			own = own[1:]
			if !o.del && !emit(o.key, o.val) {
				return true, false
			}
			return true, true
		}
		return false, true
	}
	visit := func(it item) bool {
		if !strings.HasPrefix(it.key, pre) {
			// Outside the prefix: before it (reverse) or after it
			// (forward) ends the scan; the other side is skipped.
			if opts.Reverse && it.key > pre {
				return true
			}
			return false
		}
		if t.update {
			t.reads = append(t.reads, maphash.String(t.s.seed, it.key))
		}
		shadowed, ok := flushOwn(it.key, false)
		if !ok {
			return false
		}
		if shadowed {
			return true
		}
		return emit(it.key, it.val)
	}
	tree := t.snap.tree
	if tree == nil {
		return store.ErrClosed
	}
	if !opts.Reverse {
		pivot := pre
		if opts.Start != nil && string(opts.Start) > pivot {
			pivot = string(opts.Start)
		}
		if opts.Start != nil {
			own = trimOwn(own, func(k string) bool { return k < pivot })
		}
		tree.Ascend(item{key: pivot}, visit)
	} else {
		end, bounded := successor(pre)
		if opts.Start != nil && (!bounded || string(opts.Start) < end) {
			start := string(opts.Start)
			own = trimOwn(own, func(k string) bool { return k > start })
			tree.Descend(item{key: start}, visit)
		} else if bounded {
			tree.Descend(item{key: end}, visit)
		} else {
			tree.Reverse(visit)
		}
	}
	if !stopped {
		flushOwn("", true)
	}
	return nil
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
