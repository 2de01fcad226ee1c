// Package userdata is the versioned JSON envelope of Hearth's user-data
// dumps, which JobQueue and Gateway (and Lock and Realtime, where they hold
// user data) return from Dump and accept in Import:
//
//	{"format":"hearth.userdata","version":1,"service":"queue",
//	 "userId":"u1","createdAt":1704067200000,"data":{...}}
//
// GS2 exports user data asynchronously as zip files; Hearth does it
// synchronously as this document. Each service defines its own data type;
// the envelope says what the document is, so an import of another service's
// dump, of another format or of a future version fails cleanly.
//
// # Errors
//
// [Unmarshal] returns an *errs.FieldError, matching errs.ErrInvalidArgument,
// naming what is wrong: "document" (not a JSON envelope), "format",
// "version", "service" or "data".
//
// # Time
//
// createdAt is Unix milliseconds, taken by the service from its clock.
package userdata
