// Package version reports the version of the Hearth module linked into the
// running binary, which the services return from GetServiceVersion
// (SEMANTICS: "Service version is the module's version string").
//
// The version comes from the build information the Go toolchain embeds
// (runtime/debug.ReadBuildInfo): the github.com/hearth-go/hearth
// dependency entry when a game server imports Hearth, the main module's
// version when Hearth itself is the main module (its tests and examples).
// A build without that information, or a development build, reports
// [Devel].
package version
