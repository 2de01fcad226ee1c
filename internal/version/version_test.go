package version

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFromBuildInfo(t *testing.T) {
	t.Parallel()
	mod := func(path, v string, repl *debug.Module) *debug.Module {
		return &debug.Module{Path: path, Version: v, Replace: repl}
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, Devel},
		{"main module tagged", &debug.BuildInfo{Main: *mod(Module, "v1.2.3", nil)}, true, "v1.2.3"},
		{"main module untagged", &debug.BuildInfo{Main: *mod(Module, "", nil)}, true, Devel},
		{"main module devel", &debug.BuildInfo{Main: *mod(Module, Devel, nil)}, true, Devel},
		{"dependency", &debug.BuildInfo{
			Main: *mod("example.com/game", "v0.1.0", nil),
			Deps: []*debug.Module{mod("golang.org/x/sys", "v0.1.0", nil), mod(Module, "v0.4.0", nil)},
		}, true, "v0.4.0"},
		{"replaced dependency", &debug.BuildInfo{
			Main: *mod("example.com/game", "v0.1.0", nil),
			Deps: []*debug.Module{mod(Module, "v0.4.0", mod("example.com/fork", "v0.4.1", nil))},
		}, true, "v0.4.1"},
		{"replaced by a directory", &debug.BuildInfo{
			Main: *mod("example.com/game", "v0.1.0", nil),
			Deps: []*debug.Module{mod(Module, "v0.4.0", mod("../hearth", "", nil))},
		}, true, "v0.4.0"},
		{"not linked", &debug.BuildInfo{Main: *mod("example.com/game", "v0.1.0", nil)}, true, Devel},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, fromBuildInfo(tt.bi, tt.ok), tt.name)
	}
}

func TestVersionInThisBinary(t *testing.T) {
	t.Parallel()
	bi, ok := debug.ReadBuildInfo()
	require.Equal(t, fromBuildInfo(bi, ok), Version())
	require.NotEmpty(t, Version())
}
