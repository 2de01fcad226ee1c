package batch

import (
	"bytes"
	"errors"

	"github.com/hearth-go/hearth/store"
)

// opTxn is the shared transaction as each operation of a batch sees it:
// it notes whether the current operation wrote, and remembers the last few
// keys read so that the reads every operation repeats (a namespace record
// read to guard against its deletion, say) cost one store read per batch.
// The first read of a key puts it in the transaction's read set; a repeat
// adds nothing to it. A write to a remembered key forgets it.
type opTxn struct {
	store.Txn
	wrote bool
	memo  [memoSize]memoEntry
	next  int // memo slot to replace next
}

const memoSize = 4

type memoEntry struct {
	key   []byte // nil when the slot is empty
	val   []byte
	found bool
}

func (t *opTxn) Get(key []byte) ([]byte, error) {
	for i := range t.memo {
		if e := &t.memo[i]; e.key != nil && bytes.Equal(e.key, key) {
			if !e.found {
				return nil, store.ErrNotFound
			}
			return bytes.Clone(e.val), nil
		}
	}
	v, err := t.Txn.Get(key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return v, err
	}
	e := &t.memo[t.next]
	t.next = (t.next + 1) % memoSize
	e.key = append(e.key[:0], key...)
	e.val = append(e.val[:0], v...)
	e.found = err == nil
	return v, err
}

// forget drops key from the memo.
func (t *opTxn) forget(key []byte) {
	for i := range t.memo {
		if e := &t.memo[i]; e.key != nil && bytes.Equal(e.key, key) {
			e.key = e.key[:0:0]
		}
	}
}

func (t *opTxn) Set(key, value []byte) error {
	t.wrote = true
	t.forget(key)
	return t.Txn.Set(key, value)
}

func (t *opTxn) Delete(key []byte) error {
	t.wrote = true
	t.forget(key)
	return t.Txn.Delete(key)
}
