package namespace_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/store"
)

// TestFieldLimits checks that every rule returns an invalid-argument error
// naming its field and leaves the store byte-for-byte unchanged.
func TestFieldLimits(t *testing.T) {
	t.Parallel()
	long := func(n int, r string) string { return strings.Repeat(r, n) }
	grnOf := func(n int) string { return "grn:gs2:" + long(n-len("grn:gs2:"), "x") }
	type reg = namespace.Registry[settings]
	create := func(in namespace.CreateInput[settings]) func(context.Context, *reg, store.Store) error {
		return func(ctx context.Context, r *reg, _ store.Store) error { _, err := r.Create(ctx, in); return err }
	}
	update := func(in namespace.UpdateInput[settings]) func(context.Context, *reg, store.Store) error {
		return func(ctx context.Context, r *reg, _ store.Store) error { _, err := r.Update(ctx, in); return err }
	}
	list := func(in namespace.ListInput) func(context.Context, *reg, store.Store) error {
		return func(ctx context.Context, r *reg, _ store.Store) error { _, _, err := r.List(ctx, in); return err }
	}
	ls := func(id string) *namespace.LogSetting { return &namespace.LogSetting{LoggingNamespaceID: id} }

	cases := []struct {
		name  string
		call  func(context.Context, *reg, store.Store) error
		field string
	}{
		{"create name empty", create(namespace.CreateInput[settings]{}), "name"},
		{"create name 129", create(namespace.CreateInput[settings]{Name: long(129, "a")}), "name"},
		{"create name slash", create(namespace.CreateInput[settings]{Name: "a/b"}), "name"},
		{"create name space", create(namespace.CreateInput[settings]{Name: "a b"}), "name"},
		{"create name colon", create(namespace.CreateInput[settings]{Name: "a:b"}), "name"},
		{"create name non-ascii", create(namespace.CreateInput[settings]{Name: "é"}), "name"},
		{"create name nul", create(namespace.CreateInput[settings]{Name: "a\x00"}), "name"},
		{"create description 1025 runes", create(namespace.CreateInput[settings]{Name: "n", Description: long(1025, "é")}), "description"},
		{"create logSetting missing id", create(namespace.CreateInput[settings]{Name: "n", LogSetting: ls("")}), "logSetting.loggingNamespaceId"},
		{"create logSetting too long", create(namespace.CreateInput[settings]{Name: "n", LogSetting: ls(grnOf(1025))}), "logSetting.loggingNamespaceId"},
		{"create logSetting bad prefix", create(namespace.CreateInput[settings]{Name: "n", LogSetting: ls("arn:aws:logs")}), "logSetting.loggingNamespaceId"},
		{"create settings hook", create(namespace.CreateInput[settings]{Name: "n", Settings: settings{Mode: "warp"}}), "mode"},

		{"update name empty", update(namespace.UpdateInput[settings]{}), "namespaceName"},
		{"update name 129", update(namespace.UpdateInput[settings]{Name: long(129, "a")}), "namespaceName"},
		{"update name bad char", update(namespace.UpdateInput[settings]{Name: "exist*ing"}), "namespaceName"},
		{"update description 1025 runes", update(namespace.UpdateInput[settings]{Name: "existing", Description: long(1025, "日")}), "description"},
		{"update logSetting missing id", update(namespace.UpdateInput[settings]{Name: "existing", LogSetting: ls("")}), "logSetting.loggingNamespaceId"},
		{"update logSetting too long", update(namespace.UpdateInput[settings]{Name: "existing", LogSetting: ls(grnOf(1025))}), "logSetting.loggingNamespaceId"},
		{"update logSetting bad prefix", update(namespace.UpdateInput[settings]{Name: "existing", LogSetting: ls("grn:gs3:x")}), "logSetting.loggingNamespaceId"},
		{"update settings hook", update(namespace.UpdateInput[settings]{Name: "existing", Settings: settings{Mode: "warp"}}), "mode"},

		{"get name empty", func(ctx context.Context, r *reg, _ store.Store) error { _, err := r.Get(ctx, ""); return err }, "namespaceName"},
		{"get name 129", func(ctx context.Context, r *reg, _ store.Store) error {
			_, err := r.Get(ctx, long(129, "a"))
			return err
		}, "namespaceName"},
		{"status bad char", func(ctx context.Context, r *reg, _ store.Store) error { _, err := r.Status(ctx, "a?"); return err }, "namespaceName"},
		{"delete name empty", func(ctx context.Context, r *reg, _ store.Store) error { _, err := r.Delete(ctx, ""); return err }, "namespaceName"},
		{"delete bad char", func(ctx context.Context, r *reg, _ store.Store) error {
			_, err := r.Delete(ctx, "existing!")
			return err
		}, "namespaceName"},
		{"getTxn bad char", func(ctx context.Context, r *reg, st store.Store) error {
			return st.Update(ctx, func(txn store.Txn) error {
				_, err := r.GetTxn(txn, "bad name")
				return err
			})
		}, "namespaceName"},

		{"list namePrefix 65", list(namespace.ListInput{NamePrefix: long(65, "e")}), "namePrefix"},
		{"list limit 1001", list(namespace.ListInput{Limit: 1001}), "limit"},
		{"list limit -1", list(namespace.ListInput{Limit: -1}), "limit"},
		{"list bad pageToken", list(namespace.ListInput{PageToken: "not a token"}), "pageToken"},
		{"list bad pageToken base64", list(namespace.ListInput{PageToken: "AAAA"}), "pageToken"},
	}

	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		f.create(t, "existing")
		f.create(t, "existing-2")
		before := dump(t, st)
		for _, tc := range cases {
			err := tc.call(ctx, f.reg, st)
			requireFieldError(t, err, tc.field)
			require.Equal(t, before, dump(t, st), tc.name)
		}
	})
}

// TestFieldLimitsInclusive checks that values exactly at each limit pass.
func TestFieldLimitsInclusive(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		name := strings.Repeat("A", 120) + "z09_.-Zq"
		require.Len(t, name, 128)
		logID := "grn:gs2:" + strings.Repeat("l", 1024-len("grn:gs2:"))
		desc := strings.Repeat("語", 1024) // 1,024 characters, 3,072 bytes
		rec, err := f.reg.Create(ctx, namespace.CreateInput[settings]{
			Name: name, Description: desc, LogSetting: &namespace.LogSetting{LoggingNamespaceID: logID},
		})
		require.NoError(t, err)
		require.Equal(t, desc, rec.Description)

		rec, err = f.reg.Update(ctx, namespace.UpdateInput[settings]{Name: name, Description: desc})
		require.NoError(t, err)
		require.Equal(t, int64(1), rec.Revision)

		items, next, err := f.reg.List(ctx, namespace.ListInput{NamePrefix: name[:64], Limit: 1000})
		require.NoError(t, err)
		require.Empty(t, next)
		require.Len(t, items, 1)
		require.Equal(t, name, items[0].Name)
	})
}
