package realtime

import (
	"context"
	"errors"

	"github.com/hearth-go/hearth/store"
)

// Start recovers from a previous process: every room found PROVISIONING
// in the store whose provisioning is not in flight in this process (its
// process died, or stopped, before the Provisioner answered) is
// provisioned again, so no room stays pending forever; a Provisioner that
// fails marks it FAILED. Start returns once the attempts are launched.
//
// WantRoom works without Start (it provisions on its own goroutine); call
// Start once, at startup, to recover. Only one Service may provision the
// rooms of a store at a time. Start after Start is an error; after Stop it
// returns ErrStopped.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	switch {
	case s.stopped:
		s.mu.Unlock()
		return ErrStopped
	case s.started:
		s.mu.Unlock()
		return errors.New("realtime: already started")
	}
	s.started = true
	s.mu.Unlock()

	var pending []roomRec
	err := s.st.View(ctx, func(txn store.Txn) error {
		var decodeErr error
		err := txn.Scan(allRoomsPrefix, store.ScanOptions{}, func(_, v []byte) bool {
			r, err := decodeRoom(v)
			if err != nil {
				decodeErr = err
				return false
			}
			if r.status == codeProvisioning {
				pending = append(pending, r)
			}
			return true
		})
		if err == nil {
			err = decodeErr
		}
		return err
	})
	if err != nil {
		s.mu.Lock()
		s.started = false
		s.mu.Unlock()
		return wrap("start", err)
	}
	if len(pending) > 0 && s.prov == nil {
		s.log.Warn("realtime: rooms wait for provisioning but no Provisioner is configured", "rooms", len(pending))
		return nil
	}
	for _, r := range pending {
		if !s.launch(r) {
			return ErrStopped
		}
	}
	return nil
}

// Stop stops provisioning: WantRoom fails with ErrStopped from now on, and
// Stop waits for the provisioning in flight to finish and store its
// outcome. If ctx ends first, Stop cancels the Provision calls' context
// and returns ctx's error; a room whose Provision then fails stays
// PROVISIONING in the store, for the next Start.
//
// Stop releases nothing: rooms already READY keep running in the
// Provisioner until it is shut down itself. Rooms survive a restart only
// in the store — after a restart a READY room's address may point to a
// server that is gone; delete it and want it again. The other methods keep
// working after Stop. Stop twice returns nil.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	defer s.cancelBase()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isStopped reports whether Stop was called.
func (s *Service) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}
