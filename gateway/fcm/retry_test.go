package fcm_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/fcm"
)

const (
	unavailable   = `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`
	quotaExceeded = `{"error":{"code":429,"message":"Quota exceeded for quota metric 'Send requests'.","status":"RESOURCE_EXHAUSTED",` +
		`"details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"QUOTA_EXCEEDED"}]}}`
)

var msg = gateway.MobileMessage{Token: "device", Title: "t", Body: "b"}

func TestRetriesServerErrorsWithJitteredExponentialBackoff(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	f.scriptSends(
		reply{status: 503, body: unavailable},
		reply{status: 500, body: `{"error":{"code":500,"message":"Internal error.","status":"INTERNAL"}}`},
		reply{status: 502, body: "<html>bad gateway</html>"},
	)
	// Each answer is held until the test has finished moving the clock: the
	// mock fires a timer at its deadline in the middle of Add, and a retry
	// armed before Add returns would count from that earlier instant.
	f.sendSeen, f.sendGo = make(chan struct{}), make(chan struct{})
	p, clk := newPusher(t, f, nil)
	done := pushAsync(t.Context(), p, msg)

	// Retry n waits between d/2 and d, d = 1 s, 2 s, 4 s.
	recv(t, f.sendSeen)
	for n, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		f.sendGo <- struct{}{}
		clk.BlockUntil(1)
		require.Len(t, f.sent(), n+1, "attempt %d made, now waiting", n+1)
		clk.Add(d/2 - time.Nanosecond)
		require.Equal(t, 1, clk.Waiters(), "retry %d came before d/2", n+1)
		clk.Add(d/2 + time.Nanosecond)
		recv(t, f.sendSeen) // retried by d
	}
	f.sendGo <- struct{}{}
	require.NoError(t, recv(t, done))
	require.Len(t, f.sent(), 4)
	require.Len(t, f.tokenGrants(), 1, "the token is reused across retries")
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		header func(now time.Time) string
		wait   time.Duration
	}{
		{"seconds on 429", 429, func(time.Time) string { return "7" }, 7 * time.Second},
		{"seconds on 503", 503, func(time.Time) string { return "45" }, 45 * time.Second},
		{"HTTP date", 503, func(now time.Time) string { return now.Add(9 * time.Second).Format(http.TimeFormat) }, 9 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeGoogle(t)
			p, clk := newPusher(t, f, nil)
			f.scriptSends(reply{status: tc.status, header: map[string]string{"Retry-After": tc.header(clk.Now())}, body: quotaExceeded})
			done := pushAsync(t.Context(), p, msg)

			clk.BlockUntil(1)
			clk.Add(tc.wait - time.Nanosecond)
			require.Equal(t, 1, clk.Waiters(), "retried before Retry-After")
			require.Len(t, f.sent(), 1)
			clk.Add(time.Nanosecond)
			require.NoError(t, recv(t, done))
			require.Len(t, f.sent(), 2)
		})
	}
}

func TestRetryAfterInThePastRetriesAtOnce(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	p, clk := newPusher(t, f, nil)
	f.scriptSends(reply{status: 503, header: map[string]string{"Retry-After": clk.Now().Add(-time.Hour).Format(http.TimeFormat)}})
	require.NoError(t, recv(t, pushAsync(t.Context(), p, msg))) // no clock advance needed
	require.Len(t, f.sent(), 2)
}

func TestRetryAfterBeyondTwoMinutesGivesUp(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	f.scriptSends(reply{status: 429, header: map[string]string{"Retry-After": "121"}, body: quotaExceeded})
	p, clk := newPusher(t, f, nil)

	err := recv(t, pushAsync(t.Context(), p, msg)) // at once: the clock does not move
	var fe *fcm.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, 429, fe.StatusCode)
	require.Equal(t, "QUOTA_EXCEEDED", fe.ErrorCode)
	require.ErrorContains(t, err, "retry after 2m1s")
	require.Len(t, f.sent(), 1)
	require.Zero(t, clk.Waiters())
}

func TestTooManyRequestsExhaustsMaxAttempts(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	f.scriptSends(
		reply{status: 429, body: quotaExceeded},
		reply{status: 429, body: quotaExceeded},
		reply{status: 429, body: quotaExceeded},
		reply{status: 200}, // never reached
	)
	p, clk := newPusher(t, f, func(c *fcm.Config) { c.MaxAttempts = 3 })
	done := pushAsync(t.Context(), p, msg)
	for _, d := range []time.Duration{time.Second, 2 * time.Second} {
		clk.BlockUntil(1)
		clk.Add(d)
	}
	err := recv(t, done)
	require.ErrorContains(t, err, "giving up after 3 attempts")
	var fe *fcm.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, &fcm.Error{
		StatusCode: 429, Status: "RESOURCE_EXHAUSTED", ErrorCode: "QUOTA_EXCEEDED",
		Message: "Quota exceeded for quota metric 'Send requests'.",
	}, fe)
	require.NotErrorIs(t, err, gateway.ErrTokenUnregistered)
	require.Len(t, f.sent(), 3)
	require.Zero(t, clk.Waiters())
}

func TestDefaultMaxAttemptsIsFive(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	for range 6 {
		f.scriptSends(reply{status: 503, body: unavailable})
	}
	p, clk := newPusher(t, f, nil)
	done := pushAsync(t.Context(), p, msg)
	for _, d := range []time.Duration{1, 2, 4, 8} {
		clk.BlockUntil(1)
		clk.Add(d * time.Second)
	}
	require.ErrorContains(t, recv(t, done), "giving up after 5 attempts: 503 UNAVAILABLE: The service is currently unavailable.")
	require.Len(t, f.sent(), 5)
}

func TestMaxAttemptsOneDoesNotRetry(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	f.scriptSends(reply{status: 503, body: unavailable})
	p, clk := newPusher(t, f, func(c *fcm.Config) { c.MaxAttempts = 1 })
	require.ErrorContains(t, recv(t, pushAsync(t.Context(), p, msg)), "giving up after 1 attempts")
	require.Len(t, f.sent(), 1)
	require.Zero(t, clk.Waiters())
}

func TestDroppedConnectionIsRetried(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	f.scriptSends(reply{hangUp: true})
	p, clk := newPusher(t, f, nil)
	done := pushAsync(t.Context(), p, msg)
	clk.BlockUntil(1)
	require.Len(t, f.sent(), 1)
	clk.Add(time.Second)
	require.NoError(t, recv(t, done))
	require.Len(t, f.sent(), 2)
}

func TestCancelDuringBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	f.scriptSends(reply{status: 503, header: map[string]string{"Retry-After": "60"}, body: unavailable})
	p, clk := newPusher(t, f, nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := pushAsync(ctx, p, msg)

	clk.BlockUntil(1)
	cancel() // the clock never moves: only the cancel can end the wait
	err := recv(t, done)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "503 UNAVAILABLE", "the last answer is reported")
	require.Zero(t, clk.Waiters(), "the backoff timer was stopped")
	require.Len(t, f.sent(), 1)
}

func TestExpiredContextSendsNothing(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	p, _ := newPusher(t, f, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := recv(t, pushAsync(ctx, p, msg))
	require.True(t, errors.Is(err, context.Canceled), err)
	require.Empty(t, f.sent())
	require.Empty(t, f.tokenGrants())
}
