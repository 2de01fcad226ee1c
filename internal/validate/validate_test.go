package validate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/validate"
)

// rule is one call of a rule and what it must return: wantRule "" means nil.
type rule struct {
	name     string
	err      error
	wantRule string
}

// check asserts each case: nil, or a *errs.FieldError for "f" with the rule,
// matching errs.ErrInvalidArgument.
func check(t *testing.T, cases []rule) {
	t.Helper()
	for _, c := range cases {
		if c.wantRule == "" {
			require.NoError(t, c.err, c.name)
			continue
		}
		require.ErrorIs(t, c.err, errs.ErrInvalidArgument, c.name)
		var fe *errs.FieldError
		require.True(t, errors.As(c.err, &fe), c.name)
		require.Equal(t, "f", fe.Field, c.name)
		require.Equal(t, c.wantRule, fe.Rule, c.name)
		require.Equal(t, "f: "+c.wantRule, c.err.Error(), c.name)
	}
}

func TestRequired(t *testing.T) {
	t.Parallel()
	check(t, []rule{
		{"empty", validate.Required("f", ""), "required"},
		{"space", validate.Required("f", " "), ""},
		{"value", validate.Required("f", "x"), ""},
	})
}

func TestMaxLen(t *testing.T) {
	t.Parallel()
	const long = "longer than 256 characters"
	check(t, []rule{
		{"empty", validate.MaxLen("f", "", 256), ""},
		{"256 ascii", validate.MaxLen("f", strings.Repeat("a", 256), 256), ""},
		{"257 ascii", validate.MaxLen("f", strings.Repeat("a", 257), 256), long},
		{"256 é (512 bytes)", validate.MaxLen("f", strings.Repeat("é", 256), 256), ""},
		{"257 é", validate.MaxLen("f", strings.Repeat("é", 257), 256), long},
		{"256 emoji (1024 bytes)", validate.MaxLen("f", strings.Repeat("🔒", 256), 256), ""},
		{"257 emoji", validate.MaxLen("f", strings.Repeat("🔒", 257), 256), long},
		{"invalid utf-8 counts per byte", validate.MaxLen("f", strings.Repeat("\xff", 257), 256), long},
		{"max 0", validate.MaxLen("f", "a", 0), "longer than 0 characters"},
	})
}

func TestRequiredMaxLen(t *testing.T) {
	t.Parallel()
	check(t, []rule{
		{"empty", validate.RequiredMaxLen("f", "", 3), "required"},
		{"ok", validate.RequiredMaxLen("f", "日本語", 3), ""},
		{"long", validate.RequiredMaxLen("f", "日本語!", 3), "longer than 3 characters"},
	})
}

func TestRange(t *testing.T) {
	t.Parallel()
	const rng = "must be between 1 and 1000"
	check(t, []rule{
		{"below", validate.Range("f", 0, 1, 1000), rng},
		{"lo", validate.Range("f", 1, 1, 1000), ""},
		{"hi", validate.Range("f", 1000, 1, 1000), ""},
		{"above", validate.Range("f", 1001, 1, 1000), rng},
		{"int32", validate.Range[int32]("f", -1, 1, 1000), rng},
		{"int64 extreme", validate.Range[int64]("f", 1<<62, 0, 100), "must be between 0 and 100"},
		{"negative bounds", validate.Range("f", -5, -10, -1), ""},
	})
}

func TestMin(t *testing.T) {
	t.Parallel()
	check(t, []rule{
		{"below", validate.Min("f", 0, 1), "must be at least 1"},
		{"at", validate.Min("f", 1, 1), ""},
		{"above", validate.Min[int64]("f", 1<<40, 1), ""},
		{"negative", validate.Min[int32]("f", -1, 0), "must be at least 0"},
	})
}

func TestOneOf(t *testing.T) {
	t.Parallel()
	const want = "must be one of Enabled, Disabled"
	check(t, []rule{
		{"first", validate.OneOf("f", "Enabled", "Enabled", "Disabled"), ""},
		{"second", validate.OneOf("f", "Disabled", "Enabled", "Disabled"), ""},
		{"case matters", validate.OneOf("f", "enabled", "Enabled", "Disabled"), want},
		{"empty", validate.OneOf("f", "", "Enabled", "Disabled"), want},
		{"empty allowed", validate.OneOf("f", "", "", "x"), ""},
	})
}

func TestName(t *testing.T) {
	t.Parallel()
	const chars = "must contain only letters, digits, '-', '_' and '.'"
	check(t, []rule{
		{"empty", validate.Name("f", ""), "required"},
		{"all classes", validate.Name("f", "Az09-_."), ""},
		{"128", validate.Name("f", strings.Repeat("n", 128)), ""},
		{"129", validate.Name("f", strings.Repeat("n", 129)), "longer than 128 characters"},
		{"space", validate.Name("f", "a b"), chars},
		{"colon", validate.Name("f", "a:b"), chars},
		{"slash", validate.Name("f", "a/b"), chars},
		{"zero byte", validate.Name("f", "a\x00"), chars},
		{"non-ascii letter", validate.Name("f", "é"), chars},
	})
}

func TestGRN(t *testing.T) {
	t.Parallel()
	check(t, []rule{
		{"empty is optional", validate.GRN("f", "", 1024), ""},
		{"valid", validate.GRN("f", "grn:gs2:local:hearth:gateway:default", 1024), ""},
		{"bare prefix", validate.GRN("f", "grn:gs2:", 1024), ""},
		{"wrong prefix", validate.GRN("f", "grn:aws:x", 1024), `must start with "grn:gs2:"`},
		{"not a grn", validate.GRN("f", "default", 1024), `must start with "grn:gs2:"`},
		{"too long", validate.GRN("f", "grn:gs2:"+strings.Repeat("é", 10), 17), "longer than 17 characters"},
		{"at max in characters", validate.GRN("f", "grn:gs2:"+strings.Repeat("é", 10), 18), ""},
	})
}

func TestMaxItems(t *testing.T) {
	t.Parallel()
	check(t, []rule{
		{"none", validate.MaxItems("f", 0, 10), ""},
		{"at", validate.MaxItems("f", 10, 10), ""},
		{"over", validate.MaxItems("f", 11, 10), "more than 10 items"},
	})
}

func TestFirst(t *testing.T) {
	t.Parallel()
	a, b := errs.Invalid("a", "x"), errs.Invalid("b", "y")
	require.NoError(t, validate.First())
	require.NoError(t, validate.First(nil, nil))
	require.Same(t, a, validate.First(nil, a, b))
	require.Same(t, b, validate.First(b, a))
}
