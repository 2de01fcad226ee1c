package lock_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

func TestDumpCleanImport(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		_, err := e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "other"})
		require.NoError(t, err)
		for range 2 {
			_, err = e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx1", time.Hour)
			require.NoError(t, err)
		}
		_, err = e.svc.Lock(e.ctx, "other", "u1", "inventory", "tx2", time.Hour)
		require.NoError(t, err)
		_, err = e.svc.Lock(e.ctx, ns, "u1", "short", "tx3", time.Minute)
		require.NoError(t, err)
		_, err = e.svc.Lock(e.ctx, ns, "u2", "wallet", "tx9", time.Hour)
		require.NoError(t, err)
		e.clk.Add(time.Minute) // "short" expires: not dumped

		doc, err := e.svc.Dump(e.ctx, "u1")
		require.NoError(t, err)
		require.JSONEq(t, `{"format":"hearth.userdata","version":1,"service":"lock","userId":"u1","createdAt":`+
			jsonInt(at(time.Minute))+`,"data":{"mutexes":[
			{"namespaceName":"ns","propertyId":"wallet","transactionId":"tx1","referenceCount":2,"createdAt":`+jsonInt(at(0))+
			`,"ttlAt":`+jsonInt(at(time.Hour))+`,"revision":1,"fencingToken":1},
			{"namespaceName":"other","propertyId":"inventory","transactionId":"tx2","referenceCount":1,"createdAt":`+jsonInt(at(0))+
			`,"ttlAt":`+jsonInt(at(time.Hour))+`,"revision":0,"fencingToken":1}]}}`, string(doc))

		// Import under another user.
		got, err := e.svc.Import(e.ctx, "u3", doc)
		require.NoError(t, err)
		require.Len(t, got, 2)
		m, err := e.svc.GetMutex(e.ctx, ns, "u3", "wallet")
		require.NoError(t, err)
		require.Equal(t, "tx1", m.TransactionID)
		require.EqualValues(t, 2, m.ReferenceCount)
		require.Equal(t, at(time.Hour), m.TTLAt)
		require.EqualValues(t, 2, m.FencingToken, "an import is a new acquisition: token above the document's")
		_, err = e.svc.Import(e.ctx, "u3", doc)
		require.ErrorIs(t, err, lock.ErrConflict, "the mutexes are held now")

		// Clean deletes u1's mutexes and counters, nobody else's.
		n, err := e.svc.Clean(e.ctx, "u1")
		require.NoError(t, err)
		require.Equal(t, 2, n)
		for k := range dump(t, st) {
			require.NotContains(t, k, `"u1"`)
		}
		_, err = e.svc.GetMutex(e.ctx, ns, "u2", "wallet")
		require.NoError(t, err)
		empty, err := e.svc.Dump(e.ctx, "u1")
		require.NoError(t, err)
		require.Contains(t, string(empty), `"data":{"mutexes":[]}`)

		// Import under the document's own user restores it.
		_, err = e.svc.Import(e.ctx, "", doc)
		require.NoError(t, err)
		m, err = e.svc.GetMutex(e.ctx, "other", "u1", "inventory")
		require.NoError(t, err)
		require.EqualValues(t, 2, m.FencingToken)
	})
}

// TestImportRejectsBadDocuments: every malformed document fails with
// ErrInvalidArgument naming the field, and nothing is imported.
func TestImportRejectsBadDocuments(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		_, err := e.svc.Lock(e.ctx, ns, "u1", "a", "tx", time.Hour)
		require.NoError(t, err)
		good, err := e.svc.Dump(e.ctx, "u1")
		require.NoError(t, err)
		_, err = e.svc.Clean(e.ctx, "u1")
		require.NoError(t, err)

		mutex := func(fields string) string {
			return `{"format":"hearth.userdata","version":1,"service":"lock","userId":"u1","createdAt":1,"data":{"mutexes":[` +
				`{"namespaceName":"ns","propertyId":"ok","transactionId":"tx","referenceCount":1,"createdAt":0,"ttlAt":` +
				jsonInt(at(time.Hour)) + `,"revision":0,"fencingToken":1},` + fields + `]}}`
		}
		base := `"transactionId":"tx","referenceCount":1,"createdAt":0,"ttlAt":` + jsonInt(at(time.Hour)) + `,"revision":0,"fencingToken":1`
		tests := []struct{ name, doc, field string }{
			{"not json", `nope`, "document"},
			{"other service", strings.Replace(string(good), `"lock"`, `"queue"`, 1), "service"},
			{"future version", strings.Replace(string(good), `"version":1`, `"version":2`, 1), "version"},
			{"unknown field", mutex(`{"namespaceName":"ns","propertyId":"p","extra":1,` + base + `}`), "data"},
			{"bad namespace", mutex(`{"namespaceName":"a/b","propertyId":"p",` + base + `}`), "mutexes[1].namespaceName"},
			{"no property", mutex(`{"namespaceName":"ns","propertyId":"",` + base + `}`), "mutexes[1].propertyId"},
			{"long property", mutex(`{"namespaceName":"ns","propertyId":"` + strings.Repeat("p", 1025) + `",` + base + `}`), "mutexes[1].propertyId"},
			{"no transaction", mutex(`{"namespaceName":"ns","propertyId":"p","transactionId":"","referenceCount":1,"ttlAt":1}`), "mutexes[1].transactionId"},
			{"zero refcount", mutex(`{"namespaceName":"ns","propertyId":"p","transactionId":"t","referenceCount":0,"ttlAt":1}`), "mutexes[1].referenceCount"},
			{"duplicate", mutex(`{"namespaceName":"ns","propertyId":"ok",` + base + `}`), "mutexes[1].propertyId"},
			{"negative createdAt", mutex(`{"namespaceName":"ns","propertyId":"p","transactionId":"t","referenceCount":1,"createdAt":-1,"ttlAt":1}`), "mutexes[1].createdAt"},
			{"ttlAt before createdAt", mutex(`{"namespaceName":"ns","propertyId":"p","transactionId":"t","referenceCount":1,"createdAt":5,"ttlAt":4}`), "mutexes[1].ttlAt"},
		}
		unchanged(t, st, func() {
			for _, tt := range tests {
				_, err := e.svc.Import(e.ctx, "", []byte(tt.doc))
				requireField(t, err, tt.field, tt.name)
			}
			_, err := e.svc.Import(e.ctx, strings.Repeat("u", 129), good)
			requireField(t, err, "userId")
			_, err = e.svc.Import(e.ctx, "", []byte(mutex(`{"namespaceName":"missing","propertyId":"p",`+base+`}`)))
			require.ErrorIs(t, err, lock.ErrNotFound, "a missing namespace fails the whole import")
			_, err = e.svc.Dump(e.ctx, "")
			requireField(t, err, "userId")
			_, err = e.svc.Clean(e.ctx, "")
			requireField(t, err, "userId")
		})
	})
}

func jsonInt(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
