package wsgateway

// Hooks are the test-only signals of a Handler (see hooks).
type Hooks struct {
	// Ended runs when a connection has been reported to
	// Service.Disconnected.
	Ended func(connectionID string)
	// Pinged runs after each heartbeat ping with its result.
	Pinged func(connectionID string, err error)
	// Queued runs when a frame is queued, with the number then waiting.
	Queued func(connectionID string, n int)
}

// WithHooks returns cfg with the test hooks set.
func WithHooks(cfg Config, h Hooks) Config {
	cfg.hooks = hooks{ended: h.Ended, pinged: h.Pinged, queued: h.Queued}
	return cfg
}

// Truncate is truncate, for its test.
var Truncate = truncate

// RingFIFO pushes frames through a ring with the given limit, popping
// whenever pop[i] is true after the i-th push, and returns what came out
// followed by what remained, with the largest buffer length seen.
func RingFIFO(frames []string, pop []bool, limit int) (out []string, maxBuf int) {
	var r ring
	for i, f := range frames {
		r.push([]byte(f), limit)
		maxBuf = max(maxBuf, len(r.buf))
		if pop[i] {
			out = append(out, string(r.pop()))
		}
	}
	for r.n > 0 {
		out = append(out, string(r.pop()))
	}
	if r.buf != nil && len(r.buf) > 8 {
		maxBuf = -1 // a large buffer was kept while empty
	}
	return out, maxBuf
}
