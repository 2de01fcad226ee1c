package page_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/page"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
)

var listing = keys.New("items", "user-1")

// fill stores n items under listing (value = the number as text) and
// neighbours that a scan over listing must never visit.
func fill(t *testing.T, n int) store.Store {
	t.Helper()
	st := memstore.New(nil)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	require.NoError(t, st.Update(context.Background(), func(txn store.Txn) error {
		for i := range n {
			if err := txn.Set(listing.Uint(uint64(i)), []byte(strconv.Itoa(i))); err != nil {
				return err
			}
		}
		for _, k := range []keys.Key{keys.New("items", "user-0").Uint(0), keys.New("items", "user-1\x00").Uint(0), keys.New("items", "user-2").Uint(0)} {
			if err := txn.Set(k, []byte("-1")); err != nil {
				return err
			}
		}
		return nil
	}))
	return st
}

// number decodes an item; keepIf chooses the kept ones.
func number(keepIf func(int) bool) func(k, v []byte) (int, bool, error) {
	return func(_, v []byte) (int, bool, error) {
		n, err := strconv.Atoi(string(v))
		return n, err == nil && keepIf(n), err
	}
}

func all(int) bool { return true }

// pages collects the whole listing page by page.
func pages(t *testing.T, st store.Store, limit int, keepIf func(int) bool) (got [][]int) {
	t.Helper()
	token := ""
	for range 1000 {
		var items []int
		require.NoError(t, st.View(context.Background(), func(txn store.Txn) error {
			var err error
			items, token, err = page.Collect(txn, listing, token, limit, number(keepIf))
			return err
		}))
		require.LessOrEqual(t, len(items), limit)
		got = append(got, items)
		if token == "" {
			return got
		}
		require.Len(t, items, limit, "only the last page is short")
	}
	t.Fatal("paging does not end")
	return nil
}

func flat(pp [][]int) []int {
	var out []int
	for _, p := range pp {
		out = append(out, p...)
	}
	return out
}

func seq(lo, hi, step int) []int {
	var out []int
	for i := lo; i < hi; i += step {
		out = append(out, i)
	}
	return out
}

func TestCollectPagesInOrder(t *testing.T) {
	t.Parallel()
	st := fill(t, 95)
	got := pages(t, st, 10, all)
	require.Len(t, got, 10)
	require.Len(t, got[9], 5)
	require.Equal(t, seq(0, 95, 1), flat(got))
}

// TestCollectExactMultiple: a listing that fills its last page exactly ends
// with no token, not with a token to an empty page.
func TestCollectExactMultiple(t *testing.T) {
	t.Parallel()
	st := fill(t, 90)
	got := pages(t, st, 10, all)
	require.Len(t, got, 9)
	require.Equal(t, seq(0, 90, 1), flat(got))
}

func TestCollectEmptyAndSingle(t *testing.T) {
	t.Parallel()
	require.Equal(t, [][]int{{}}, pages(t, fill(t, 0), 10, all))
	require.Equal(t, [][]int{{0}}, pages(t, fill(t, 1), 1, all))
	require.Equal(t, [][]int{{0}, {1}, {2}}, pages(t, fill(t, 3), 1, all))
}

func TestCollectSkipsUnkept(t *testing.T) {
	t.Parallel()
	st := fill(t, 95)
	even := func(n int) bool { return n%2 == 0 }
	got := pages(t, st, 10, even)
	require.Equal(t, seq(0, 95, 2), flat(got))
	require.Len(t, got, 5)

	// Unkept records after the last kept one: the last full page has no token.
	low := func(n int) bool { return n < 20 }
	require.Equal(t, [][]int{seq(0, 10, 1), seq(10, 20, 1)}, pages(t, st, 10, low))

	none := func(int) bool { return false }
	require.Equal(t, [][]int{{}}, pages(t, st, 10, none))
}

func TestCollectDecodeError(t *testing.T) {
	t.Parallel()
	st := fill(t, 20)
	boom := errors.New("boom")
	require.ErrorIs(t, st.View(context.Background(), func(txn store.Txn) error {
		items, token, err := page.Collect(txn, listing, "", 10, func(_, v []byte) (int, bool, error) {
			if string(v) == "5" {
				return 0, false, boom
			}
			return 0, true, nil
		})
		require.Nil(t, items)
		require.Empty(t, token)
		return err
	}), boom)
}

func TestCollectRejectsBadLimitAndToken(t *testing.T) {
	t.Parallel()
	st := fill(t, 5)
	require.NoError(t, st.View(context.Background(), func(txn store.Txn) error {
		for _, limit := range []int{0, -1} {
			_, _, err := page.Collect(txn, listing, "", limit, number(all))
			var fe *errs.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "limit", fe.Field)
		}
		items, token, err := page.Collect(txn, listing, "garbage!", 10, number(all))
		require.ErrorIs(t, err, errs.ErrInvalidArgument)
		require.Nil(t, items)
		require.Empty(t, token)
		return nil
	}))
}

// TestCollectResumesAfterWrites: a token outlives its transaction (Collect
// copied the key) and, if its record is deleted, resumes at the next one.
func TestCollectResumesAfterWrites(t *testing.T) {
	t.Parallel()
	st := fill(t, 30)
	ctx := context.Background()
	var token string
	require.NoError(t, st.View(ctx, func(txn store.Txn) error {
		_, tok, err := page.Collect(txn, listing, "", 10, number(all))
		token = tok
		return err
	}))
	// Delete the record the token points at, then resume: the page starts
	// at the record after it.
	require.NoError(t, st.Update(ctx, func(txn store.Txn) error { return txn.Delete(listing.Uint(10)) }))
	require.NoError(t, st.View(ctx, func(txn store.Txn) error {
		items, _, err := page.Collect(txn, listing, token, 3, number(all))
		require.Equal(t, []int{11, 12, 13}, items)
		return err
	}))
}
