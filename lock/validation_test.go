package lock_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

// TestValidation: every field limit and required field of the reference
// fails with ErrInvalidArgument naming the field, and changes nothing; the
// values at the limit are accepted.
func TestValidation(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		// A held mutex, so that a call that wrongly went through would change it.
		_, err := e.svc.Lock(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)

		long := func(n int) string { return strings.Repeat("é", n) } // characters, not bytes
		type call func(nsName, user, prop, tx string, ttl time.Duration) error
		calls := map[string]call{
			"Lock": func(n, u, p, x string, ttl time.Duration) error {
				_, err := e.svc.Lock(e.ctx, n, u, p, x, ttl)
				return err
			},
			"Acquire": func(n, u, p, x string, ttl time.Duration) error {
				_, err := e.svc.Acquire(e.ctx, n, u, p, x, ttl)
				return err
			},
			"Unlock": func(n, u, p, x string, _ time.Duration) error {
				_, err := e.svc.Unlock(e.ctx, n, u, p, x)
				return err
			},
			"GetMutex": func(n, u, p, _ string, _ time.Duration) error {
				_, err := e.svc.GetMutex(e.ctx, n, u, p)
				return err
			},
			"DeleteMutex": func(n, u, p, _ string, _ time.Duration) error {
				_, err := e.svc.DeleteMutex(e.ctx, n, u, p)
				return err
			},
		}
		usesTx := map[string]bool{"Lock": true, "Acquire": true, "Unlock": true}
		usesTTL := map[string]bool{"Lock": true, "Acquire": true}
		tests := []struct {
			name, field      string
			ns, u, p, tx     string
			ttl              time.Duration
			needsTx, needTTL bool
		}{
			{"namespace empty", "namespaceName", "", "u", "p", "tx", 0, false, false},
			{"namespace too long", "namespaceName", strings.Repeat("n", 129), "u", "p", "tx", 0, false, false},
			{"namespace bad chars", "namespaceName", "a/b", "u", "p", "tx", 0, false, false},
			{"property empty", "propertyId", ns, "u", "", "tx", 0, false, false},
			{"property too long", "propertyId", ns, "u", long(1025), "tx", 0, false, false},
			{"user empty", "userId", ns, "", "p", "tx", 0, false, false},
			{"user too long", "userId", ns, long(129), "p", "tx", 0, false, false},
			{"tx empty", "transactionId", ns, "u", "p", "", 0, true, false},
			{"tx too long", "transactionId", ns, "u", "p", long(257), 0, true, false},
			{"ttl negative", "ttl", ns, "u", "p", "tx", -time.Nanosecond, false, true},
		}
		unchanged(t, st, func() {
			for _, tt := range tests {
				for name, c := range calls {
					if tt.needsTx && !usesTx[name] || tt.needTTL && !usesTTL[name] {
						continue
					}
					requireField(t, c(tt.ns, tt.u, tt.p, tt.tx, tt.ttl), tt.field, "%s: %s", name, tt.name)
				}
			}
			for _, err := range []error{
				func() error { _, _, err := e.svc.DescribeMutexes(e.ctx, "", "u", "", 0); return err }(),
			} {
				requireField(t, err, "namespaceName")
			}
			_, _, err := e.svc.DescribeMutexes(e.ctx, ns, "", "", 0)
			requireField(t, err, "userId")
			_, _, err = e.svc.DescribeMutexes(e.ctx, ns, long(129), "", 0)
			requireField(t, err, "userId")
			_, _, err = e.svc.DescribeMutexes(e.ctx, ns, "u", "not-a-token", 0)
			requireField(t, err, "pageToken")
			for _, limit := range []int{-1, 1001} {
				_, _, err = e.svc.DescribeMutexes(e.ctx, ns, "u", "", limit)
				requireField(t, err, "limit")
			}
		})

		// At the limits: accepted.
		u, p, x := long(128), long(1024), long(256)
		m, err := e.svc.Lock(e.ctx, strings.Repeat("n", 128), u, p, x, 0)
		require.ErrorIs(t, err, lock.ErrNotFound, "valid, but the namespace does not exist")
		require.Nil(t, m)
		m, err = e.svc.Lock(e.ctx, ns, u, p, x, 0)
		require.NoError(t, err)
		require.Equal(t, x, m.TransactionID)
		_, err = e.svc.Unlock(e.ctx, ns, u, p, x)
		require.NoError(t, err)
		items, _, err := e.svc.DescribeMutexes(e.ctx, ns, "u", "", 1000)
		require.NoError(t, err)
		require.Len(t, items, 1)
	})
}

func TestNamespaceValidation(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		unchanged(t, st, func() {
			_, err := e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: ""})
			requireField(t, err, "name")
			_, err = e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: strings.Repeat("n", 129)})
			requireField(t, err, "name")
			_, err = e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "x", Description: strings.Repeat("d", 1025)})
			requireField(t, err, "description")
			_, err = e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "x", LogSetting: &lock.LogSetting{}})
			requireField(t, err, "logSetting.loggingNamespaceId")
			_, err = e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "x", LogSetting: &lock.LogSetting{LoggingNamespaceID: "log"}})
			requireField(t, err, "logSetting.loggingNamespaceId")
			_, err = e.svc.UpdateNamespace(e.ctx, lock.UpdateNamespaceInput{NamespaceName: "a b"})
			requireField(t, err, "namespaceName")
			_, err = e.svc.UpdateNamespace(e.ctx, lock.UpdateNamespaceInput{NamespaceName: ns, Description: strings.Repeat("d", 1025)})
			requireField(t, err, "description")
			_, err = e.svc.GetNamespace(e.ctx, "")
			requireField(t, err, "namespaceName")
			_, err = e.svc.GetNamespaceStatus(e.ctx, "")
			requireField(t, err, "namespaceName")
			_, err = e.svc.DeleteNamespace(e.ctx, "")
			requireField(t, err, "namespaceName")
			_, _, err = e.svc.DescribeNamespaces(e.ctx, lock.DescribeNamespacesInput{NamePrefix: strings.Repeat("n", 65)})
			requireField(t, err, "namePrefix")
			_, _, err = e.svc.DescribeNamespaces(e.ctx, lock.DescribeNamespacesInput{Limit: 1001})
			requireField(t, err, "limit")
			_, _, err = e.svc.DescribeNamespaces(e.ctx, lock.DescribeNamespacesInput{PageToken: "bad"})
			requireField(t, err, "pageToken")
		})
	})
}
