package store

// Batching is an optional interface of a Store: BatchUpdates reports
// whether services should group many small concurrent updates into one
// transaction (see internal/batch), trading a hand-off between goroutines
// for fewer commits.
//
// It pays off where a commit costs much more than a goroutine hand-off —
// Badger's writer goroutine and fsync — and not where it costs about the
// same, as in memstore. A Store that does not implement Batching is
// batched.
type Batching interface {
	BatchUpdates() bool
}
