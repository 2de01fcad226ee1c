package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/store"
)

// SubjectCreate is the notification subject (and issuer) sent to each of a
// room's notificationUserIds when it is READY.
const SubjectCreate = "Gs2Realtime:Create"

// createPayload is the payload of SubjectCreate.
type createPayload struct {
	NamespaceName string `json:"namespaceName"`
	RoomName      string `json:"roomName"`
}

// launch starts provisioning rec on its own goroutine, unless it is
// already in flight in this process. It reports false after Stop.
func (s *Service) launch(rec roomRec) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	if _, ok := s.inflight[rec.attempt]; ok {
		return true
	}
	ctx, cancel := context.WithCancel(s.base)
	s.inflight[rec.attempt] = cancel
	s.wg.Add(1)
	go s.provision(ctx, rec)
	return true
}

// provision runs one provisioning attempt and stores its outcome.
func (s *Service) provision(ctx context.Context, rec roomRec) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		if cancel := s.inflight[rec.attempt]; cancel != nil {
			cancel()
			delete(s.inflight, rec.attempt)
		}
		s.mu.Unlock()
	}()
	req := ProvisionRequest{
		NamespaceName: rec.ns, RoomName: rec.name,
		ServerType: rec.serverType, ServerSpec: rec.serverSpec,
		IdleTimeout: s.idle, MaxLifetime: s.lifetime,
		Ended: s.endedFunc(rec),
	}
	ep, err := s.callProvision(ctx, req)
	// got: the provisioner runs a server that must be released unless the
	// room stores its endpoint.
	got := err == nil
	if got {
		if err = checkEndpoint(ep); err != nil {
			err = fmt.Errorf("provisioner returned an invalid endpoint: %w", err)
		}
	}
	bg := context.WithoutCancel(ctx)
	if !got && s.base.Err() != nil {
		// Stop cancelled it: the room stays PROVISIONING for the next Start.
		s.log.Info("realtime: provisioning interrupted by Stop", "namespace", rec.ns, "room", rec.name, "err", err)
		return
	}
	applied, set, serr := s.storeResult(bg, rec, ep, err)
	if got && (err != nil || serr != nil || !applied) {
		// An endpoint no room holds: invalid, unstored, or its room was
		// deleted (or replaced) while provisioning.
		s.release(bg, rec.ns, rec.name)
	}
	switch {
	case serr != nil:
		s.log.Error("realtime: storing the provisioning result failed", "namespace", rec.ns, "room", rec.name, "err", serr)
	case !applied:
	case err != nil:
		s.log.Error("realtime: provisioning failed", "namespace", rec.ns, "room", rec.name, "err", err)
	default:
		s.notifyCreate(bg, set, rec)
	}
}

// callProvision calls the Provisioner, turning a panic into an error.
func (s *Service) callProvision(ctx context.Context, req ProvisionRequest) (ep Endpoint, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("provisioner panicked: %v", p)
		}
	}()
	return s.prov.Provision(ctx, req)
}

// storeResult stores the outcome of provisioning rec in one transaction,
// only if the room still exists as the same attempt and is still
// PROVISIONING. It returns whether it did, and the namespace's settings.
func (s *Service) storeResult(ctx context.Context, rec roomRec, ep Endpoint, perr error) (applied bool, set settings, err error) {
	now := clock.Millis(clock.Now(ctx, s.clock))
	key := roomKey(rec.ns, rec.name)
	err = store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		applied = false
		ns, err := s.reg.GetTxn(txn, rec.ns)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil // the namespace, and its rooms, are gone
			}
			return err
		}
		v, err := txn.Get(key)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		cur, err := decodeRoom(v)
		if err != nil {
			return err
		}
		if cur.attempt != rec.attempt || cur.status != codeProvisioning {
			return nil
		}
		if perr != nil {
			cur.status, cur.failure = codeFailed, truncate(perr.Error(), MaxFailureReasonLen)
		} else {
			cur.status, cur.ip, cur.port, cur.key = codeReady, ep.IPAddress, ep.Port, ep.EncryptionKey
		}
		cur.updatedAt = now
		cur.revision++
		set = ns.Settings
		applied = true
		return txn.Set(key, cur.appendTo(nil))
	})
	return applied, set, err
}

// notifyCreate sends Gs2Realtime:Create to every notification user of rec
// if the namespace asks for it; errors are logged.
func (s *Service) notifyCreate(ctx context.Context, set settings, rec roomRec) {
	n := set.CreateNotification
	if s.notifier == nil || n == nil || !n.Enabled() {
		return
	}
	p, _ := json.Marshal(createPayload{NamespaceName: rec.ns, RoomName: rec.name})
	for _, u := range rec.users {
		if err := s.notifier.Notify(ctx, *n, u, SubjectCreate, string(p)); err != nil {
			s.log.Warn("realtime: notification failed", "subject", SubjectCreate, "namespace", rec.ns,
				"room", rec.name, "user", u, "err", err)
		}
	}
}

// endedFunc returns the Ended callback of rec: once, it deletes the room
// if it is still the same attempt.
func (s *Service) endedFunc(rec roomRec) func(string) {
	var once sync.Once
	return func(reason string) {
		once.Do(func() {
			s.log.Info("realtime: room ended", "namespace", rec.ns, "room", rec.name, "reason", reason)
			key := roomKey(rec.ns, rec.name)
			err := store.UpdateRetry(context.Background(), s.st, func(txn store.Txn) error {
				v, err := txn.Get(key)
				if errors.Is(err, store.ErrNotFound) {
					return nil
				}
				if err != nil {
					return err
				}
				cur, err := decodeRoom(v)
				if err != nil {
					return err
				}
				if cur.attempt != rec.attempt {
					return nil
				}
				return txn.Delete(key)
			})
			if err != nil {
				s.log.Error("realtime: deleting an ended room failed", "namespace", rec.ns, "room", rec.name, "err", err)
			}
		})
	}
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
