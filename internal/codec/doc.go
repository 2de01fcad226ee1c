// Package codec is the compact binary form of the services' hot records: a
// version byte, then varints and length-prefixed strings in a fixed order.
// It costs no reflection and, unlike JSON, one pass over the bytes; the
// services encode into reused buffers (stores copy what Set is given).
//
//	b = append(b, version)
//	b = binary.AppendUvarint(b, n)
//	b = codec.AppendStr(b, name)
//
//	r := codec.NewReader(b, version)
//	n, name := r.Uvarint(), r.Str()
//	err := r.Done("job")
package codec
