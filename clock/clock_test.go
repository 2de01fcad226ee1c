package clock_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
)

func TestMockStartsAtEpochAndMovesOnlyWhenTold(t *testing.T) {
	t.Parallel()
	m := clock.NewMock()
	require.Equal(t, clock.Epoch, m.Now())
	require.Equal(t, clock.Epoch, m.Now(), "time must not move by itself")
	m.Add(90 * time.Second)
	require.Equal(t, clock.Epoch.Add(90*time.Second), m.Now())
	require.Equal(t, 90*time.Second, m.Since(clock.Epoch))
	require.Equal(t, 10*time.Second, m.Until(m.Now().Add(10*time.Second)))
	m.Set(clock.Epoch.Add(time.Hour))
	require.Equal(t, clock.Epoch.Add(time.Hour), m.Now())
}

func TestMockTimerFiresAtDeadlineNotBefore(t *testing.T) {
	t.Parallel()
	m := clock.NewMock()
	tm := m.NewTimer(time.Minute)
	m.Add(59 * time.Second)
	select {
	case <-tm.C:
		t.Fatal("timer fired early")
	default:
	}
	m.Add(time.Second)
	require.Equal(t, clock.Epoch.Add(time.Minute), <-tm.C)
	require.False(t, tm.Stop(), "Stop after firing reports false")
}

func TestMockTimerStopAndResetLeaveNoStaleValue(t *testing.T) {
	t.Parallel()
	m := clock.NewMock()
	tm := m.NewTimer(time.Second)
	require.True(t, tm.Stop())
	m.Add(2 * time.Second)
	select {
	case <-tm.C:
		t.Fatal("stopped timer fired")
	default:
	}

	// Fired but not received, then Reset: the old value must be gone.
	tm2 := m.NewTimer(time.Second)
	m.Add(time.Second)
	require.False(t, tm2.Reset(time.Minute))
	select {
	case <-tm2.C:
		t.Fatal("stale value delivered after Reset")
	default:
	}
	m.Add(time.Minute)
	require.Equal(t, m.Now(), <-tm2.C)
}

func TestMockAfterFuncRunsOnAdd(t *testing.T) {
	t.Parallel()
	m := clock.NewMock()
	ran := make(chan time.Time, 1)
	m.AfterFunc(time.Second, func() { ran <- m.Now() })
	m.Add(time.Second)
	require.Equal(t, clock.Epoch.Add(time.Second), <-ran)

	var calls atomic.Int32
	stopped := m.AfterFunc(time.Second, func() { calls.Add(1) })
	require.True(t, stopped.Stop())
	m.Add(time.Hour)
	require.Zero(t, m.Waiters())
	require.Zero(t, calls.Load())

	now := make(chan struct{})
	require.False(t, m.AfterFunc(0, func() { close(now) }).Stop())
	<-now
}

func TestMockTicker(t *testing.T) {
	t.Parallel()
	m := clock.NewMock()
	tk := m.NewTicker(time.Second)
	defer tk.Stop()
	for i := 1; i <= 3; i++ {
		m.Add(time.Second)
		require.Equal(t, clock.Epoch.Add(time.Duration(i)*time.Second), <-tk.C)
	}
	tk.Reset(time.Minute)
	m.Add(time.Second)
	select {
	case <-tk.C:
		t.Fatal("ticker ticked at the old period after Reset")
	default:
	}
	require.Panics(t, func() { m.NewTicker(0) })
}

func TestMockBlockUntilWaitsForArmedWaiters(t *testing.T) {
	t.Parallel()
	m := clock.NewMock()
	done := make(chan struct{})
	go func() {
		m.Sleep(time.Minute)
		close(done)
	}()
	m.BlockUntil(1)
	require.Equal(t, 1, m.Waiters())
	m.Add(time.Minute)
	<-done
	require.Zero(t, m.Waiters(), "a fired sleeper no longer counts")

	tk := m.NewTicker(time.Second)
	tm := m.NewTimer(time.Hour)
	require.Equal(t, 2, m.Waiters())
	tk.Stop()
	tm.Stop()
	require.Zero(t, m.Waiters())
}

func TestRealClock(t *testing.T) {
	t.Parallel()
	c := clock.New()
	before := time.Now()
	require.False(t, c.Now().Before(before))
	require.GreaterOrEqual(t, c.Since(before), time.Duration(0))
	require.Greater(t, c.Until(before.Add(time.Hour)), 59*time.Minute)

	tm := c.NewTimer(time.Millisecond)
	<-tm.C
	<-c.After(time.Millisecond)
	c.Sleep(time.Millisecond)
	fired := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(fired) })
	<-fired
	tk := c.NewTicker(time.Millisecond)
	<-tk.C
	tk.Reset(time.Millisecond)
	<-tk.C
	tk.Stop()
	long := c.NewTimer(time.Hour)
	require.True(t, long.Stop())
	require.False(t, long.Reset(time.Hour))
	long.Stop()
}

func TestOffsetShiftsNowForOneContext(t *testing.T) {
	t.Parallel()
	m := clock.NewMock()
	ctx := context.Background()
	require.Equal(t, clock.Epoch, clock.Now(ctx, m))
	require.Zero(t, clock.Offset(ctx))

	future := clock.WithOffset(ctx, 24*time.Hour)
	require.Equal(t, clock.Epoch.Add(24*time.Hour), clock.Now(future, m))
	require.Equal(t, clock.Epoch, m.Now(), "the clock itself does not move")

	inner := clock.WithOffset(future, -time.Hour)
	require.Equal(t, clock.Epoch.Add(-time.Hour), clock.Now(inner, m), "the innermost offset wins")
	require.Equal(t, clock.Epoch.UnixMilli(), clock.Millis(clock.Now(ctx, m)))
}
