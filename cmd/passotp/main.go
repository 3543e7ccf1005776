// passotp runs for a few milliseconds: sizing GOMAXPROCS from the cgroup
// CPU limit (reading /proc/self/cgroup, /proc/self/mountinfo and the
// limit files at start, re-checked by sysmon) costs ~0.2 ms of CPU, 5% of
// `passotp NAME` (scripts/bench.sh, issue 3), and buys nothing here.
// GOMAXPROCS is the number of CPUs, as before Go 1.25.

//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0

// Command passotp is a drop-in replacement for `pass otp`: see the passotp(1)
// man page, or run `passotp help`.
package main

import (
	"os"

	"github.com/passotp/passotp/internal/app"
)

// version is set at link time: -ldflags "-X main.version=$(git describe --tags)".
var version string

func main() {
	app.Version = version
	os.Exit(app.Main(os.Args, os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}
