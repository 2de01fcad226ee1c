package namespace_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/grn"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
)

func TestCreateGetStatus(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		in := namespace.CreateInput[settings]{
			Name:        "ns-1",
			Description: "first",
			LogSetting:  &namespace.LogSetting{LoggingNamespaceID: "grn:gs2:local:hearth:log:logs"},
			Settings:    settings{Mode: "slow", Tags: []string{"a", "b"}, Limit: 7},
		}
		rec, err := f.reg.Create(ctx, in)
		require.NoError(t, err)
		want := namespace.Record[settings]{
			NamespaceID: "grn:gs2:local:hearth:lock:ns-1",
			Name:        "ns-1",
			Description: "first",
			LogSetting:  &namespace.LogSetting{LoggingNamespaceID: "grn:gs2:local:hearth:log:logs"},
			Settings:    settings{Mode: "slow", Tags: []string{"a", "b"}, Limit: 7},
			CreatedAt:   ms(0),
			UpdatedAt:   ms(0),
			Revision:    0,
		}
		require.Equal(t, want, rec)

		got, err := f.reg.Get(ctx, "ns-1")
		require.NoError(t, err)
		require.Equal(t, want, got)

		status, err := f.reg.Status(ctx, "ns-1")
		require.NoError(t, err)
		require.Equal(t, namespace.StatusActive, status)
		require.Equal(t, "ACTIVE", status)

		// The record is the only entry, at the documented key.
		entries := dump(t, st)
		require.Len(t, entries, 1)
		require.Equal(t, string(keys.New("lock", "namespace").Str("ns-1")), entries[0].key)
		require.Equal(t, string(f.reg.Key("ns-1")), entries[0].key)
		require.True(t, len(entries[0].key) > len(namespace.Prefix("lock")) &&
			entries[0].key[:len(namespace.Prefix("lock"))] == string(namespace.Prefix("lock")))
	})
}

func TestCreateDoesNotAliasInput(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		ls := &namespace.LogSetting{LoggingNamespaceID: "grn:gs2:local:hearth:log:a"}
		tags := []string{"x"}
		rec, err := f.reg.Create(ctx, namespace.CreateInput[settings]{Name: "n", LogSetting: ls, Settings: settings{Tags: tags}})
		require.NoError(t, err)
		ls.LoggingNamespaceID = "grn:gs2:changed"
		tags[0] = "changed"
		require.Equal(t, "grn:gs2:local:hearth:log:a", rec.LogSetting.LoggingNamespaceID)
		require.Equal(t, []string{"x"}, rec.Settings.Tags)
	})
}

func TestCreateTimestampsHonourOffset(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		f.clk.Add(1500 * time.Millisecond)
		ctx := clock.WithOffset(context.Background(), time.Hour)
		rec, err := f.reg.Create(ctx, namespace.CreateInput[settings]{Name: "future"})
		require.NoError(t, err)
		want := ms(1500 + time.Hour.Milliseconds())
		require.Equal(t, want, rec.CreatedAt)
		require.Equal(t, want, rec.UpdatedAt)
	})
}

func TestAlreadyExists(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		first, err := f.reg.Create(ctx, namespace.CreateInput[settings]{Name: "dup", Description: "original"})
		require.NoError(t, err)
		before := dump(t, st)

		f.clk.Add(time.Minute)
		_, err = f.reg.Create(ctx, namespace.CreateInput[settings]{Name: "dup", Description: "second"})
		require.ErrorIs(t, err, errs.ErrAlreadyExists)
		require.NotErrorIs(t, err, errs.ErrInvalidArgument)
		require.Equal(t, before, dump(t, st))

		got, err := f.reg.Get(ctx, "dup")
		require.NoError(t, err)
		require.Equal(t, first, got)
	})
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		_, err := f.reg.Create(ctx, namespace.CreateInput[settings]{
			Name:        "ns",
			Description: "old",
			LogSetting:  &namespace.LogSetting{LoggingNamespaceID: "grn:gs2:local:hearth:log:x"},
			Settings:    settings{Mode: "slow", Limit: 3},
		})
		require.NoError(t, err)

		f.clk.Add(5 * time.Second)
		rec, err := f.reg.Update(ctx, namespace.UpdateInput[settings]{Name: "ns", Description: "new", Settings: settings{Limit: 9}})
		require.NoError(t, err)
		want := namespace.Record[settings]{
			NamespaceID: "grn:gs2:local:hearth:lock:ns",
			Name:        "ns",
			Description: "new",
			LogSetting:  nil,                              // replaced: an update without one removes it
			Settings:    settings{Mode: "fast", Limit: 9}, // replaced, and defaulted by Validate
			CreatedAt:   ms(0),
			UpdatedAt:   ms(5000),
			Revision:    1,
		}
		require.Equal(t, want, rec)
		got, err := f.reg.Get(ctx, "ns")
		require.NoError(t, err)
		require.Equal(t, want, got)

		// A second update, in the future by an offset.
		f.clk.Add(time.Second)
		octx := clock.WithOffset(ctx, 24*time.Hour)
		rec, err = f.reg.Update(octx, namespace.UpdateInput[settings]{
			Name:       "ns",
			LogSetting: &namespace.LogSetting{LoggingNamespaceID: "grn:gs2:local:hearth:log:y"},
		})
		require.NoError(t, err)
		require.Equal(t, int64(2), rec.Revision)
		require.Equal(t, ms(0), rec.CreatedAt)
		require.Equal(t, ms(6000+(24*time.Hour).Milliseconds()), rec.UpdatedAt)
		require.Equal(t, "", rec.Description)
		require.Equal(t, "grn:gs2:local:hearth:log:y", rec.LogSetting.LoggingNamespaceID)

		for i := range 5 {
			rec, err = f.reg.Update(ctx, namespace.UpdateInput[settings]{Name: "ns"})
			require.NoError(t, err)
			require.Equal(t, int64(3+i), rec.Revision)
		}
	})
}

func TestDelete(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		created, err := f.reg.Create(ctx, namespace.CreateInput[settings]{Name: "gone", Description: "d"})
		require.NoError(t, err)
		f.create(t, "kept")

		deleted, err := f.reg.Delete(ctx, "gone")
		require.NoError(t, err)
		require.Equal(t, created, deleted)

		_, err = f.reg.Get(ctx, "gone")
		require.ErrorIs(t, err, errs.ErrNotFound)
		_, err = f.reg.Get(ctx, "kept")
		require.NoError(t, err)

		// The name is free again, and a new namespace starts afresh.
		f.clk.Add(time.Second)
		again := f.create(t, "gone")
		require.Equal(t, int64(0), again.Revision)
		require.Equal(t, ms(1000), again.CreatedAt)
		require.Equal(t, "", again.Description)
	})
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		f.create(t, "other")
		before := dump(t, st)

		_, err := f.reg.Get(ctx, "missing")
		require.ErrorIs(t, err, errs.ErrNotFound)
		_, err = f.reg.Status(ctx, "missing")
		require.ErrorIs(t, err, errs.ErrNotFound)
		_, err = f.reg.Update(ctx, namespace.UpdateInput[settings]{Name: "missing", Description: "x"})
		require.ErrorIs(t, err, errs.ErrNotFound)
		_, err = f.reg.Delete(ctx, "missing")
		require.ErrorIs(t, err, errs.ErrNotFound)
		err = st.View(ctx, func(txn store.Txn) error {
			_, err := f.reg.GetTxn(txn, "missing")
			return err
		})
		require.ErrorIs(t, err, errs.ErrNotFound)

		require.Equal(t, before, dump(t, st))
	})
}

func TestServicesAreSeparate(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		lock := newFixture(t, st)
		queue := newFixture(t, st, func(c *namespace.Config[settings]) { c.Service = "queue" })
		lock.create(t, "shared")
		_, err := queue.reg.Get(context.Background(), "shared")
		require.ErrorIs(t, err, errs.ErrNotFound)
		rec := queue.create(t, "shared")
		require.Equal(t, "grn:gs2:local:hearth:queue:shared", rec.NamespaceID)
		items, _, err := lock.reg.List(context.Background(), namespace.ListInput{})
		require.NoError(t, err)
		require.Len(t, items, 1)
		require.Equal(t, "grn:gs2:local:hearth:lock:shared", items[0].NamespaceID)
	})
}

func TestGRNFromBuilder(t *testing.T) {
	t.Parallel()
	st := memstore.New(nil)
	defer st.Close()
	reg, err := namespace.New(namespace.Config[settings]{
		Service: "realtime",
		Store:   st,
		Clock:   clock.NewMock(),
		GRN:     grn.Builder{Region: "ap-northeast-1", Owner: "studio"},
	})
	require.NoError(t, err)
	rec, err := reg.Create(context.Background(), namespace.CreateInput[settings]{Name: "rooms"})
	require.NoError(t, err)
	require.Equal(t, "grn:gs2:ap-northeast-1:studio:realtime:rooms", rec.NamespaceID)
	require.Equal(t, rec.NamespaceID, reg.GRN("rooms"))
	require.Equal(t, "realtime", reg.Service())
	// Without a Validate hook the settings are stored as given.
	require.Equal(t, settings{}, rec.Settings)
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	st := memstore.New(nil)
	defer st.Close()
	for name, cfg := range map[string]namespace.Config[settings]{
		"no service":  {Store: st},
		"bad service": {Service: "lo:ck", Store: st},
		"no store":    {Service: "lock"},
		"bad region":  {Service: "lock", Store: st, GRN: grn.Builder{Region: "a:b"}},
	} {
		_, err := namespace.New(cfg)
		require.ErrorIs(t, err, errs.ErrInvalidArgument, name)
	}
	// A nil Clock means the real clock.
	reg, err := namespace.New(namespace.Config[settings]{Service: "lock", Store: st})
	require.NoError(t, err)
	before := time.Now().UnixMilli()
	rec, err := reg.Create(context.Background(), namespace.CreateInput[settings]{Name: "real"})
	require.NoError(t, err)
	require.GreaterOrEqual(t, rec.CreatedAt, before)
	require.LessOrEqual(t, rec.CreatedAt, time.Now().UnixMilli())
}
