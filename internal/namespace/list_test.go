package namespace_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/store"
)

// listAll pages through a listing and returns the names in order, failing
// if a page is larger than limit or a non-last page is empty.
func listAll(t *testing.T, reg *namespace.Registry[settings], prefix string, limit int) []string {
	t.Helper()
	var names []string
	token := ""
	for range 1000 {
		items, next, err := reg.List(context.Background(), namespace.ListInput{NamePrefix: prefix, PageToken: token, Limit: limit})
		require.NoError(t, err)
		require.LessOrEqual(t, len(items), limit)
		for _, it := range items {
			names = append(names, it.Name)
		}
		if next == "" {
			return names
		}
		require.NotEmpty(t, items, "a page with a next token must not be empty")
		token = next
	}
	t.Fatal("listing did not end")
	return nil
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		var want, all []string
		// Created out of order; listings are by name.
		for i := range 50 {
			n := fmt.Sprintf("ns-%02d", (i*7)%50)
			f.create(t, n)
			want = append(want, n)
		}
		for _, n := range []string{"ns", "nt-0", "n", "other-1", "other-2", "NS-00", "ns_x"} {
			f.create(t, n)
		}
		slices.Sort(want)
		all = append(append(all, want...), "ns", "nt-0", "n", "other-1", "other-2", "NS-00", "ns_x")
		slices.Sort(all)

		for _, limit := range []int{1, 7, 10, 49, 50, 51} {
			require.Equal(t, want, listAll(t, f.reg, "ns-", limit), "limit %d", limit)
		}
		require.Equal(t, all, listAll(t, f.reg, "", 8))
		require.Equal(t, []string{"ns-10", "ns-11", "ns-12", "ns-13", "ns-14", "ns-15", "ns-16", "ns-17", "ns-18", "ns-19"},
			listAll(t, f.reg, "ns-1", 3))
		require.Empty(t, listAll(t, f.reg, "zzz", 5))

		// Limit 0 means 30.
		items, next, err := f.reg.List(ctx, namespace.ListInput{NamePrefix: "ns-"})
		require.NoError(t, err)
		require.Len(t, items, 30)
		require.NotEmpty(t, next)
		rest, next2, err := f.reg.List(ctx, namespace.ListInput{NamePrefix: "ns-", PageToken: next})
		require.NoError(t, err)
		require.Len(t, rest, 20)
		require.Empty(t, next2)
		require.Equal(t, "ns-30", rest[0].Name)
		require.Equal(t, "grn:gs2:local:hearth:lock:ns-30", rest[0].NamespaceID)

		// Limit 1000 takes everything in one page.
		items, next, err = f.reg.List(ctx, namespace.ListInput{Limit: 1000})
		require.NoError(t, err)
		require.Len(t, items, len(all))
		require.Empty(t, next)
	})
}

func TestListTokenSurvivesChanges(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		for _, n := range []string{"a", "b", "c", "d", "e"} {
			f.create(t, n)
		}
		items, next, err := f.reg.List(ctx, namespace.ListInput{Limit: 2})
		require.NoError(t, err)
		require.Equal(t, "b", items[1].Name)
		// The token resumes at the next record, "c". Deleting it and adding
		// a name after it: the listing continues where it was, without
		// repeating or losing a name that was there throughout.
		_, err = f.reg.Delete(ctx, "c")
		require.NoError(t, err)
		f.create(t, "cc")
		items, _, err = f.reg.List(ctx, namespace.ListInput{Limit: 10, PageToken: next})
		require.NoError(t, err)
		var names []string
		for _, it := range items {
			names = append(names, it.Name)
		}
		require.Equal(t, []string{"cc", "d", "e"}, names)
	})
}

func TestListTokenBoundToPrefix(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		for _, n := range []string{"a1", "a2", "a3", "b1"} {
			f.create(t, n)
		}
		_, next, err := f.reg.List(context.Background(), namespace.ListInput{NamePrefix: "a", Limit: 1})
		require.NoError(t, err)
		require.NotEmpty(t, next)
		_, _, err = f.reg.List(context.Background(), namespace.ListInput{NamePrefix: "b", PageToken: next})
		requireFieldError(t, err, "pageToken")
		require.ErrorIs(t, err, errs.ErrInvalidArgument)
	})
}
