package badgerstore

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSyncerStopAnswersWaiters: stopping the syncer while a sync is in
// flight and another round is pending still completes both rounds, and a
// wait after the stop fails at once instead of hanging.
func TestSyncerStopAnswersWaiters(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 2)
	release := make(chan struct{})
	joined := make(chan struct{}, 2)
	syncs := 0
	s := newSyncer(func() error {
		syncs++
		started <- struct{}{}
		<-release
		return nil
	}, func() { joined <- struct{}{} })

	first := make(chan error, 1)
	go func() { first <- s.wait() }()
	<-started // round 1 is syncing
	<-joined
	second := make(chan error, 1)
	go func() { second <- s.wait() }()
	<-joined // round 2 is pending

	stopped := make(chan struct{})
	go func() { s.close(); close(stopped) }()
	release <- struct{}{} // finish round 1
	require.NoError(t, <-first)
	<-started
	release <- struct{}{} // finish round 2, run by the stopping syncer
	require.NoError(t, <-second)
	<-stopped
	require.Equal(t, 2, syncs)
	require.ErrorIs(t, s.wait(), errSyncerStopped)
}
