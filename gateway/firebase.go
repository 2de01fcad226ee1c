package gateway

import (
	"context"
	"errors"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

// SetFirebaseToken stores the user's device token (at most 1,024
// characters), replacing any previous one: a first set has revision 0, a
// later one keeps CreatedAt and increments the revision.
func (s *Service) SetFirebaseToken(ctx context.Context, namespaceName, userID, token string) (*FirebaseToken, error) {
	const op = "set firebase token"
	u := userRef{ns: namespaceName, user: userID}
	if err := checkUserRef(u); err != nil {
		return nil, wrap(op, err)
	}
	if err := checkToken(token); err != nil {
		return nil, wrap(op, err)
	}
	now := s.now(ctx)
	var rec tokenRec
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		if err := s.requireNamespace(txn, u.ns); err != nil {
			return err
		}
		old, found, err := getToken(txn, u)
		if err != nil {
			return err
		}
		rec = tokenRec{token: token, createdAt: now, updatedAt: now}
		if found {
			rec.createdAt, rec.revision = old.createdAt, old.revision+1
		}
		return txn.Set(u.firebaseKey(), rec.appendTo(nil))
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	t := s.toToken(u, rec)
	return &t, nil
}

// GetFirebaseToken returns the user's device token, or an error matching
// ErrNotFound.
func (s *Service) GetFirebaseToken(ctx context.Context, namespaceName, userID string) (*FirebaseToken, error) {
	const op = "get firebase token"
	u := userRef{ns: namespaceName, user: userID}
	if err := checkUserRef(u); err != nil {
		return nil, wrap(op, err)
	}
	var rec tokenRec
	err := s.st.View(ctx, func(txn store.Txn) error {
		if err := s.requireNamespace(txn, u.ns); err != nil {
			return err
		}
		var err error
		rec, err = mustGetToken(txn, u)
		return err
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	t := s.toToken(u, rec)
	return &t, nil
}

// DeleteFirebaseToken deletes the user's device token and returns it as it
// was, or fails with an error matching ErrNotFound.
func (s *Service) DeleteFirebaseToken(ctx context.Context, namespaceName, userID string) (*FirebaseToken, error) {
	const op = "delete firebase token"
	u := userRef{ns: namespaceName, user: userID}
	if err := checkUserRef(u); err != nil {
		return nil, wrap(op, err)
	}
	var rec tokenRec
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		if err := s.requireNamespace(txn, u.ns); err != nil {
			return err
		}
		var err error
		if rec, err = mustGetToken(txn, u); err != nil {
			return err
		}
		return txn.Delete(u.firebaseKey())
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	t := s.toToken(u, rec)
	return &t, nil
}

// getToken returns u's device token, if any.
func getToken(txn store.Txn, u userRef) (tokenRec, bool, error) {
	v, err := txn.Get(u.firebaseKey())
	if errors.Is(err, store.ErrNotFound) {
		return tokenRec{}, false, nil
	}
	if err != nil {
		return tokenRec{}, false, err
	}
	rec, err := decodeToken(v)
	return rec, err == nil, err
}

// mustGetToken returns u's device token or an error matching ErrNotFound.
func mustGetToken(txn store.Txn, u userRef) (tokenRec, error) {
	rec, ok, err := getToken(txn, u)
	if err == nil && !ok {
		err = errs.NotFound("firebase token of user %q in namespace %q", u.user, u.ns)
	}
	return rec, err
}

func (s *Service) toToken(u userRef, rec tokenRec) FirebaseToken {
	return FirebaseToken{
		FirebaseTokenID: s.tokenGRN(u),
		UserID:          u.user,
		Token:           rec.token,
		CreatedAt:       rec.createdAt,
		UpdatedAt:       rec.updatedAt,
		Revision:        rec.revision,
	}
}
