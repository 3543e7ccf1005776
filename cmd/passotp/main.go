// passotp runs for a few milliseconds, and a GOMAXPROCS that follows the
// cgroup CPU limit (Go 1.25) buys it nothing. Turning that off (the runtime
// still opens the cgroup files once at start, to count the setting's use,
// but derives nothing from them and starts no updater) saved ~0.2 ms CPU,
// ~5% of `passotp NAME`, in four interleaved runs of 400 (issue 3). GOMAXPROCS
// is the number of CPUs, as before Go 1.25.

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
