package version

import "runtime/debug"

// Module is Hearth's module path.
const Module = "github.com/hearth-go/hearth"

// Devel is the version of a build whose version is unknown, as the Go
// toolchain spells it.
const Devel = "(devel)"

// Version returns the version of the Hearth module in this binary, e.g.
// "v1.2.3", or Devel.
func Version() string {
	return fromBuildInfo(debug.ReadBuildInfo())
}

// fromBuildInfo picks Hearth's version out of bi.
func fromBuildInfo(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return Devel
	}
	if bi.Main.Path == Module {
		return orDevel(bi.Main.Version)
	}
	for _, dep := range bi.Deps {
		if dep.Path != Module {
			continue
		}
		if dep.Replace != nil && dep.Replace.Version != "" {
			return dep.Replace.Version
		}
		return orDevel(dep.Version)
	}
	return Devel
}

func orDevel(v string) string {
	if v == "" {
		return Devel
	}
	return v
}
