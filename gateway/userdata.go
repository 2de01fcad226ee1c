package gateway

import (
	"context"
	"fmt"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/userdata"
	"github.com/hearth-go/hearth/internal/validate"
	"github.com/hearth-go/hearth/store"
)

// userData is the data of a gateway user-data document. Sessions are
// ephemeral (they last as long as a connection) and are not part of it.
type userData struct {
	// FirebaseTokens are the user's device tokens, in namespace name order.
	FirebaseTokens []userToken `json:"firebaseTokens"`
}

type userToken struct {
	NamespaceName string `json:"namespaceName"`
	Token         string `json:"token"`
	CreatedAt     int64  `json:"createdAt"`
	UpdatedAt     int64  `json:"updatedAt"`
	Revision      int64  `json:"revision"`
}

// Dump returns what the service keeps about userID, in every namespace, as
// a versioned JSON document (the internal/userdata envelope, service
// "gateway"): the user's Firebase device tokens. Sessions are ephemeral and
// not dumped. GS2 exports user data asynchronously as zip files
// (prepareImport, check*); Hearth does it synchronously and has no
// counterpart for those methods.
func (s *Service) Dump(ctx context.Context, userID string) ([]byte, error) {
	const op = "dump"
	if err := checkUser(userID); err != nil {
		return nil, wrap(op, err)
	}
	now := s.now(ctx)
	data := userData{FirebaseTokens: []userToken{}}
	err := s.st.View(ctx, func(txn store.Txn) error {
		data.FirebaseTokens = data.FirebaseTokens[:0]
		names, err := namespaceNames(txn)
		if err != nil {
			return err
		}
		for _, ns := range names {
			rec, ok, err := getToken(txn, userRef{ns: ns, user: userID})
			if err != nil {
				return err
			}
			if ok {
				data.FirebaseTokens = append(data.FirebaseTokens, userToken{
					NamespaceName: ns, Token: rec.token, CreatedAt: rec.createdAt, UpdatedAt: rec.updatedAt, Revision: rec.revision,
				})
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	doc, err := userdata.Marshal(serviceToken, userID, now, data)
	if err != nil {
		return nil, wrap(op, err)
	}
	return doc, nil
}

// Clean deletes everything of userID in every namespace, one transaction
// per namespace: its sessions (on every node; this node's connections are
// closed with ClosePolicyViolation after the commit) and its device token.
func (s *Service) Clean(ctx context.Context, userID string) error {
	const op = "clean"
	if err := checkUser(userID); err != nil {
		return wrap(op, err)
	}
	var names []string
	err := s.st.View(ctx, func(txn store.Txn) error {
		var err error
		names, err = namespaceNames(txn)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	for _, ns := range names {
		u := userRef{ns: ns, user: userID}
		var gone []storedSession
		err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
			var err error
			if gone, err = deleteUserSessions(txn, u); err != nil {
				return err
			}
			return txn.Delete(u.firebaseKey())
		})
		if err != nil {
			return wrap(op, err)
		}
		s.closeSessions(ctx, u, gone, "user data cleaned")
	}
	return nil
}

// Import restores the device tokens of a document made by Dump under
// userID, or under the document's user when userID is empty, in one
// transaction. A malformed document (or one of another service or
// version), or a record that breaks a limit, is an error matching
// ErrInvalidArgument naming the field (e.g. "firebaseTokens[0].token"). A
// namespace that does not exist is ErrNotFound. Import never merges: a
// user who has a token in a namespace of the document already is
// ErrAlreadyExists. In every error case nothing is imported.
func (s *Service) Import(ctx context.Context, userID string, doc []byte) error {
	const op = "import"
	var data userData
	env, err := userdata.Unmarshal(doc, serviceToken, &data)
	if err != nil {
		return wrap(op, err)
	}
	if userID == "" {
		userID = env.UserID
	}
	if err := checkUser(userID); err != nil {
		return wrap(op, err)
	}
	if err := checkImport(data); err != nil {
		return wrap(op, err)
	}
	err = store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		for _, t := range data.FirebaseTokens {
			u := userRef{ns: t.NamespaceName, user: userID}
			if err := s.requireNamespace(txn, u.ns); err != nil {
				return err
			}
			_, found, err := getToken(txn, u)
			if err != nil {
				return err
			}
			if found {
				return errs.AlreadyExists("firebase token of user %q in namespace %q", u.user, u.ns)
			}
			rec := tokenRec{token: t.Token, createdAt: t.CreatedAt, updatedAt: t.UpdatedAt, revision: t.Revision}
			if err := txn.Set(u.firebaseKey(), rec.appendTo(nil)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return wrap(op, err)
	}
	return nil
}

// checkImport validates every record of a document, naming the field as
// firebaseTokens[i].field.
func checkImport(data userData) error {
	seen := make(map[string]bool, len(data.FirebaseTokens))
	for i, t := range data.FirebaseTokens {
		field := func(name string) string { return fmt.Sprintf("firebaseTokens[%d].%s", i, name) }
		err := validate.First(
			validate.Name(field("namespaceName"), t.NamespaceName),
			validate.RequiredMaxLen(field("token"), t.Token, MaxFirebaseTokenLen),
			validate.Min(field("createdAt"), t.CreatedAt, 0),
			validate.Min(field("updatedAt"), t.UpdatedAt, t.CreatedAt),
			validate.Min(field("revision"), t.Revision, 0),
		)
		if err != nil {
			return err
		}
		if seen[t.NamespaceName] {
			return errs.Invalid(field("namespaceName"), "duplicate namespace in the document")
		}
		seen[t.NamespaceName] = true
	}
	return nil
}

// namespaceNames lists the names of every gateway namespace.
func namespaceNames(txn store.Txn) ([]string, error) {
	prefix := namespace.Prefix(serviceToken)
	var names []string
	var derr error
	err := txn.Scan(prefix, store.ScanOptions{}, func(k, _ []byte) bool {
		var name string
		name, derr = keys.NewDecoder(k[len(prefix):]).Str()
		names = append(names, name)
		return derr == nil
	})
	if err == nil {
		err = derr
	}
	return names, err
}
