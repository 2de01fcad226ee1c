package namespace_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/store"
)

// settings stands for a service's own namespace settings.
type settings struct {
	Mode  string   `json:"mode"`
	Tags  []string `json:"tags,omitempty"`
	Limit int      `json:"limit,omitempty"`
}

// validateSettings defaults Mode to "fast" and accepts "fast" or "slow".
func validateSettings(s *settings) error {
	switch s.Mode {
	case "":
		s.Mode = "fast"
	case "fast", "slow":
	default:
		return errs.Invalid("mode", "must be fast or slow")
	}
	return nil
}

// eachStore runs f, in parallel subtests, against every backend.
var eachStore = teststore.Each

// fixture is a registry of the "lock" service on a store with a mock clock.
type fixture struct {
	st  store.Store
	clk *clock.Mock
	reg *namespace.Registry[settings]
}

func newFixture(t *testing.T, st store.Store, edit ...func(*namespace.Config[settings])) *fixture {
	t.Helper()
	clk := clock.NewMock()
	cfg := namespace.Config[settings]{Service: "lock", Store: st, Clock: clk, Validate: validateSettings}
	for _, e := range edit {
		e(&cfg)
	}
	reg, err := namespace.New(cfg)
	require.NoError(t, err)
	return &fixture{st: st, clk: clk, reg: reg}
}

// create makes namespace name with default inputs, failing the test on error.
func (f *fixture) create(t *testing.T, name string) namespace.Record[settings] {
	t.Helper()
	rec, err := f.reg.Create(context.Background(), namespace.CreateInput[settings]{Name: name})
	require.NoError(t, err)
	return rec
}

// kv is one stored entry.
type kv struct{ key, value string }

// dump returns every key and value of st, in key order.
func dump(t *testing.T, st store.Store) []kv {
	t.Helper()
	var out []kv
	err := st.View(context.Background(), func(txn store.Txn) error {
		return txn.Scan(nil, store.ScanOptions{}, func(k, v []byte) bool {
			out = append(out, kv{string(k), string(v)})
			return true
		})
	})
	require.NoError(t, err)
	return out
}

// put writes raw entries in one transaction.
func put(t *testing.T, st store.Store, entries ...kv) {
	t.Helper()
	err := st.Update(context.Background(), func(txn store.Txn) error {
		for _, e := range entries {
			if err := txn.Set([]byte(e.key), []byte(e.value)); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// requireFieldError asserts that err is an invalid-argument error naming field.
func requireFieldError(t *testing.T, err error, field string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, errs.ErrInvalidArgument)
	fe, ok := errors.AsType[*errs.FieldError](err)
	require.True(t, ok, "not a FieldError: %v", err)
	require.Equal(t, field, fe.Field, "error: %v", err)
}

func ms(d int64) int64 { return clock.Millis(clock.Epoch) + d }
