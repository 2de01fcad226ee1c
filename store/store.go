package store

import "context"

// Store is a transactional, ordered key-value store. Implementations must be
// safe for concurrent use; [memstore] and [badgerstore] are provided, and
// every implementation passes the conformance suite in [storetest].
//
// [memstore]: https://pkg.go.dev/github.com/hearth-go/hearth/store/memstore
// [badgerstore]: https://pkg.go.dev/github.com/hearth-go/hearth/store/badgerstore
// [storetest]: https://pkg.go.dev/github.com/hearth-go/hearth/store/storetest
type Store interface {
	// View runs fn in a read-only transaction over a consistent snapshot
	// taken when View begins: commits made while fn runs are not visible.
	// Set and Delete inside fn return ErrReadOnly. View returns fn's error;
	// if ctx is already done it returns ctx.Err() without calling fn.
	View(ctx context.Context, fn func(Txn) error) error

	// Update runs fn in a read-write transaction and commits its writes if
	// fn returns nil. Reads see a snapshot taken when Update begins, plus the
	// transaction's own writes.
	//
	// Update is serializable with respect to the keys it reads: if another
	// transaction committed a write to a key this one read (by Get, found or
	// not, or as a key passed to a Scan callback) after this one began, the
	// commit fails with ErrConflict and nothing is written. Conflicts are
	// detected per key, not per range: a key inserted into a scanned range
	// by another transaction is not a conflict. Guard a range with a key
	// every writer of that range reads and writes when that matters. An
	// Update that writes nothing never conflicts. Blind writes (keys written
	// but not read) never conflict; the last commit wins.
	//
	// If fn returns an error, or ctx is done before the commit, nothing is
	// written and Update returns that error (ctx.Err() for the context).
	// When Update returns nil, the writes are durable to the degree the
	// backend promises (see each backend's documentation).
	Update(ctx context.Context, fn func(Txn) error) error

	// Close releases the store. It waits for transactions in flight, which
	// finish normally (an Update in flight still commits); calls made after
	// Close return ErrClosed. Calling Close twice returns ErrClosed. Never
	// call Close from inside a transaction, and never start a transaction
	// from inside another one.
	Close() error
}

// Txn is a transaction handed to the function given to View or Update. It
// is valid only until that function returns and must not be used from more
// than one goroutine at a time.
//
// A Txn keeps no slice it is given past the call it is given to (Get and
// Delete copy what they keep, Set copies key and value), so callers may
// reuse their buffers at once.
//
// Keys are non-empty byte strings of at most MaxKeySize bytes, compared
// bytewise; any byte value is allowed. A call given an invalid key returns
// ErrInvalidKey and has no effect; the transaction stays usable.
type Txn interface {
	// Get returns the value stored at key, or an error that is
	// ErrNotFound. The returned slice belongs to the caller: the store
	// copies it, so it may be kept and modified freely.
	Get(key []byte) ([]byte, error)

	// Set stores value at key. The store copies key and value before Set
	// returns, so the caller may reuse both buffers. A nil value is stored
	// as an empty value. Set returns ErrTooLarge when the transaction would
	// exceed the backend's size limits; the transaction must then be
	// abandoned (return the error from fn).
	Set(key, value []byte) error

	// Delete removes key. Deleting a missing key is not an error.
	Delete(key []byte) error

	// Scan calls fn for each key that starts with prefix, in ascending key
	// order (descending with opts.Reverse), until fn returns false or the
	// keys run out. It sees the transaction's own writes.
	//
	// The key and value slices passed to fn are valid only until fn
	// returns and must not be modified: copy what you keep.
	Scan(prefix []byte, opts ScanOptions, fn func(key, value []byte) bool) error
}

// ScanOptions tune a [Txn.Scan].
type ScanOptions struct {
	// Start is where the scan begins. Forward, the first key visited is the
	// smallest key >= Start; in reverse, the largest key <= Start. Keys
	// outside the prefix are never visited whatever Start is. Nil means the
	// start (or, in reverse, the end) of the prefix.
	Start []byte

	// Reverse visits keys in descending order.
	Reverse bool
}

// MaxKeySize is the largest key, in bytes, that every Store accepts.
// Hearth's own keys stay far below it.
const MaxKeySize = 60 << 10
