package app

import (
	"fmt"
	"runtime/debug"
)

// Version is passotp's version. cmd/passotp sets it from its `main.version`
// (go build -ldflags "-X main.version=v1.2.3"); when that is empty, the
// module version from the build info is used, then "(devel)".
var Version string

// version returns the bare version string of `passotp version`.
func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// printVersion is `version` (compat §10.6): the bare version on one line.
func (a *App) printVersion() error {
	_, err := fmt.Fprintln(a.Stdout, version())
	return err
}
