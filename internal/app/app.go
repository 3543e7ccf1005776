// Package app owns the passotp user experience: the command line (modes,
// getopt-compatible options, the urfave/cli command tree of record), the
// environment pass-otp users expect, prompts, and the mapping of errors to
// pass's exact words. cmd/passotp is a thin wrapper around [Main].
//
// The libraries (otp, passstore, gpgio) return errors; this package is the
// only place that prints, reads the environment or exits (through the
// status [Main] returns: 0 or 1, nothing else).
package app

// Contract with the write path (engineer W), in this package:
//
//	type App struct {
//		Stdin   *os.File          // the process stdin (terminal checks, reads)
//		Stdout  io.Writer         // results only
//		Stderr  io.Writer         // prompts, messages, errors
//		Environ []string          // the environment as passed to Main, for children (gpg, git, xclip): see childEnv
//		Getenv  func(string) string // lookup; "" means unset or empty (bash ${VAR:-})
//		Now     func() time.Time  // the clock (tests fix it)
//		Store   *passstore.Store  // the store at PREFIX
//		Crypto  *gpgio.Client     // satisfies passstore.Decrypter and Encrypter
//		Prefix  string            // PREFIX, verbatim (PASSWORD_STORE_DIR or $HOME/.password-store)
//		Prog    string            // basename of argv[0]
//		D, G    string            // usage prefix and option-error prefix (compat §3)
//		PassMode bool             // invoked as `<prog> otp ...`
//	}
//	type InsertOptions struct{ Force, Echo, Secret bool; Issuer, Account, Path string }
//	type AppendOptions struct{ Force, Echo, Secret bool; Issuer, Account string }
//	type CodeOptions struct{ Clip, Quiet, Fresh, JSON bool; MinRemaining int; At *time.Time }
//
//	func (a *App) runInsert(ctx context.Context, o InsertOptions, names []string) error
//	func (a *App) runAppend(ctx context.Context, o AppendOptions, name string) error
//	func (a *App) runHOTP(ctx context.Context, name string, o CodeOptions) error
//	func (a *App) copyToClipboard(ctx context.Context, value string) error
//	func (a *App) clipboardUsable() error
//	func (a *App) showQR(ctx context.Context, name, uri string) error
//
// Errors: return them; Main prints userMessage(err) (messages.go) on stderr
// and exits 1. An error that must print nothing (a "no" answer at a [y/N]
// prompt, end of input) is errSilent. Usage errors are *usageError.
// Names given by the user are passed with the trailing slash already
// stripped for insert/append (compat §7).

import (
	"io"
	"os"
	"time"
)

// App is one passotp invocation: its streams, environment, clock and the
// store it works on.
type App struct {
	Stdin   *os.File
	Stdout  io.Writer
	Stderr  io.Writer
	Environ []string
	Getenv  func(string) string
	Now     func() time.Time

	Prefix   string
	Prog     string
	D, G     string
	PassMode bool
}

// InsertOptions are the options of insert/add (compat §4.2).
type InsertOptions struct {
	Force, Echo, Secret   bool
	Issuer, Account, Path string // "" means not given
}

// AppendOptions are the options of append; Force is accepted and has no
// effect (compat §4.2).
type AppendOptions struct {
	Force, Echo, Secret bool
	Issuer, Account     string
}

// CodeOptions are the options of code/show.
type CodeOptions struct {
	Clip  bool
	Quiet bool // accepted, no effect (compat §11.2)
	// Issue 7.
	Fresh        bool
	JSON         bool
	MinRemaining int
}

// Main runs passotp with the given argv, streams and environment and
// returns the exit status (0 or 1).
func Main(args []string, stdin *os.File, stdout, stderr io.Writer, environ []string) int {
	return 1
}
