package realtime

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/page"
	"github.com/hearth-go/hearth/store"
)

// WantRoom stores a new room with no address, status PROVISIONING, and
// returns it at once; the Provisioner then assigns its address on the
// service's own goroutine (see the package doc). An empty roomName means a
// new UUID. A room of that name in the namespace is an error matching
// ErrAlreadyExists. notificationUserIds has at most 1,000 user IDs of at
// most 128 characters. After Stop it returns ErrStopped.
func (s *Service) WantRoom(ctx context.Context, namespaceName, roomName string, notificationUserIDs []string) (*Room, error) {
	const op = "want room"
	if err := namespace.ValidateName(namespaceName); err != nil {
		return nil, wrap(op, err)
	}
	if err := checkRoomName(roomName); err != nil {
		return nil, wrap(op, err)
	}
	if err := checkUsers(notificationUserIDs); err != nil {
		return nil, wrap(op, err)
	}
	if s.prov == nil {
		return nil, wrap(op, errs.Invalid("Provisioner", "required"))
	}
	if roomName == "" {
		roomName = uuid.NewString()
	}
	if s.isStopped() {
		return nil, ErrStopped
	}
	now := clock.Millis(clock.Now(ctx, s.clock))
	rec := roomRec{
		ns: namespaceName, name: roomName, attempt: uuid.NewString(), status: codeProvisioning,
		users: append([]string(nil), notificationUserIDs...), createdAt: now, updatedAt: now,
	}
	key := roomKey(namespaceName, roomName)
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		ns, err := s.reg.GetTxn(txn, namespaceName)
		if err != nil {
			return err
		}
		switch _, err := txn.Get(key); {
		case err == nil:
			return errs.AlreadyExists("room %q", roomName)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		rec.serverType, rec.serverSpec = ns.Settings.ServerType, ns.Settings.ServerSpec
		return txn.Set(key, rec.appendTo(nil))
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	if !s.launch(rec) {
		// Stop ran since the check: the room stays PROVISIONING in the
		// store and the next Start provisions it.
		s.log.Warn("realtime: room stored while stopping; the next Start provisions it",
			"namespace", namespaceName, "room", roomName)
	}
	r := rec.room(s.roomGRN(namespaceName, roomName))
	return &r, nil
}

// GetRoom returns a room, or an error matching ErrNotFound when the
// namespace or the room does not exist. A PROVISIONING room has no address
// yet; a FAILED one has its FailureReason.
func (s *Service) GetRoom(ctx context.Context, namespaceName, roomName string) (*Room, error) {
	const op = "get room"
	if err := checkRoomID(namespaceName, roomName); err != nil {
		return nil, wrap(op, err)
	}
	var rec roomRec
	err := s.st.View(ctx, func(txn store.Txn) error {
		var err error
		rec, err = s.roomTxn(txn, namespaceName, roomName)
		return err
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	r := rec.room(s.roomGRN(namespaceName, roomName))
	return &r, nil
}

// DescribeRooms lists the rooms of a namespace in name order, one page at
// a time; nextPageToken is empty on the last page. limit is 1..1000; 0
// means 30.
func (s *Service) DescribeRooms(ctx context.Context, namespaceName, pageToken string, limit int) (items []Room, nextPageToken string, err error) {
	const op = "describe rooms"
	if err := namespace.ValidateName(namespaceName); err != nil {
		return nil, "", wrap(op, err)
	}
	limit, err = checkLimit(limit)
	if err != nil {
		return nil, "", wrap(op, err)
	}
	err = s.st.View(ctx, func(txn store.Txn) error {
		if _, err := s.reg.GetTxn(txn, namespaceName); err != nil {
			return err
		}
		var err error
		items, nextPageToken, err = page.Collect(txn, roomPrefix(namespaceName), pageToken, limit,
			func(_, v []byte) (Room, bool, error) {
				rec, err := decodeRoom(v)
				if err != nil {
					return Room{}, false, err
				}
				return rec.room(s.roomGRN(namespaceName, rec.name)), true, nil
			})
		return err
	})
	if err != nil {
		return nil, "", wrap(op, err)
	}
	return items, nextPageToken, nil
}

// DeleteRoom deletes a room and returns it as it was, or an error matching
// ErrNotFound. After the commit the room's server is released
// (Provisioner.Release: the room ends and its players are disconnected);
// provisioning in flight is cancelled, and an endpoint it still returns is
// released.
func (s *Service) DeleteRoom(ctx context.Context, namespaceName, roomName string) (*Room, error) {
	const op = "delete room"
	if err := checkRoomID(namespaceName, roomName); err != nil {
		return nil, wrap(op, err)
	}
	var rec roomRec
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		var err error
		if rec, err = s.roomTxn(txn, namespaceName, roomName); err != nil {
			return err
		}
		return txn.Delete(roomKey(namespaceName, roomName))
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	s.afterDelete(ctx, &rec)
	r := rec.room(s.roomGRN(namespaceName, roomName))
	return &r, nil
}

// afterDelete runs the side effects of a deleted room: a READY room is
// released; a PROVISIONING one has its Provision cancelled (the
// provisioning goroutine releases an endpoint it still gets).
func (s *Service) afterDelete(ctx context.Context, rec *roomRec) {
	switch rec.status {
	case codeReady:
		s.release(context.WithoutCancel(ctx), rec.ns, rec.name)
	case codeProvisioning:
		s.mu.Lock()
		cancel := s.inflight[rec.attempt]
		s.mu.Unlock()
		if cancel != nil {
			cancel()
		}
	}
}

// release calls Provisioner.Release and logs its error.
func (s *Service) release(ctx context.Context, ns, name string) {
	if s.prov == nil {
		return
	}
	if err := s.prov.Release(ctx, ns, name); err != nil {
		s.log.Warn("realtime: release failed", "namespace", ns, "room", name, "err", err)
	}
}

// roomTxn reads a room inside txn; the namespace must exist.
func (s *Service) roomTxn(txn store.Txn, ns, name string) (roomRec, error) {
	if _, err := s.reg.GetTxn(txn, ns); err != nil {
		return roomRec{}, err
	}
	v, err := txn.Get(roomKey(ns, name))
	if errors.Is(err, store.ErrNotFound) {
		return roomRec{}, errs.NotFound("room %q", name)
	}
	if err != nil {
		return roomRec{}, err
	}
	return decodeRoom(v)
}
