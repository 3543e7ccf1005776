// Command passotp is a drop-in replacement for `pass otp`: see the passotp(1)
// man page, or run `passotp help`.
package main

import (
	"os"

	"github.com/passotp/passotp/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args, os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}
