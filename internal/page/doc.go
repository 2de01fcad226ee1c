// Package page implements Hearth's paged listings: opaque page tokens and
// the loop that fills one page from a prefix scan.
//
// A listing is a scan over a key prefix (every record of a user, every
// namespace whose name starts with "ab", ...). A page token is where the
// next page of that listing starts: the part of the next key after the
// prefix, a version byte and a checksum that binds it to the prefix, in
// URL-safe base64. [Decode] rebuilds the start key as prefix + suffix, so a
// token can never start a scan outside its listing, whatever a client sends.
//
// The checksum is not a secret MAC: it catches corrupted, truncated and
// foreign tokens (those made for another listing), not forgeries. A forged
// token can only move the start within the caller's own listing.
//
// # Errors
//
// A malformed, tampered or foreign token is an *errs.FieldError for the field
// "pageToken", matching errs.ErrInvalidArgument. [Collect] returns the
// store's errors and the decode callback's errors unchanged.
//
// # Concurrency
//
// Encode and Decode are pure functions. Collect runs inside the caller's
// transaction and has that transaction's consistency: pages fetched by
// separate calls may see records added or removed in between; a record
// removed at a page boundary makes the next page start at the record after
// it.
package page
