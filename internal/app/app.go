// Package app owns the passotp user experience: the command line (modes,
// getopt-compatible options, the urfave/cli command tree of record), the
// environment pass-otp users expect, prompts, and the mapping of errors to
// pass's exact words. cmd/passotp is a thin wrapper around [Main].
//
// The libraries (otp, passstore, gpgio) return errors; this package is the
// only place that prints, reads the environment or exits (through the
// status [Main] returns: 0 or 1, nothing else).
package app

// Contract with the write path (engineer W), in this package. The App
// fields W may use (all set by Main before any command runs):
//
//	a.Stdin *os.File, a.Stdout / a.Stderr io.Writer
//	a.Getenv(name) string     // "" = unset or empty; a.Environ the raw list
//	a.ChildEnv() []string     // environment for git/xclip/qrencode children (GIT_* unset, GPG_TTY, GIT_CEILING_DIRECTORIES)
//	a.Now() time.Time
//	a.Store *passstore.Store  // opened with PREFIX, PASSWORD_STORE_KEY, umask, ChildEnv
//	a.Crypto *gpgio.Client    // passstore.Decrypter and Encrypter
//	a.Prefix, a.Prog, a.D, a.G, a.PassMode
//	a.stdinIsTerminal() bool, a.clipTime() string, a.printJSON(name, otp.Code)
//
//	type InsertOptions struct{ Force, Echo, Secret bool; Issuer, Account, Path string }
//	type AppendOptions struct{ Force, Echo, Secret bool; Issuer, Account string }
//	type CodeOptions struct{ Clip, Quiet, Fresh, JSON bool; MinRemaining int }
//
//	func (a *App) runInsert(ctx context.Context, o InsertOptions, names []string) error // names as given (0, 1 or more)
//	func (a *App) runAppend(ctx context.Context, o AppendOptions, name string) error   // one trailing / already stripped
//	func (a *App) runHOTP(ctx context.Context, name string, o CodeOptions) error       // after code found a hotp URI (and, with -c, clipboardUsable passed); W locks, decrypts again, prints code / JSON / clip message
//	func (a *App) copyToClipboard(ctx context.Context, value string) error            // caller prints "Copied ..."
//	func (a *App) clipboardUsable() error
//	func (a *App) showQR(ctx context.Context, name, uri string) error
//
// Errors: return them; Main prints userMessage(err) (messages.go) on
// stderr and exits 1. Available: errSilent (exit 1, no message: "no" at a
// [y/N] prompt, end of input), &lockedError{name} (store lock timeout),
// &notFoundError{name, short}, &decryptError{err, name}, and any error with
// a `Message() string` method prints that text verbatim (otp.URIError
// does). passstore.ErrNoGPGID prints pass's init hint and usage;
// passstore.ErrSneaky the sneaky-path line.

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/passotp/passotp/gpgio"
	"github.com/passotp/passotp/passstore"
)

// App is one passotp invocation: its streams, environment, clock and the
// store it works on. [Main] fills every field.
type App struct {
	Stdin   *os.File
	Stdout  io.Writer
	Stderr  io.Writer
	Environ []string            // the environment Main was given (forward uses it unchanged)
	Getenv  func(string) string // "" means unset or empty (bash ${VAR:-})
	Now     func() time.Time

	Store  *passstore.Store // PREFIX, recipients, umask, git environment
	Crypto Crypto           // gpgio.Client, or ageio.Client for age stores (stores.go)

	Prefix   string // PREFIX verbatim
	Prog     string // basename of argv[0]
	D, G     string // usage prefix and option-error prefix (compat §3)
	PassMode bool   // invoked as `<prog> otp ...`

	env      map[string]string
	sleep    func(context.Context, time.Duration) error // nil: really wait (fresh.go)
	childEnv []string                                   // cached result of [App.ChildEnv]
	umask    int                                        // PASSWORD_STORE_UMASK as applied by setup; -1: inherited
	ttyName  *string                                    // cached result of [App.stdinTTY]
	stores   storeSet                                   // gopass mounts and passage (stores.go)
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
	// Issue 7: fresh codes.
	Fresh        bool // --fresh or PASSOTP_FRESH=1
	JSON         bool
	MinRemaining int // seconds; 0 means no minimum
}

// TestOnlyNow, set only by tests (in TestMain), makes [Main] honour
// PASSOTP_TEST_NOW=UNIX_SECONDS as the clock. Users have the hidden
// `code --at UNIX_SECONDS` flag instead.
var TestOnlyNow bool

// gitVars are unset for every git child, as pass does before running an
// extension (compat §1).
var gitVars = []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_NAMESPACE", "GIT_INDEX_FILE",
	"GIT_INDEX_VERSION", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"}

// Main runs passotp with the given argv, streams and environment and
// returns the exit status: 0 on success, 1 on any failure (compat §0).
func Main(args []string, stdin *os.File, stdout, stderr io.Writer, environ []string) int {
	a := &App{Stdin: stdin, Stdout: stdout, Stderr: stderr, Environ: environ, Now: time.Now}
	a.env = make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			a.env[k] = v
		}
	}
	a.Getenv = func(k string) string { return a.env[k] }

	argv0 := "passotp"
	var rest []string
	if len(args) > 0 {
		argv0, rest = args[0], args[1:]
	}
	a.Prog = filepath.Base(argv0)
	switch {
	case a.Prog == "passotp":
		a.D, a.G = a.Prog, a.Prog
	case len(rest) > 0 && rest[0] == "otp":
		a.PassMode = true
		a.D, a.G = a.Prog+" otp", a.Prog
		rest = rest[1:]
	case a.Prog == "pass":
		return a.report(a.forward(args))
	default:
		a.D, a.G = a.Prog, a.Prog
	}
	if TestOnlyNow {
		if v := a.Getenv("PASSOTP_TEST_NOW"); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				a.fixClock(time.Unix(n, 0))
			}
		}
	}
	if err := a.setup(); err != nil {
		return a.report(err)
	}
	defer a.Crypto.Close()
	// The store kind is chosen when a command starts (stores.go), after
	// its --store option is parsed.
	defer a.closeStores()
	return a.report(a.run(context.Background(), rest))
}

// setup applies the environment of compat §2: PREFIX, the umask, and the
// gpg client options.
func (a *App) setup() error {
	a.Prefix = a.Getenv("PASSWORD_STORE_DIR")
	if a.Prefix == "" {
		a.Prefix = a.Getenv("HOME") + "/.password-store"
	}
	umask := 0o077
	if v := a.Getenv("PASSWORD_STORE_UMASK"); v != "" {
		if n, err := strconv.ParseUint(v, 8, 32); err == nil && n <= 0o777 {
			umask = int(n)
		} else {
			umask = -1 // bash's umask refuses it: keep the inherited one
		}
	}
	if umask >= 0 {
		syscall.Umask(umask)
	}
	a.umask = umask
	gpgArgs := strings.Fields(a.Getenv("PASSWORD_STORE_GPG_OPTS"))
	mode, err := gpgio.ParseMode(a.Getenv("PASSOTP_GPG"))
	if err != nil {
		return &envError{name: "PASSOTP_GPG", value: a.Getenv("PASSOTP_GPG"), want: "native, gpg or auto"}
	}
	if len(gpgArgs) > 0 {
		mode = gpgio.GPGOnly
	}
	gc, err := gpgio.Open(gpgio.Options{
		Env:     a.ChildEnv(),
		GPGArgs: gpgArgs,
		Mode:    mode,
		TTY:     a.tty(),
		Now:     a.Now,
	})
	if err != nil {
		return err
	}
	a.Crypto = gc
	a.Store = passstore.Open(passstore.Options{
		Dir:   a.Prefix,
		Keys:  strings.Fields(a.Getenv("PASSWORD_STORE_KEY")),
		Umask: umask,
		Env:   a.ChildEnv(),
		Now:   a.Now,
		// pass's verify_file for PASSWORD_STORE_SIGNING_KEY (signing.go)
		CheckRecipientsFile: a.verifyRecipientsFile,
		// signed commits made natively (commitsign.go)
		Signer: commitSigner(gc, mode),
	})
	return nil
}

// ChildEnv returns the environment for children (gpg, git, clipboard
// tools), prepared as pass prepares it before running an extension
// (compat §1): the GIT_* repository variables removed,
// GIT_CEILING_DIRECTORIES=PREFIX/.., and GPG_TTY set to $GPG_TTY, the
// terminal on stdin, or the literal "not a tty".
func (a *App) ChildEnv() []string {
	if a.childEnv != nil {
		return a.childEnv
	}
	env := make([]string, 0, len(a.Environ)+2)
	for _, kv := range a.Environ {
		k, _, _ := strings.Cut(kv, "=")
		drop := k == "GIT_CEILING_DIRECTORIES" || k == "GPG_TTY"
		for _, g := range gitVars {
			drop = drop || k == g
		}
		if !drop {
			env = append(env, kv)
		}
	}
	gpgTTY := a.Getenv("GPG_TTY")
	if gpgTTY == "" {
		gpgTTY = a.stdinTTY()
		if gpgTTY == "" {
			gpgTTY = "not a tty"
		}
	}
	env = append(env, "GIT_CEILING_DIRECTORIES="+a.Prefix+"/..", "GPG_TTY="+gpgTTY)
	a.childEnv = env
	return env
}

// tty returns the terminal pinentry may use (gpgio.md §8.3): GPG_TTY if it
// names a real terminal, else the terminal on stdin, else "".
func (a *App) tty() string {
	if t := a.Getenv("GPG_TTY"); t != "" && isCharDevice(t) {
		return t
	}
	return a.stdinTTY()
}

// stdinTTY returns the name of the terminal on stdin, or "" (looked up
// once: setup needs it for gpgio and for the children's GPG_TTY).
func (a *App) stdinTTY() string {
	if a.ttyName == nil {
		name := ""
		// Linux names the terminal in /proc; elsewhere (no cgo ttyname) only
		// GPG_TTY can name it, and pinentry gets no tty rather than a wrong one.
		if a.Stdin != nil && term.IsTerminal(int(a.Stdin.Fd())) {
			if n, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(a.Stdin.Fd()))); err == nil && strings.HasPrefix(n, "/dev/") {
				name = n
			}
		}
		a.ttyName = &name
	}
	return *a.ttyName
}

// stdinIsTerminal reports whether stdin is a terminal (prompts, [y/N]).
func (a *App) stdinIsTerminal() bool {
	return a.Stdin != nil && term.IsTerminal(int(a.Stdin.Fd()))
}

func isCharDevice(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// clipTime is PASSWORD_STORE_CLIP_TIME verbatim, 45 by default.
func (a *App) clipTime() string {
	if v := a.Getenv("PASSWORD_STORE_CLIP_TIME"); v != "" {
		return v
	}
	return "45"
}

// passProg is the PROG of pass's own texts (the init hint, pass's usage):
// argv[0] in pass mode, `pass` in direct mode (compat §5.3).
func (a *App) passProg() string {
	if a.PassMode {
		return a.Prog
	}
	return "pass"
}
