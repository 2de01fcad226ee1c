package fcm

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff between attempts when FCM gives no Retry-After: the n-th retry
// waits a random duration in [d/2, d] with d = baseBackoff·2^(n-1), capped
// at maxBackoff. With the default 5 attempts the waits total at most 15 s.
const (
	baseBackoff = time.Second
	maxBackoff  = 30 * time.Second
)

// maxRetryAfter is the longest Retry-After a Push waits for. FCM asking for
// more means the quota is gone for a while; holding the caller (often a
// SendNotification) that long would do more harm than dropping the push.
const maxRetryAfter = 2 * time.Minute

// backoff returns the wait before retry number n (n ≥ 1): the nominal
// delay for n with "equal jitter", so that pushers that failed together do
// not retry together, yet never retry much sooner than planned.
func backoff(n int) time.Duration {
	d := nominalBackoff(n)
	half := d / 2
	return half + rand.N(d-half+1)
}

// nominalBackoff returns baseBackoff·2^(n-1), capped at maxBackoff.
func nominalBackoff(n int) time.Duration {
	d := baseBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// parseRetryAfter reads a Retry-After header: a number of seconds or an
// HTTP date, the latter measured from now. ok is false when the header is
// absent or unreadable; a date in the past gives 0.
func parseRetryAfter(h string, now time.Time) (d time.Duration, ok bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	const tooLong = maxRetryAfter + time.Second
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case secs < 0:
			return 0, false
		case err != nil || secs > int64(tooLong/time.Second):
			return tooLong, true // above the limit, whatever it is exactly
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
