package app

import (
	"context"
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/passotp/passotp/passstore"
)

// completionFlag is urfave/cli's request for completions; the shell adds
// it as the last word.
const completionFlag = "--generate-bash-completion"

// run dispatches args (the arguments after argv[0], or after `otp` in pass
// mode) as pass-otp does (compat §4.1), normalises the options like getopt
// (args.go), checks the operand count, and runs the command tree.
func (a *App) run(ctx context.Context, args []string) error {
	if len(args) == 1 && plainName(args[0]) && !testOnlySlowPath {
		// `passotp NAME`, the hot path (issue 3): getopt and the tree
		// would only turn it into `code -- NAME` with no flag set, and
		// building and running the urfave App cost 0.1-0.4 ms CPU of a
		// ~4 ms run (interleaved runs of scripts/bench.sh's setup).
		return a.code(ctx, noFlags{}, args[0])
	}
	app := a.newCLI()
	app.Writer, app.ErrWriter, app.Reader = a.Stdout, a.Stderr, a.Stdin
	app.HelpName = a.D
	if len(args) > 0 && args[len(args)-1] == completionFlag {
		return app.RunContext(ctx, append([]string{a.D}, args...))
	}

	name, rest := cmdCode, args
	if len(args) > 0 {
		switch args[0] {
		case "help", "--help", "-h":
			name, rest = cmdHelp, nil
		case "version", "--version":
			name, rest = cmdVersion, nil
		case "insert", "add":
			name, rest = cmdInsert, args[1:]
		case "append", "uri", "validate", "ls":
			name, rest = args[0], args[1:]
		case "code", "show":
			name, rest = cmdCode, args[1:]
		}
	}
	var argv []string
	switch name {
	case cmdHelp, cmdVersion:
		argv = []string{a.D, name}
	case cmdValidate:
		// No option parsing: the first argument is the URI, missing
		// means the empty string, the rest is ignored.
		uri := ""
		if len(rest) > 0 {
			uri = rest[0]
		}
		argv = []string{a.D, name, uri}
	default:
		cmd := findCommand(app, name)
		_, posixly := a.env["POSIXLY_CORRECT"] // getopt: set, even empty
		r := getopt(rest, specs(cmd), posixly)
		n := len(r.operands)
		if name == cmdCode && n == 0 && len(r.errs) == 0 {
			if v := a.Getenv("PASS_OATH_CREDENTIAL_NAME"); v != "" {
				r.operands, n = []string{v}, 1
			}
		}
		badCount := n != 1
		switch name {
		case cmdInsert:
			badCount = false
		case cmdLs:
			badCount = n > 1
		}
		if len(r.errs) > 0 || badCount {
			return &usageError{errs: r.errs, prog: a.G, usage: a.usageLine(name)}
		}
		argv = append([]string{a.D, name}, r.canonical()...)
	}
	return app.RunContext(ctx, argv)
}

// plainName reports whether arg, as the only argument, is an entry name
// for the code command: not empty, no option (getopt would take a leading
// '-', urfave the completion flag) and none of the words run dispatches on.
func plainName(arg string) bool {
	if arg == "" || arg[0] == '-' {
		return false
	}
	switch arg {
	case "help", "version", "insert", "add", "append", "uri", "validate", "ls", "code", "show":
		return false
	}
	return true
}

// testOnlySlowPath, set only by tests, turns the fast path off.
var testOnlySlowPath bool

// noFlags is the fast path's flag set: nothing given on the command line.
type noFlags struct{}

func (noFlags) Bool(string) bool     { return false }
func (noFlags) String(string) string { return "" }
func (noFlags) IsSet(string) bool    { return false }

// findCommand returns the command of the tree with that name.
func findCommand(app *cli.App, name string) *cli.Command {
	for _, c := range app.Commands {
		if c.Name == name {
			return c
		}
	}
	panic("app: no command " + name)
}

// usageLine returns the usage line of a command (compat §4.4).
func (a *App) usageLine(name string) string {
	switch name {
	case cmdInsert:
		return "Usage: " + a.D + " insert [--force,-f] [--echo,-e] [--secret, -s] [--issuer,-i issuer] [--account,-a account] [--path,-p path-name] [pass-name]"
	case cmdAppend:
		return "Usage: " + a.D + " append [--force,-f] [--echo,-e] [--secret, -s] [--issuer,-i issuer] [--account,-a account] pass-name"
	case cmdURI:
		return "Usage: " + a.D + " uri [--clip,-c | --qrcode,-q] pass-name"
	case cmdLs:
		return "Usage: " + a.D + " ls [--codes] [subfolder]"
	}
	return "Usage: " + a.D + " [--clip,-c] [--quiet,-q] pass-name"
}

// report prints the message for err (if any) on stderr and returns the
// exit status.
func (a *App) report(err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, passstore.ErrNoGPGID) {
		// pass names PROG in the hint and prints its whole usage on
		// stdout after it.
		err = &initError{prog: a.passProg(), err: err}
		defer a.printPassUsage()
	}
	if msg := userMessage(err); msg != "" {
		a.Stderr.Write([]byte(msg + "\n"))
	}
	return 1
}
