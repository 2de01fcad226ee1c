// Package keys builds the store keys of every Hearth service.
//
// A key is a tuple of typed segments in an order-preserving encoding, in
// the style of FoundationDB's tuple layer:
//
//	bytes  0x01, the bytes with each 0x00 written as 0x00 0xFF, then 0x00 0x01
//	string 0x02, escaped the same way, then 0x00 0x01
//	uint   0x15, 8 bytes big-endian
//	int    0x16, 8 bytes big-endian of uint64(i) ^ (1 << 63)
//
// The two-byte terminator (as in CockroachDB's key encoding) is where this
// departs from FoundationDB, whose terminator is a lone 0x00. With a lone
// 0x00, the key of ("u") is a byte prefix of the key of ("u\x00"), so a
// prefix scan over one user's keys would also list the keys of a user whose
// ID is that ID plus a 0x00 byte. FoundationDB avoids this by scanning the
// range (prefix+0x00, prefix+0xFF); our stores scan by prefix, so the
// terminator must not be the start of an escape.
//
// Three properties follow, and the tests pin them:
//
//   - Distinct tuples never encode to the same key, whatever bytes a
//     segment holds (a user ID may contain 0x00, 0xFF or any separator).
//   - Keys sort as their tuples do: segment by segment (by type code first,
//     then by value: strings and bytes bytewise, integers numerically), a
//     tuple before every longer tuple it is a prefix of.
//   - The key of a tuple t is a byte prefix of the key of a tuple u exactly
//     when u extends t, so a prefix scan is a listing and a run of
//     increasing Uint segments is a FIFO key range. [Key.StrPrefix] extends
//     this to "every key whose next string segment starts with s".
//
// Services never format user input into keys by hand (no
// fmt.Sprintf("%s/%s")); they build keys here.
//
// # Errors
//
// Encoding never fails. [Decoder] methods return an error wrapping
// [ErrMalformed] on a type mismatch, a bad escape or truncated input; they
// never panic, whatever bytes they are given.
//
// # Concurrency
//
// A [Key] is a byte slice: the methods that extend it return a new key and
// never write into the receiver's memory, so a key shared between
// goroutines may be extended concurrently. A [Decoder] is for one
// goroutine.
package keys
