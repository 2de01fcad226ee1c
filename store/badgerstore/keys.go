package badgerstore

// Every key the store writes into Badger starts with a namespace byte, so
// that user keys can never collide with Badger's internal "!badger!" keys
// (or with the store's own chunk keys), whatever bytes they hold.
const (
	// nsUser prefixes user keys.
	nsUser byte = 0x01
	// nsChunk prefixes the chunks of large in-memory values (chunk.go).
	nsChunk byte = 0x02
)

// appendUserKey appends the Badger key of the user key k to dst.
func appendUserKey(dst, k []byte) []byte {
	dst = append(dst, nsUser)
	return append(dst, k...)
}

// userKey returns a new slice holding the Badger key of k.
func userKey(k []byte) []byte {
	return appendUserKey(make([]byte, 0, 1+len(k)), k)
}

// successor returns the smallest key greater than every key that starts
// with p, or nil if there is none (p is empty or all 0xff bytes).
func successor(p []byte) []byte {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xff {
			s := make([]byte, i+1)
			copy(s, p)
			s[i]++
			return s
		}
	}
	return nil
}
