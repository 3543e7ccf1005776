package app

// The urfave/cli command tree is the definition of record of passotp's
// command line: the man page and completion generators read it through
// [NewCLI], and [Main] runs it after argv has been normalised (args.go).

import (
	"context"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"
)

// Command names, as the tree and the dispatcher (compat §4.1) know them.
const (
	cmdCode     = "code"
	cmdInsert   = "insert"
	cmdAppend   = "append"
	cmdURI      = "uri"
	cmdValidate = "validate"
	cmdHelp     = "help"
	cmdVersion  = "version"
	cmdLs       = "ls" // ls.go (issue 6)
)

// Flag names (long forms).
const (
	flagClip         = "clip"
	flagQuiet        = "quiet"
	flagFresh        = "fresh"
	flagMinRemaining = "min-remaining"
	flagJSON         = "json"
	flagAt           = "at"
	flagForce        = "force"
	flagEcho         = "echo"
	flagSecret       = "secret"
	flagIssuer       = "issuer"
	flagAccount      = "account"
	flagPath         = "path"
	flagQRCode       = "qrcode"
	flagCodes        = "codes" // ls.go (issue 6)
	flagStore        = "store" // stores.go (issue 6)
)

// passOTPOptions are pass-otp's own long options (compat §4.2). An
// abbreviation that fits one of them and one of passotp's additions means
// pass-otp's (args.go, [preferPassOTP]).
var passOTPOptions = map[string]bool{
	flagClip: true, flagQuiet: true, flagForce: true, flagEcho: true, flagSecret: true,
	flagIssuer: true, flagAccount: true, flagPath: true, flagQRCode: true,
}

// NewCLI returns passotp's command tree: every command, flag, usage and
// description. It is what the man page and completion generators render.
// Its actions need the setup [Main] does, so run passotp through Main.
func NewCLI() *cli.App {
	return (&App{}).newCLI()
}

// newCLI builds the tree with actions bound to a.
func (a *App) newCLI() *cli.App {
	clip := &cli.BoolFlag{Name: flagClip, Aliases: []string{"c"}}
	// --line/--label (selector.go): several OTPs in one entry.
	lineFlag := &cli.StringFlag{Name: flagLine, Usage: "use the OTP on line `N` of the entry instead of the first"}
	labelFlag := &cli.StringFlag{Name: flagLabel, Usage: "use the OTP whose label, issuer or account is `LABEL`"}
	// --store (stores.go): the store family, for every command that reads
	// or writes a store. Long only: pass-otp's short letters stay free.
	storeFlag := &cli.StringFlag{Name: flagStore, Usage: "choose the store family `KIND`: pass, gopass (names resolved through gopass's mounts) or passage; wins over PASSOTP_STORE"}
	return &cli.App{
		Name:  "passotp",
		Usage: "a fast and safe drop-in replacement for pass otp",
		UsageText: "passotp [code] [--clip,-c] [--quiet,-q] pass-name\n" +
			"pass otp [code] [--clip,-c] [--quiet,-q] pass-name",
		Description: "passotp reads and writes one-time-password keys (otpauth:// URIs) in a pass(1)\n" +
			"password store, exactly as the pass-otp extension does, but decrypts natively.\n" +
			"Invoked as `passotp ARGS` it behaves like `pass otp ARGS`; invoked as `pass otp ARGS`\n" +
			"(a symlink named pass, or the otp.bash extension shim) it is pass-otp; invoked as\n" +
			"`pass` with any other subcommand it runs the real pass. A first argument that is\n" +
			"not a command is an entry name: `passotp NAME` prints the code of NAME.",
		HideHelp:             true,
		HideHelpCommand:      true,
		HideVersion:          true,
		EnableBashCompletion: true,
		Compiled:             time.Unix(0, 0),
		ExitErrHandler:       func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{
				Name:      cmdCode,
				Aliases:   []string{"show"},
				Usage:     "Generate an OTP code and optionally put it on the clipboard",
				ArgsUsage: "pass-name",
				Description: "Print the code of the first otpauth:// line of pass-name (the default command).\n" +
					"A hotp entry gets the code for counter+1 and its counter is rewritten.\n" +
					"With --clip the code goes to the clipboard, cleared after PASSWORD_STORE_CLIP_TIME\n" +
					"seconds. Without a pass-name, PASS_OATH_CREDENTIAL_NAME names the entry.",
				HideHelp: true,
				Flags: []cli.Flag{
					clip,
					&cli.BoolFlag{Name: flagQuiet, Aliases: []string{"q"}, Usage: "accepted for pass-otp compatibility; stdout holds only the code anyway"},
					&cli.BoolFlag{Name: flagFresh, Usage: "never hand out a time step twice: wait for the next code if this one was already given (also PASSOTP_FRESH=1)"},
					&cli.StringFlag{Name: flagMinRemaining, Usage: "wait for the next code if fewer than `SECONDS` remain (also PASSOTP_MIN_REMAINING)"},
					&cli.BoolFlag{Name: flagJSON, Usage: "print a JSON object with the code, seconds remaining, period, digits, type and name"},
					&cli.StringFlag{Name: flagAt, Usage: "compute the code for `UNIX_SECONDS` instead of now (for tests)", Hidden: true},
					lineFlag, labelFlag, storeFlag,
				},
				Action: a.codeAction,
			},
			{
				Name:      cmdInsert,
				Aliases:   []string{"add"},
				Usage:     "Prompt for and insert a new OTP key",
				ArgsUsage: "[pass-name]",
				Description: "Read an otpauth:// URI (or, with --secret, a bare secret) from stdin, or prompt for it\n" +
					"twice without echo on a terminal, and store it as pass-name. Without pass-name the\n" +
					"path is [issuer/]account from the URI's label, under --path if given.",
				HideHelp: true,
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: flagForce, Aliases: []string{"f"}, Usage: "overwrite an existing entry without asking"},
					&cli.BoolFlag{Name: flagEcho, Aliases: []string{"e"}, Usage: "echo the input and ask once"},
					&cli.BoolFlag{Name: flagSecret, Aliases: []string{"s"}, Usage: "read a base32 secret and build a TOTP URI (needs --issuer or --account)"},
					&cli.StringFlag{Name: flagIssuer, Aliases: []string{"i"}, Usage: "the `issuer` for --secret"},
					&cli.StringFlag{Name: flagAccount, Aliases: []string{"a"}, Usage: "the `account` for --secret"},
					&cli.StringFlag{Name: flagPath, Aliases: []string{"p"}, Usage: "store under `path-name`/ when pass-name is derived from the URI"},
					storeFlag,
				},
				Action: a.insertAction,
			},
			{
				Name:      cmdAppend,
				Usage:     "Append an OTP key URI to an existing password file",
				ArgsUsage: "pass-name",
				Description: "Add the URI as the last line of pass-name, or replace every otpauth:// line after\n" +
					"asking. Every other line is kept byte for byte.",
				HideHelp: true,
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: flagForce, Aliases: []string{"f"}, Usage: "accepted for pass-otp compatibility; append still asks before replacing"},
					&cli.BoolFlag{Name: flagEcho, Aliases: []string{"e"}, Usage: "echo the input and ask once"},
					&cli.BoolFlag{Name: flagSecret, Aliases: []string{"s"}, Usage: "read a base32 secret and build a TOTP URI (needs --issuer or --account)"},
					&cli.StringFlag{Name: flagIssuer, Aliases: []string{"i"}, Usage: "the `issuer` for --secret"},
					&cli.StringFlag{Name: flagAccount, Aliases: []string{"a"}, Usage: "the `account` for --secret"},
					storeFlag,
				},
				Action: a.appendAction,
			},
			{
				Name:      cmdURI,
				Usage:     "Display the key URI stored in pass-name",
				ArgsUsage: "pass-name",
				Description: "Print the first otpauth:// URI of pass-name; optionally put it on the clipboard, or\n" +
					"display it as a QR code.",
				HideHelp: true,
				Flags: []cli.Flag{
					clip,
					&cli.BoolFlag{Name: flagQRCode, Aliases: []string{"q"}, Usage: "display a QR code (--clip wins if both are given)"},
					lineFlag, labelFlag, storeFlag,
				},
				Action: a.uriAction,
			},
			{
				Name:      cmdLs,
				Usage:     "List the entries that hold OTP data",
				ArgsUsage: "[subfolder]",
				Description: "List, sorted, the entries (below subfolder, if given) that hold OTP data: an\n" +
					"otpauth:// line, or gopass's otpauth:, totp: or hotp: key; they are decrypted in\n" +
					"parallel. With --codes a TOTP entry is followed by a tab, its current code, a tab\n" +
					"and the seconds left (for example 17s); a HOTP entry by a tab and the word hotp (its\n" +
					"counter is not advanced). ls never writes.",
				HideHelp: true,
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: flagCodes, Usage: "print each entry's current code and its seconds left"},
					storeFlag,
				},
				Action: a.lsAction,
			},
			{
				Name:            cmdValidate,
				Usage:           "Test if the given URI is a valid OTP key URI",
				ArgsUsage:       "uri",
				Description:     "Check uri against pass-otp's grammar; print nothing and exit 0 when it is valid.",
				HideHelp:        true,
				SkipFlagParsing: true,
				Action:          a.validateAction,
			},
			{
				Name:     cmdHelp,
				Usage:    "Show the usage of every command",
				HideHelp: true,
				Action:   a.helpAction,
			},
			{
				Name:     cmdVersion,
				Usage:    "Show passotp's version",
				HideHelp: true,
				Action:   a.versionAction,
			},
		},
	}
}

// specs returns the getopt option set of a command of the tree: the long
// name, the one-letter alias and whether it takes an argument.
func specs(cmd *cli.Command) []optSpec {
	var out []optSpec
	for _, f := range cmd.Flags {
		names := f.Names()
		s := optSpec{long: names[0]}
		for _, n := range names[1:] {
			if len(n) == 1 {
				s.short = n[0]
			}
		}
		if df, ok := f.(cli.DocGenerationFlag); ok {
			s.hasArg = df.TakesValue()
		}
		out = append(out, s)
	}
	return out
}

func (a *App) codeAction(c *cli.Context) error {
	return a.code(c.Context, c, c.Args().First())
}

// codeFlags are the flags [App.code] reads: a *cli.Context, or noFlags on
// the fast path of `passotp NAME` (run.go), which builds no urfave App.
type codeFlags interface {
	Bool(name string) bool
	String(name string) string
	IsSet(name string) bool
}

// code runs the code command for name with the flags c.
func (a *App) code(ctx context.Context, c codeFlags, name string) error {
	if err := a.useStore(c); err != nil {
		return err
	}
	o := CodeOptions{
		Clip:  c.Bool(flagClip),
		Quiet: c.Bool(flagQuiet),
		Fresh: c.Bool(flagFresh),
		JSON:  c.Bool(flagJSON),
	}
	if v := c.String(flagMinRemaining); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return &badValueError{flag: flagMinRemaining, value: v}
		}
		o.MinRemaining = n
	}
	if at := c.String(flagAt); at != "" {
		n, err := strconv.ParseInt(at, 10, 64)
		if err != nil {
			return &badValueError{flag: flagAt, value: at}
		}
		a.fixClock(time.Unix(n, 0))
	}
	if !c.IsSet(flagFresh) {
		v := a.Getenv("PASSOTP_FRESH")
		b, ok := parseBool(v)
		if !ok {
			return &envError{name: "PASSOTP_FRESH", value: v, want: "1 or 0"}
		}
		o.Fresh = b
	}
	if !c.IsSet(flagMinRemaining) {
		if v := a.Getenv("PASSOTP_MIN_REMAINING"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return &envError{name: "PASSOTP_MIN_REMAINING", value: v, want: "a whole number of seconds"}
			}
			o.MinRemaining = n
		}
	}
	if err := a.setSelector(c.String(flagLine), c.String(flagLabel)); err != nil {
		return err
	}
	return a.runCode(ctx, o, name)
}

func (a *App) insertAction(c *cli.Context) error {
	o := InsertOptions{
		Force: c.Bool(flagForce), Echo: c.Bool(flagEcho), Secret: c.Bool(flagSecret),
		Issuer: c.String(flagIssuer), Account: c.String(flagAccount), Path: c.String(flagPath),
	}
	if err := a.useStore(c); err != nil {
		return err
	}
	return a.runInsert(c.Context, o, c.Args().Slice())
}

func (a *App) appendAction(c *cli.Context) error {
	o := AppendOptions{
		Force: c.Bool(flagForce), Echo: c.Bool(flagEcho), Secret: c.Bool(flagSecret),
		Issuer: c.String(flagIssuer), Account: c.String(flagAccount),
	}
	if err := a.useStore(c); err != nil {
		return err
	}
	return a.runAppend(c.Context, o, trimSlash(c.Args().First()))
}

func (a *App) uriAction(c *cli.Context) error {
	if err := a.useStore(c); err != nil {
		return err
	}
	if err := a.setSelector(c.String(flagLine), c.String(flagLabel)); err != nil {
		return err
	}
	return a.runURI(c.Context, c.Bool(flagClip), c.Bool(flagQRCode), c.Args().First())
}

func (a *App) lsAction(c *cli.Context) error {
	if err := a.useStore(c); err != nil {
		return err
	}
	return a.runLs(c.Context, lsOptions{Codes: c.Bool(flagCodes)}, c.Args().First())
}

func (a *App) validateAction(c *cli.Context) error {
	return a.runValidate(c.Args().First())
}

func (a *App) helpAction(c *cli.Context) error {
	a.printHelp()
	return nil
}

func (a *App) versionAction(c *cli.Context) error {
	return a.printVersion()
}
