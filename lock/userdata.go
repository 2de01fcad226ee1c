package lock

import (
	"context"
	"fmt"
	"math"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/userdata"
	"github.com/hearth-go/hearth/internal/validate"
	"github.com/hearth-go/hearth/store"
)

// userData is the data of a lock user-data document.
type userData struct {
	Mutexes []userMutex `json:"mutexes"`
}

// userMutex is one held mutex in a user-data document.
type userMutex struct {
	NamespaceName  string `json:"namespaceName"`
	PropertyID     string `json:"propertyId"`
	TransactionID  string `json:"transactionId"`
	ReferenceCount int64  `json:"referenceCount"`
	CreatedAt      int64  `json:"createdAt"`
	TTLAt          int64  `json:"ttlAt"`
	Revision       int64  `json:"revision"`
	FencingToken   uint64 `json:"fencingToken"`
}

// Dump returns every mutex userID holds, in every namespace, as a versioned
// JSON document (the internal/userdata envelope, service "lock"), expired
// mutexes excepted. GS2 exports user data asynchronously as zip files
// (prepareImport, check*); Hearth does it synchronously and has no
// counterpart for those methods.
func (s *Service) Dump(ctx context.Context, userID string) ([]byte, error) {
	if err := checkUser(userID); err != nil {
		return nil, wrap("dump", err)
	}
	now := clock.Now(ctx, s.clock)
	nowMs := clock.Millis(now)
	data := userData{Mutexes: []userMutex{}}
	err := s.st.View(ctx, func(txn store.Txn) error {
		data.Mutexes = data.Mutexes[:0]
		names, err := namespaceNames(txn)
		if err != nil {
			return err
		}
		for _, ns := range names {
			prefix := userPrefix(kindMutex, ns, userID)
			var derr error
			err := txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
				rec, err := decodeRecord(v)
				if err != nil {
					derr = err
					return false
				}
				if !rec.live(nowMs) {
					return true
				}
				prop, err := parseProperty(k, len(prefix))
				if err != nil {
					derr = err
					return false
				}
				data.Mutexes = append(data.Mutexes, userMutex{
					NamespaceName: ns, PropertyID: prop, TransactionID: rec.tx, ReferenceCount: rec.refs,
					CreatedAt: rec.createdAt, TTLAt: rec.ttlAt, Revision: rec.revision, FencingToken: rec.token,
				})
				return true
			})
			if err == nil {
				err = derr
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("dump", err)
	}
	doc, err := userdata.Marshal(service, userID, nowMs, data)
	if err != nil {
		return nil, wrap("dump", err)
	}
	return doc, nil
}

// Clean deletes every mutex and fencing counter of userID in every
// namespace (one transaction per namespace) and returns how many held
// mutexes it deleted. Their leases are lost and their waiters woken. After
// Clean, the user's fencing tokens start again from 1.
func (s *Service) Clean(ctx context.Context, userID string) (int, error) {
	if err := checkUser(userID); err != nil {
		return 0, wrap("clean", err)
	}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	var names []string
	err := s.st.View(ctx, func(txn store.Txn) error {
		var err error
		names, err = namespaceNames(txn)
		return err
	})
	if err != nil {
		return 0, wrap("clean", err)
	}
	total := 0
	for _, ns := range names {
		var gone []expired
		err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
			gone = gone[:0]
			prefix := userPrefix(kindMutex, ns, userID)
			err := txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
				rec, err := decodeRecord(v)
				if err != nil || !rec.live(nowMs) {
					return true
				}
				if prop, err := parseProperty(k, len(prefix)); err == nil {
					gone = append(gone, expired{id: lockID{ns: ns, user: userID, prop: prop}, token: rec.token})
				}
				return true
			})
			if err != nil {
				return err
			}
			if err := namespace.DeletePrefixes(txn, prefix); err != nil {
				return err
			}
			return namespace.DeletePrefixes(txn, userPrefix(kindFence, ns, userID))
		})
		if err != nil {
			return total, wrap("clean", err)
		}
		for _, e := range gone {
			s.released(e.id, e.token)
		}
		total += len(gone)
	}
	return total, nil
}

// Import restores the mutexes of a document made by Dump, under userID, or
// under the document's user when userID is empty, and returns them as
// stored. Each restored mutex is a new acquisition: it gets a fencing
// token greater than both the document's and every token issued before for
// that property. Mutexes that have expired by now are skipped.
//
// A malformed document (or one of another service or version) is an error
// matching ErrInvalidArgument naming the field; a missing namespace one
// matching ErrNotFound; a mutex that is held already, ErrConflict. In
// every error case nothing is imported.
func (s *Service) Import(ctx context.Context, userID string, doc []byte) ([]Mutex, error) {
	const op = "import"
	var data userData
	env, err := userdata.Unmarshal(doc, service, &data)
	if err != nil {
		return nil, wrap(op, err)
	}
	if userID == "" {
		userID = env.UserID
	}
	if err := checkUser(userID); err != nil {
		return nil, wrap(op, err)
	}
	if err := checkImport(data); err != nil {
		return nil, wrap(op, err)
	}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	var out []Mutex
	err = store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		out = out[:0]
		for _, m := range data.Mutexes {
			if m.TTLAt <= nowMs {
				continue
			}
			id := lockID{ns: m.NamespaceName, user: userID, prop: m.PropertyID}
			if err := s.nsExists(txn, id.ns); err != nil {
				return err
			}
			cur, found, err := getRecord(txn, id.mutexKey(), "")
			if err != nil {
				return err
			}
			if found && cur.live(nowMs) {
				return errs.Conflict("mutex %q of user %q in namespace %q is held", id.prop, id.user, id.ns)
			}
			last, err := getToken(txn, id.fenceKey())
			if err != nil {
				return err
			}
			rec := record{
				tx: m.TransactionID, refs: m.ReferenceCount, createdAt: m.CreatedAt, ttlAt: m.TTLAt,
				revision: m.Revision, token: max(last, m.FencingToken) + 1,
			}
			if err := txn.Set(id.fenceKey(), encodeToken(rec.token)); err != nil {
				return err
			}
			if err := txn.Set(id.mutexKey(), rec.encode()); err != nil {
				return err
			}
			out = append(out, s.toMutex(id, rec))
		}
		return nil
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// checkImport validates every mutex of a document, naming the field as
// mutexes[i].field.
func checkImport(data userData) error {
	seen := make(map[[2]string]bool, len(data.Mutexes))
	for i, m := range data.Mutexes {
		field := func(name string) string { return fmt.Sprintf("mutexes[%d].%s", i, name) }
		err := validate.First(
			validate.Name(field("namespaceName"), m.NamespaceName),
			validate.RequiredMaxLen(field("propertyId"), m.PropertyID, MaxPropertyIDLen),
			validate.RequiredMaxLen(field("transactionId"), m.TransactionID, MaxTransactionIDLen),
			validate.Min(field("referenceCount"), m.ReferenceCount, 1),
			validate.Min(field("revision"), m.Revision, 0),
			checkImportedToken(field("fencingToken"), m.FencingToken),
			validate.Min(field("createdAt"), m.CreatedAt, 0),
			validate.Min(field("ttlAt"), m.TTLAt, m.CreatedAt),
		)
		if err != nil {
			return err
		}
		k := [2]string{m.NamespaceName, m.PropertyID}
		if seen[k] {
			return errs.Invalid(field("propertyId"), "duplicate mutex in the document")
		}
		seen[k] = true
	}
	return nil
}

// maxToken bounds the fencing tokens a document may carry, far below the
// counter's overflow: an imported token becomes the counter, and a counter
// that wrapped around would hand out tokens smaller than earlier ones.
const maxToken = math.MaxInt64

func checkImportedToken(field string, token uint64) error {
	if token > maxToken {
		return errs.Invalidf(field, "must be at most %d", uint64(maxToken))
	}
	return nil
}

// namespaceNames lists the names of every lock namespace.
func namespaceNames(txn store.Txn) ([]string, error) {
	prefix := namespace.Prefix(service)
	var names []string
	var derr error
	err := txn.Scan(prefix, store.ScanOptions{}, func(k, _ []byte) bool {
		name, err := keys.NewDecoder(k[len(prefix):]).Str()
		if err != nil {
			derr = err
			return false
		}
		names = append(names, name)
		return true
	})
	if err == nil {
		err = derr
	}
	return names, err
}
