package fcm

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoffStaysWithinItsBounds(t *testing.T) {
	t.Parallel()
	want := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i, w := range want {
		n := i + 1
		d := w * time.Second
		require.Equal(t, d, nominalBackoff(n), "retry %d", n)
		lo, hi := d, time.Duration(0)
		for range 2000 {
			b := backoff(n)
			require.GreaterOrEqual(t, b, d/2)
			require.LessOrEqual(t, b, d)
			lo, hi = min(lo, b), max(hi, b)
		}
		require.Less(t, lo, d*6/10, "retry %d: jitter reaches the low end", n)
		require.Greater(t, hi, d*9/10, "retry %d: jitter reaches the high end", n)
	}
	require.Equal(t, maxBackoff, nominalBackoff(1000), "no overflow for large n")
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		d    time.Duration
		ok   bool
		note string
	}{
		{"", 0, false, "absent"},
		{"0", 0, true, "retry at once"},
		{" 30 ", 30 * time.Second, true, "spaces"},
		{"-5", 0, false, "negative"},
		{"1.5", 0, false, "not an integer nor a date"},
		{"soon", 0, false, "garbage"},
		{"99999999999999999999", maxRetryAfter + time.Second, true, "overflowing seconds are too long, not garbage"},
		{"9223372036854775807", maxRetryAfter + time.Second, true, "no Duration overflow"},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true, "IMF-fixdate"},
		{"Monday, 01-Jan-24 00:00:05 GMT", 5 * time.Second, true, "RFC 850 date"},
		{"Mon Jan  1 00:00:06 2024", 6 * time.Second, true, "asctime date"},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true, "past date"},
	} {
		d, ok := parseRetryAfter(tc.in, now)
		require.Equal(t, tc.ok, ok, tc.note)
		require.Equal(t, tc.d, d, tc.note)
	}
}
