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
