package badgerstore

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/hearth-go/hearth/store"
)

// txn implements store.Txn over a Badger transaction.
type txn struct {
	s      *Store
	bt     *badger.Txn
	update bool
	done   bool  // set when the transaction's function returned
	wrote  bool  // a Set or Delete was accepted
	err    error // sticky: a write failed, so the transaction must not commit

	kbuf    []byte   // scratch Badger key for Get, for long keys
	kbufArr [64]byte // scratch Badger key for Get, for short keys
	ckbuf   []byte   // scratch chunk key (chunk.go)
	vbuf    []byte   // scratch value for chunked values seen by Scan

	// chunks counts, per user key, the chunks this transaction has pending
	// (in-memory stores only, see chunk.go).
	chunks map[string]int
}

var _ store.Txn = (*txn)(nil)

// Get implements store.Txn.
func (t *txn) Get(key []byte) ([]byte, error) {
	if t.done {
		return nil, errTxnDone
	}
	if err := store.CheckKey(key); err != nil {
		return nil, err
	}
	item, err := t.bt.Get(t.scratchKey(key))
	if err != nil {
		return nil, interpretError(err)
	}
	if item.UserMeta()&metaChunked != 0 {
		return t.readChunked(key, item, nil)
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return nil, interpretError(err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// scratchKey returns the Badger key of key in a buffer reused by the next
// call. Badger does not keep the key it is given past Get (the item
// holding it is dropped there), so Get can use it.
func (t *txn) scratchKey(key []byte) []byte {
	if 1+len(key) <= len(t.kbufArr) {
		return appendUserKey(t.kbufArr[:0], key)
	}
	t.kbuf = appendUserKey(t.kbuf[:0], key)
	return t.kbuf
}

// Set implements store.Txn.
func (t *txn) Set(key, value []byte) error {
	if err := t.writable(key); err != nil {
		return err
	}
	if t.s.chunkSize > 0 && len(value) > t.s.chunkSize {
		return t.setChunked(key, value)
	}
	if int64(len(value)) > t.s.maxValue {
		return t.fail(fmt.Errorf("%w: a %d-byte value is larger than the value log file size (%d bytes)",
			store.ErrTooLarge, len(value), t.s.maxValue))
	}
	if err := t.dropChunks(key, 0); err != nil {
		return err
	}
	// Badger keeps both slices until the commit: copy them, in one
	// allocation.
	n := 1 + len(key)
	buf := make([]byte, n+len(value))
	buf[0] = nsUser
	copy(buf[1:], key)
	copy(buf[n:], value)
	return t.put(badger.NewEntry(buf[:n:n], buf[n:]))
}

// Delete implements store.Txn.
func (t *txn) Delete(key []byte) error {
	if err := t.writable(key); err != nil {
		return err
	}
	if err := t.dropChunks(key, 0); err != nil {
		return err
	}
	return t.del(userKey(key))
}

// writable checks that key may be written in this transaction now.
func (t *txn) writable(key []byte) error {
	switch {
	case t.done:
		return errTxnDone
	case t.err != nil:
		return t.err
	case !t.update:
		return store.ErrReadOnly
	}
	return store.CheckKey(key)
}

// put hands e to Badger, which keeps it until the commit.
func (t *txn) put(e *badger.Entry) error {
	if err := t.bt.SetEntry(e); err != nil {
		return t.fail(interpretError(err))
	}
	t.wrote = true
	return nil
}

// del deletes the Badger key k, which Badger keeps until the commit.
func (t *txn) del(k []byte) error {
	if err := t.bt.Delete(k); err != nil {
		return t.fail(interpretError(err))
	}
	t.wrote = true
	return nil
}

// fail makes err sticky: the transaction lost a write, so it must not
// commit even if its function ignores the error.
func (t *txn) fail(err error) error {
	t.err = err
	return err
}

// Scan implements store.Txn.
//
// Every key Scan visits is read through Iterator.Item, which adds it to
// Badger's read set, so in an Update a concurrent write to a visited key
// is a conflict. Badger also adds the key Scan seeks to (Start, or in
// reverse the successor of the prefix): a concurrent write to exactly that
// key is a conflict as well, which is harmless.
func (t *txn) Scan(prefix []byte, opts store.ScanOptions, fn func(key, value []byte) bool) error {
	if t.done {
		return errTxnDone
	}
	// The iterator keeps its prefix: it must not be a scratch buffer.
	ip := userKey(prefix)
	iopt := badger.IteratorOptions{
		// Values below ValueThreshold (1 MB by default) sit in the LSM
		// tree next to their key, so prefetching would only add a
		// goroutine per item; values in the value log are read on demand.
		PrefetchValues: false,
		Reverse:        opts.Reverse,
	}
	// Where to start: Start if it has the prefix; otherwise the start
	// (or, in reverse, the end) of the prefix, or nowhere if Start lies
	// beyond the prefix in the scan's direction.
	var seek []byte
	switch start := opts.Start; {
	case len(start) == 0:
	case bytes.HasPrefix(start, prefix):
		seek = userKey(start)
	case bytes.Compare(start, prefix) < 0: // before every key of the prefix
		if opts.Reverse {
			return nil
		}
	default: // after every key of the prefix
		if !opts.Reverse {
			return nil
		}
	}
	skipSeek := false // in reverse, skip the first item if it is exactly seek
	if !opts.Reverse {
		iopt.Prefix = ip
	} else if seek == nil {
		// Badger's reverse Seek lands on the greatest key <= its
		// argument. The smallest key after the prefix (ip begins with
		// nsUser, so there is one) is greater than every key of the
		// prefix, and itself skipped if it exists. The iterator gets no
		// Prefix: with one, Valid would be false on that key and the
		// iterator could not step past it; Scan checks the prefix.
		seek = successor(ip)
		skipSeek = true
	}

	it := t.bt.NewIterator(iopt)
	defer it.Close()
	if seek == nil {
		it.Rewind()
	} else {
		it.Seek(seek)
	}
	for ; it.Valid(); it.Next() {
		item := it.Item()
		k := item.Key()
		if !bytes.HasPrefix(k, ip) {
			if skipSeek && bytes.Equal(k, seek) {
				skipSeek = false
				continue
			}
			return nil
		}
		skipSeek = false
		cont, err := t.visit(item, fn)
		if err != nil || !cont {
			return err
		}
	}
	return nil
}

// visit passes the user key and value of item to fn.
func (t *txn) visit(item *badger.Item, fn func(key, value []byte) bool) (bool, error) {
	uk := item.Key()[1:]
	if item.UserMeta()&metaChunked != 0 {
		// Take the scratch buffer, so that a Scan nested in fn cannot
		// overwrite v while fn uses it.
		buf := t.vbuf
		t.vbuf = nil
		v, err := t.readChunked(uk, item, buf)
		if err != nil {
			return false, err
		}
		cont := fn(uk, v)
		t.vbuf = v[:0]
		return cont, nil
	}
	cont := true
	err := item.Value(func(v []byte) error {
		cont = fn(uk, v)
		return nil
	})
	if err != nil {
		return false, interpretError(err)
	}
	return cont, nil
}

// maxValueSize is the largest value an on-disk store accepts: Badger
// refuses values larger than a value-log file.
func maxValueSize(bo badger.Options) int64 {
	if bo.InMemory {
		return math.MaxInt64 // limited by the transaction size, see chunk.go
	}
	return bo.ValueLogFileSize
}

// errCorrupt reports stored data the store cannot decode.
var errCorrupt = errors.New("badgerstore: corrupt chunked value")
