package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

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
		a.complete(app, args[:len(args)-1])
		return nil
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
	cmd := findCommand(app, name)
	var argv []string
	switch name {
	case cmdHelp, cmdVersion:
	case cmdValidate:
		// No option parsing: the first argument is the URI, missing
		// means the empty string, the rest is ignored.
		uri := ""
		if len(rest) > 0 {
			uri = rest[0]
		}
		argv = []string{uri}
	default:
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
		argv = r.canonical()
	}
	return runCommand(ctx, app, cmd, argv)
}

// runCommand runs cmd of app with args, which run has already checked and
// rewritten to the canonical form ("--long", "--long=value", "--",
// operands). It is the part of urfave/cli's App.Run that passotp uses:
// the command's flags applied to a flag.FlagSet, a cli.Context, the
// action. App.Run itself is not called because it links urfave/cli's
// help printer, which executes text/template: that makes the linker keep
// every exported method of every type (reflect.Value.MethodByName), about
// a third of the binary, and costs ~0.6 ms of start-up on every run
// (issue 3; TestNoReflectMethod in the module root guards it).
func runCommand(ctx context.Context, app *cli.App, cmd *cli.Command, args []string) error {
	set := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	set.SetOutput(io.Discard)
	if cmd.SkipFlagParsing {
		// Everything is an operand: parse "--" followed by the args.
		args = append([]string{"--"}, args...)
	}
	for _, f := range cmd.Flags {
		if err := f.Apply(set); err != nil {
			return err
		}
	}
	if err := set.Parse(args); err != nil {
		return err // run's getopt pass has rejected every bad option already
	}
	c := cli.NewContext(app, set, nil)
	c.Context, c.Command = ctx, cmd
	return cmd.Action(c)
}

// complete answers urfave/cli's shell-completion request, words being the
// arguments before completionFlag, as urfave/cli's default completion
// does: after a command word and an option-like last word, the matching
// options of that command not given yet (hidden ones left out); with no
// command word, every command name and alias ("name:usage" when $0 ends
// in zsh). The completion scripts of completions/ do not use it.
func (a *App) complete(app *cli.App, words []string) {
	last := ""
	if len(words) > 0 {
		last = words[len(words)-1]
	}
	var cmd *cli.Command
	if len(words) > 0 {
		cmd = app.Command(words[0])
	}
	if strings.HasPrefix(last, "-") {
		if cmd == nil {
			return // no global options
		}
		cur := strings.TrimPrefix(strings.TrimPrefix(last, "-"), "-")
		for _, f := range cmd.Flags {
			if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
				continue
			}
			for _, n := range f.Names() {
				dash := "--"
				if len(n) == 1 {
					if strings.HasPrefix(last, "--") {
						continue
					}
					dash = "-"
				}
				if strings.HasPrefix(n, cur) && n != cur && !slices.Contains(words, dash+n) {
					fmt.Fprintln(a.Stdout, dash+n)
				}
			}
		}
		return
	}
	if cmd != nil {
		return // no subcommands
	}
	zsh := strings.HasSuffix(a.Getenv("0"), "zsh")
	for _, c := range app.Commands {
		if c.Hidden {
			continue
		}
		for _, n := range c.Names() {
			if zsh {
				fmt.Fprintf(a.Stdout, "%s:%s\n", n, c.Usage)
			} else {
				fmt.Fprintln(a.Stdout, n)
			}
		}
	}
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
