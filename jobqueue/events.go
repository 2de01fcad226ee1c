package jobqueue

import (
	"slices"
	"sync"
)

// EventKind names what happened to a job.
type EventKind string

// The kinds of Event.
const (
	// EventPushed: a job joined a queue.
	EventPushed EventKind = "pushed"
	// EventStarted: an attempt began (Run or auto-run).
	EventStarted EventKind = "started"
	// EventSucceeded: an attempt succeeded; the job left the queue.
	EventSucceeded EventKind = "succeeded"
	// EventFailed: an attempt failed and the job will be retried.
	EventFailed EventKind = "failed"
	// EventDead: an attempt failed and the job moved to the dead letters.
	EventDead EventKind = "dead"
	// EventDeleted: an attempt finished on a job deleted while it ran; its
	// result is kept and nothing else follows.
	EventDeleted EventKind = "deleted"
)

// Event is something that happened to a job, after it committed.
type Event struct {
	Kind      EventKind
	Namespace string
	UserID    string
	JobName   string
	// TryNumber is the attempt's try number (0 for pushed).
	TryNumber int
	// StatusCode is the attempt's status (0 for pushed and started).
	StatusCode int
	// At is when it happened, Unix milliseconds.
	At int64
}

// Subscribe returns a channel of the events of the given kinds (every
// kind if none is given), in the order they happened for each user, and a
// function that ends the subscription and closes the channel. The channel
// has Config.EventBuffer slots; when a subscriber falls that far behind,
// further events are dropped for it (and counted in Dropped), so a slow
// subscriber never slows the queue.
func (s *Service) Subscribe(kinds ...EventKind) (<-chan Event, func()) {
	sub := &subscriber{ch: make(chan Event, s.events.buffer), kinds: slices.Clone(kinds)}
	s.events.mu.Lock()
	s.events.subs = append(s.events.subs, sub)
	s.events.mu.Unlock()
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			s.events.mu.Lock()
			s.events.subs = slices.DeleteFunc(s.events.subs, func(x *subscriber) bool { return x == sub })
			close(sub.ch)
			s.events.mu.Unlock()
		})
	}
}

// Dropped returns how many events subscribers missed because their
// channel was full.
func (s *Service) Dropped() int64 {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	return s.events.dropped
}

type events struct {
	buffer  int
	mu      sync.Mutex
	subs    []*subscriber
	dropped int64
}

type subscriber struct {
	ch    chan Event
	kinds []EventKind
}

func (e *events) emit(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, sub := range e.subs {
		if len(sub.kinds) > 0 && !slices.Contains(sub.kinds, ev.Kind) {
			continue
		}
		select {
		case sub.ch <- ev:
		default:
			e.dropped++
		}
	}
}
