package lock

// SetSweptHook makes the background sweep call f after each pass. Call it on
// cfg before New.
func SetSweptHook(cfg *Config, f func(n int, err error)) { cfg.hooks.swept = f }

// Entries returns how many mutexes have in-process state (waiters or leases).
func (s *Service) Entries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.locks)
}

// SetQueuedHook makes Acquire call f (with its transaction ID) once it has
// joined the queue of a mutex. Call it on cfg before New.
func SetQueuedHook(cfg *Config, f func(tx string)) {
	cfg.hooks.queued = func(_, _, _, tx string) { f(tx) }
}

// SetAcquiredHook makes Acquire call f (with its transaction ID) after it
// committed its hold and before it registers the lease. Call it on cfg
// before New.
func SetAcquiredHook(cfg *Config, f func(tx string)) {
	cfg.hooks.acquired = func(_, _, _, tx string) { f(tx) }
}
