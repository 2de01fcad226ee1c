package keys

// Key is an encoded tuple. The zero value is the empty tuple; build keys with
// [New] and the methods below, which return new keys.
type Key []byte

// New returns the key of the tuple of string segments segs, in one
// allocation of exactly the right size.
func New(segs ...string) Key {
	n := 0
	for _, s := range segs {
		n += strLen(s)
	}
	k := make(Key, 0, n)
	for _, s := range segs {
		k = AppendStr(k, s)
	}
	return k
}

// Str returns a new key: k followed by the string segment s. It never writes
// into k's memory.
func (k Key) Str(s string) Key {
	return AppendStr(k.grow(strLen(s)), s)
}

// Bytes returns a new key: k followed by the bytes segment b. It never writes
// into k's memory.
func (k Key) Bytes(b []byte) Key {
	return AppendBytes(k.grow(bytesLen(b)), b)
}

// Uint returns a new key: k followed by the unsigned integer segment u. It
// never writes into k's memory.
func (k Key) Uint(u uint64) Key {
	return AppendUint(k.grow(intSize), u)
}

// Int returns a new key: k followed by the signed integer segment i. It never
// writes into k's memory.
func (k Key) Int(i int64) Key {
	return AppendInt(k.grow(intSize), i)
}

// StrPrefix returns a new key: k followed by the string segment s without
// its terminator. It is not a tuple but a scan prefix: the keys that start
// with it are exactly the keys of the tuples that extend k with a string
// segment starting with s (and possibly more segments). Listing names that
// start with "ab" under k is a scan over k.StrPrefix("ab").
func (k Key) StrPrefix(s string) Key {
	return appendEscaped(append(k.grow(1+escapedLen(s)), codeStr), s)
}

// grow returns a copy of k with room for extra more bytes.
func (k Key) grow(extra int) Key {
	out := make(Key, len(k), len(k)+extra)
	copy(out, k)
	return out
}
