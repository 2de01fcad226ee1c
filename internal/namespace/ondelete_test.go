package namespace_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/store"
)

func TestDeletePrefixes(t *testing.T) {
	teststore.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		require.NoError(t, st.Update(ctx, func(txn store.Txn) error {
			for _, k := range []string{"a/1", "a/2", "b/1", "c/1", "ab"} {
				if err := txn.Set([]byte(k), []byte("v")); err != nil {
					return err
				}
			}
			return nil
		}))
		require.NoError(t, st.Update(ctx, func(txn store.Txn) error {
			return namespace.DeletePrefixes(txn, []byte("a/"), []byte("b/"), []byte("missing/"))
		}))
		require.Len(t, teststore.Dump(t, st), 2, "only c/1 and ab are left")
		require.NoError(t, st.View(ctx, func(txn store.Txn) error {
			for _, k := range []string{"c/1", "ab"} {
				if _, err := txn.Get([]byte(k)); err != nil {
					return err
				}
			}
			return nil
		}))
	})
}
