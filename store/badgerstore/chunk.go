package badgerstore

import (
	"encoding/binary"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"
)

// Chunked values (in-memory stores only).
//
// In memory, Badger keeps every value in the LSM tree and refuses a value
// of ValueThreshold bytes or more, and ValueThreshold cannot exceed 1 MB.
// So an in-memory store splits a value larger than chunkSize into chunks:
// the user key then holds a header (UserMeta metaChunked, value: the total
// length and the chunk size as uvarints), and chunk i lives at
//
//	nsChunk | uint16 len(key) | key | uint32 i
//
// which sorts after every user key and never collides with another key's
// chunks (the length makes the key part unambiguous). A transaction writes
// the header and all chunks together, so the last writer of a key owns all
// of them; readers see one snapshot.
//
// A write that replaces or deletes a chunked value deletes the chunks it
// no longer uses: those pending in the transaction, and those committed,
// found through a separate read-only transaction so that the cleanup adds
// nothing to the read set (a blind write stays blind). A concurrent writer
// can still leave stray chunks past the header's count; they are never
// read, and the next write of the key removes them. The cleanup is skipped
// entirely until the store has written a chunked value.
const (
	// metaChunked is the Badger UserMeta bit of a chunked value's header.
	metaChunked byte = 1
	// maxChunkSize bounds the chunk size of in-memory stores.
	maxChunkSize = 256 << 10
)

// chunkSizeFor returns the chunk size for a store with Badger options bo:
// 0 (no chunking) on disk, where large values go to the value log.
func chunkSizeFor(bo badger.Options) int {
	if !bo.InMemory {
		return 0
	}
	// Badger accepts in-memory values strictly smaller than
	// ValueThreshold (a value of exactly ValueThreshold bytes is let
	// through and then crashes its write goroutine).
	return int(max(1, min(maxChunkSize, bo.ValueThreshold-1)))
}

// appendChunkPrefix appends the common prefix of key's chunk keys.
func appendChunkPrefix(dst, key []byte) []byte {
	dst = append(dst, nsChunk)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(key)))
	return append(dst, key...)
}

// appendChunkKey appends the Badger key of key's chunk i.
func appendChunkKey(dst, key []byte, i int) []byte {
	return binary.BigEndian.AppendUint32(appendChunkPrefix(dst, key), uint32(i))
}

// setChunked stores a value larger than the chunk size.
func (t *txn) setChunked(key, value []byte) error {
	size := t.s.chunkSize
	n := (len(value) + size - 1) / size
	if err := t.dropChunks(key, n); err != nil {
		return err
	}
	t.s.chunked.Store(true) // before the commit, so later writers clean up
	for i := range n {
		chunk := value[i*size : min((i+1)*size, len(value))]
		buf := appendChunkKey(make([]byte, 0, 1+2+len(key)+4+len(chunk)), key, i)
		kn := len(buf)
		buf = append(buf, chunk...)
		if err := t.put(badger.NewEntry(buf[:kn:kn], buf[kn:])); err != nil {
			return err
		}
	}
	if t.chunks == nil {
		t.chunks = make(map[string]int)
	}
	t.chunks[string(key)] = n
	hdr := binary.AppendUvarint(nil, uint64(len(value)))
	hdr = binary.AppendUvarint(hdr, uint64(size))
	return t.put(badger.NewEntry(userKey(key), hdr).WithMeta(metaChunked))
}

// dropChunks deletes key's chunks from index from on, pending or
// committed, before key is written or deleted. It does nothing until the
// store has written a chunked value.
func (t *txn) dropChunks(key []byte, from int) error {
	pending := t.chunks[string(key)]
	if pending == 0 && !t.s.chunked.Load() {
		return nil
	}
	for i := from; i < pending; i++ {
		if err := t.del(appendChunkKey(nil, key, i)); err != nil {
			return err
		}
	}
	if pending > 0 {
		if from == 0 {
			delete(t.chunks, string(key))
		} else {
			t.chunks[string(key)] = min(pending, from)
		}
	}

	// Committed chunks, seen from a fresh read-only transaction so that
	// this transaction's read set is unchanged.
	vt := t.s.db.NewTransaction(false)
	defer vt.Discard()
	it := vt.NewIterator(badger.IteratorOptions{Prefix: appendChunkPrefix(nil, key)})
	defer it.Close()
	for it.Seek(appendChunkKey(nil, key, from)); it.Valid(); it.Next() {
		k := it.Item().KeyCopy(nil)
		if i := int(binary.BigEndian.Uint32(k[len(k)-4:])); i < pending {
			continue // deleted above
		}
		if err := t.del(k); err != nil {
			return err
		}
	}
	return nil
}

// readChunked assembles the chunked value whose header is item, appending
// it to dst[:0].
func (t *txn) readChunked(key []byte, item *badger.Item, dst []byte) ([]byte, error) {
	var total, size uint64
	err := item.Value(func(hdr []byte) error {
		var n, m int
		total, n = binary.Uvarint(hdr)
		if n > 0 {
			size, m = binary.Uvarint(hdr[n:])
		}
		if n <= 0 || m <= 0 || size == 0 {
			return fmt.Errorf("%w: bad header of key %q", errCorrupt, key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := dst[:0]
	if uint64(cap(out)) < total {
		out = make([]byte, 0, total)
	}
	for i := 0; uint64(len(out)) < total; i++ {
		t.ckbuf = appendChunkKey(t.ckbuf[:0], key, i)
		ci, err := t.bt.Get(t.ckbuf)
		if err != nil {
			return nil, fmt.Errorf("%w: chunk %d of key %q: %w", errCorrupt, i, key, interpretError(err))
		}
		if err := ci.Value(func(v []byte) error {
			out = append(out, v...)
			return nil
		}); err != nil {
			return nil, interpretError(err)
		}
	}
	if uint64(len(out)) != total {
		return nil, fmt.Errorf("%w: key %q holds %d bytes, header says %d", errCorrupt, key, len(out), total)
	}
	return out, nil
}
