package clock

import (
	"context"
	"time"
)

type offsetKey struct{}

// WithOffset returns a context under which [Now] reports the clock's time
// shifted by d. It is Hearth's form of GS2's timeOffsetToken: a single call
// runs "in the future" (or past) without touching the clock itself. Offsets
// do not add up: the innermost WithOffset wins.
func WithOffset(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, offsetKey{}, d)
}

// Offset returns the offset set on ctx by WithOffset, or 0.
func Offset(ctx context.Context) time.Duration {
	d, _ := ctx.Value(offsetKey{}).(time.Duration)
	return d
}

// Now returns c.Now() shifted by the offset carried in ctx. Every service
// call takes its "now" this way.
func Now(ctx context.Context, c Clock) time.Time {
	return c.Now().Add(Offset(ctx))
}

// Millis returns t as Unix milliseconds, the unit of every timestamp in
// Hearth's models.
func Millis(t time.Time) int64 { return t.UnixMilli() }
