package grn_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/grn"
)

// TestFormats pins each GRN format of SEMANTICS.md ("IDs").
func TestFormats(t *testing.T) {
	t.Parallel()
	b := grn.Builder{Region: "ap-northeast-1", Owner: "owner-1"}
	const p = "grn:gs2:ap-northeast-1:owner-1:"
	tests := []struct{ name, got, want string }{
		{"namespace", b.Namespace("lock", "ns"), p + "lock:ns"},
		{"namespace via Make", b.Make("queue", "ns"), p + "queue:ns"},
		{"lock mutex", b.Make("lock", "ns", "user", "u1", "property", "p1"), p + "lock:ns:user:u1:property:p1"},
		{"queue job", b.Make("queue", "ns", "user", "u1", "job", "j1"), p + "queue:ns:user:u1:job:j1"},
		{"job result", b.Make("queue", "ns", "user", "u1", "job", "j1", "jobResult", "0"), p + "queue:ns:user:u1:job:j1:jobResult:0"},
		{"dead letter", b.Make("queue", "ns", "user", "u1", "dead", "j1"), p + "queue:ns:user:u1:dead:j1"},
		{"gateway session", b.Make("gateway", "ns", "user", "u1", "session", "c1"), p + "gateway:ns:user:u1:session:c1"},
		{"firebase token", b.Make("gateway", "ns", "user", "u1", "firebase", "token"), p + "gateway:ns:user:u1:firebase:token"},
		{"realtime room", b.Make("realtime", "ns", "room", "r1"), p + "realtime:ns:room:r1"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.got, tt.name)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	const want = "grn:gs2:local:hearth:realtime:ns:room:r"
	require.Equal(t, want, grn.Builder{}.Make("realtime", "ns", "room", "r"))
	require.Equal(t, "grn:gs2:eu:hearth:lock:ns", grn.Builder{Region: "eu"}.Namespace("lock", "ns"))
	require.Equal(t, "grn:gs2:local:me:lock:ns", grn.Builder{Owner: "me"}.Namespace("lock", "ns"))
	require.Equal(t, grn.Builder{Region: "local", Owner: "hearth"}, grn.Builder{}.WithDefaults())
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, b := range []grn.Builder{{}, {Region: "ap-northeast-1", Owner: "1234"}} {
		require.NoError(t, b.Validate())
	}
	tests := []struct {
		b     grn.Builder
		field string
	}{
		{grn.Builder{Region: "a:b"}, "region"},
		{grn.Builder{Region: "a b"}, "region"},
		{grn.Builder{Region: "\t"}, "region"},
		{grn.Builder{Owner: "o:"}, "owner"},
		{grn.Builder{Owner: "o\n"}, "owner"},
		{grn.Builder{Owner: "o\u00a0"}, "owner"}, // non-breaking space
	}
	for _, tt := range tests {
		err := tt.b.Validate()
		require.ErrorIs(t, err, errs.ErrInvalidArgument, "%+v", tt.b)
		var fe *errs.FieldError
		require.True(t, errors.As(err, &fe))
		require.Equal(t, tt.field, fe.Field)
	}
}

func TestParseNamespaceRoundTrip(t *testing.T) {
	t.Parallel()
	for _, b := range []grn.Builder{{}, {Region: "ap-northeast-1", Owner: "owner-1"}} {
		for _, svc := range []string{"lock", "queue", "gateway", "realtime"} {
			service, ns, got, err := grn.ParseNamespace(b.Namespace(svc, "game.ns-1"))
			require.NoError(t, err)
			require.Equal(t, svc, service)
			require.Equal(t, "game.ns-1", ns)
			require.Equal(t, b.WithDefaults(), got)
			require.Equal(t, b.Namespace(svc, "game.ns-1"), got.Namespace(service, ns))
		}
	}
}

func TestParseNamespaceRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"",
		"default",
		"grn:gs2:",
		"grn:gs2:local:hearth:gateway",
		"grn:gs2:local:hearth:gateway:default:extra",
		"grn:gs2:local:hearth:lock:ns:user:u:property:p",
		"grn:gs2::hearth:gateway:default",
		"grn:gs2:local::gateway:default",
		"grn:gs2:local:hearth::default",
		"grn:gs2:local:hearth:gateway:",
		"grn:aws:local:hearth:gateway:default",
		"GRN:gs2:local:hearth:gateway:default",
		" grn:gs2:local:hearth:gateway:default",
		"grn:gs2:local:hearth:gateway:def ault",
		"grn:gs2:lo cal:hearth:gateway:default",
	} {
		_, _, _, err := grn.ParseNamespace(s)
		require.ErrorIs(t, err, errs.ErrInvalidArgument, "%q", s)
		var fe *errs.FieldError
		require.True(t, errors.As(err, &fe))
		require.Equal(t, "grn", fe.Field)
	}
}
