package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

const module = "github.com/hearth-go/hearth"

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// imports maps each Go file of the module (path relative to the module
// root) to the import paths it names.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "the module root must be two levels up")

	out := map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out[filepath.ToSlash(rel)] = append(out[filepath.ToSlash(rel)], p)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

var services = []string{"lock", "jobqueue", "gateway", "realtime"}

// topDir returns the first path element of a module-relative file path.
func topDir(rel string) string {
	dir, _, _ := strings.Cut(rel, "/")
	return dir
}

func TestOnlyClockImportsBenbjohnsonClock(t *testing.T) {
	for file, imps := range imports(t) {
		for _, p := range imps {
			if p == "github.com/benbjohnson/clock" {
				require.Equal(t, "clock", topDir(file), "%s imports %s", file, p)
			}
		}
	}
}

func TestFoundationImportsNoService(t *testing.T) {
	for file, imps := range imports(t) {
		if d := topDir(file); d != "store" && d != "internal" && d != "clock" {
			continue
		}
		for _, p := range imps {
			for _, svc := range append(services, "examples") {
				require.False(t, p == module+"/"+svc || strings.HasPrefix(p, module+"/"+svc+"/"),
					"%s (foundation) imports the service package %s", file, p)
			}
		}
	}
}

func TestServicesImportNoOtherServiceButGatewaysModel(t *testing.T) {
	for file, imps := range imports(t) {
		own := topDir(file)
		for _, p := range imps {
			for _, svc := range services {
				if svc == own || !(p == module+"/"+svc || strings.HasPrefix(p, module+"/"+svc+"/")) {
					continue
				}
				if !slices.Contains(services, own) {
					continue // examples wire everything together
				}
				if p == module+"/gateway" {
					continue
				}
				// A test may import the gateway's token verifier to prove
				// that it satisfies the consumer's Verifier interface.
				if strings.HasSuffix(file, "_test.go") && p == module+"/gateway/token" {
					continue
				}
				t.Errorf("%s imports %s: services talk through consumer-side interfaces; only gateway's model package may be shared", file, p)
			}
		}
	}
}
