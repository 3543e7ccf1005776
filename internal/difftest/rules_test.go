package difftest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// ruleDoc says where a documented difference comes from.
type ruleDoc struct {
	section string // compat.md section
	why     string
}

// ruleDocs names every documented difference between pass-otp 1.2.0 and
// passotp that the tables use. A rule whose name is missing here panics.
var ruleDocs = map[string]ruleDoc{
	"gitChatter": {"§11.2, §12 (git chatter before the code: drop)",
		"pass prints git commit's summary on stdout; passotp prints no git output (mkdir lines stay)"},
	"redact": {"§11.3, §13 (#35, #125)",
		"where pass-otp echoes a URI, passotp prints secret=REDACTED, and REDACTED for input that is no otpauth:// URI"},
	"asciiQuotes": {"§5.1, §12 (locale effects: drop)",
		"mkdir lines use plain ASCII quotes around the raw name: no curly quotes (UTF-8 locale), no $'\\ooo' escapes (C locale)"},
	"bashNoise": {"none: compat.md gap (reported)",
		"pass-otp's bash and coreutils warnings (`dirname: invalid option` for a name starting with -, `ignored null byte`) are not imitated; " +
			"where dirname's failure makes pass-otp fail (a directory starting with -), passotp writes the entry"},
	"uriNoOTP": {"§11.6, §12 (uri's empty line: drop)",
		"uri on an entry without an otpauth line fails instead of printing an empty line"},
	"debianNoPort": {"§6 step 2 (develop grammar; Debian 1.2.0 lacks the :port group, pass-otp #144 #194)",
		"a label with a numeric :port is valid; Debian says Cannot parse"},
	"debianNoQuiet": {"§4.2, §11.2 (develop code -q; Debian 1.2.0 has no -q)",
		"code -q/--quiet is accepted and changes nothing"},
	"debianNoPath": {"§4.2, §7 derived path (develop insert -p; Debian 1.2.0 has no -p)",
		"insert -p P puts the derived path under P"},
	"debianNoURIClip": {"§4.2, §10.5 (develop uri -c; Debian 1.2.0's uri has no -c)",
		"uri -c copies the URI (here: no display, so the clipboard error)"},
	"debianFirstWord": {"§10.1, §12 (Debian's first-word reading: drop)",
		"code and uri read the whole trimmed otpauth line, not its first word"},
	"helpText": {"§10.6 (develop help, passotp(1) man page)",
		"help is pass-otp's usage with the develop options and passotp additions"},
	"version": {"§10.6", "version prints passotp's version, not pass-otp's 1.1.1"},
	"hotpCounter": {"§11.1, §13 (#171 #202 #209)",
		"only the counter digits of the line that supplied the URI change, counter is decimal, nothing else in the entry moves"},
	"hotpAlgorithm": {"§10.1, §12 (HOTP ignores algorithm=: drop)",
		"HOTP honours algorithm= (pass-otp computes SHA1)"},
	"unsupportedAlgorithm": {"§10.1, §12 (unknown algorithms mean SHA1: drop)",
		"an unknown algorithm is `Invalid key URI (unsupported algorithm)` (pass-otp: oathtool's error)"},
	"clipBeforeHOTP": {"§10.1, §12 (a HOTP code spent when -c then fails: drop)",
		"with -c and no usable clipboard the counter does not move"},
	"computeReason": {"§5.3 (code cannot be computed), §10.1",
		"passotp prints its own reason line (not oathtool's) before NAME: failed to generate OTP code."},
	"decryptWording": {"§5.3 (decryption fails), gpgio.md §8.5",
		"passotp decrypts natively: gpg's lines may be the native equivalent; pass-otp's last line stays"},
	"appendKeepsLines": {"§10.3, §13 (#207, #100)",
		"append keeps leading blank lines and a last line without a newline"},
	"appendDecryptFails": {"§13 (decryption fails during append)",
		"append aborts, exit 1, nothing written (pass-otp writes an entry holding only the new URI)"},
	"gpgIDLastLine": {"§9 recipients, §13 (.gpg-id whose last line lacks a newline)",
		"a last .gpg-id line without newline is a recipient (pass ignores it)"},
	"gopassKeys": {"§14 D1 (clients.md)",
		"without an otpauth:// line, code uses gopass-style otpauth:/totp: keys"},
	"secretSpaces": {"§13 (secret with spaces, #98 #132), §10.1",
		"spaces in the secret are ignored when computing"},
	"utf8Labels": {"§12 (locale effects: code points instead of UTF-8 bytes in -s labels: drop)",
		"-s labels are percent-encoded UTF-8 bytes whatever the locale (the oracle runs pass in LC_ALL=C)"},
	"usageLines": {"§4.4 (develop usage lines; Debian 1.2.0 lacks [--quiet,-q] and [--path,-p path-name])",
		"the code and insert usage lines name the develop options"},
	"directMode": {"§3 (direct mode: D and G are passotp)",
		"run as `passotp ARGS`, usage lines say `Usage: passotp` and option errors `passotp:`; texts from pass itself keep `pass`"},
	"encryptWording": {"§5.3 (encryption fails), gpgio.md",
		"gpg's lines may be the native equivalent; `OTP secret encryption aborted.` stays last"},
	"passOwnLines": {"§1 (what pass prepares before sourcing the extension), §2 (invalid PASSWORD_STORE_UMASK: keep the inherited umask)",
		"lines printed by pass itself before it runs the extension (`umask: 999: octal number out of range`) are pass's, not passotp's, when passotp is run directly"},
	"relativePrefixGit": {"none: compat.md gap (reported)",
		"with a relative PASSWORD_STORE_DIR pass-otp's `git add PREFIX/NAME.gpg` fails (git -C runs elsewhere) and nothing is committed; passotp commits"},
	"counterOverflow": {"none: compat.md gap (reported); §10.1, §11.1",
		"a HOTP counter whose N+1 does not fit 64 bits: pass-otp's bash arithmetic wraps to 0 (code for counter 0, `counter=Ncounter=0` written); passotp refuses, nothing written"},
	"crKept": {"§8, §10.1 (whole trimmed line)",
		"a CR ending an entry's otpauth line stays in the secret, so both fail to compute; only pass-otp's last line (not oathtool's reason) is compared"},
}

// rule is one documented difference applied to a case, or a knownBug.
type rule struct {
	name string
	bug  string // knownBug: the description; the rest is unused
	// oracle, if set, changes a copy of the case that the real pass runs
	// again; its outcome (after the global rules) becomes the expectation.
	oracle func(c *tcase)
	// outputsOnly: the oracle gives exit status, stdout and stderr; the
	// store stays as the case's own real run left it (the oracle's store
	// differs on purpose).
	outputsOnly bool
	// fix changes the expectation.
	fix func(x *expect)
}

// knownBug marks a case whose difference is a defect of passotp that is
// not fixed yet: the case logs both outcomes loudly instead of failing.
func knownBug(desc string) rule { return rule{name: "knownBug", bug: desc} }

// newRule checks that name is documented.
func newRule(name string, oracle func(c *tcase), fix func(x *expect)) rule {
	if _, ok := ruleDocs[name]; !ok {
		panic("difftest: undocumented rule " + name)
	}
	return rule{name: name, oracle: oracle, fix: fix}
}

// expect is the expectation being derived for one case.
type expect struct {
	t       *testing.T
	f       *fixture
	c       *tcase
	want    *outcome
	real    *runResult
	ours    *runResult
	applied []string
	// bug, set by a rule, makes the case a knownBug (for generated cases).
	bug string
}

func (x *expect) apply(r rule) {
	before := fmt.Sprint(*x.want)
	if r.oracle != nil {
		c2 := *x.c
		c2.args = append([]string(nil), x.c.args...)
		c2.env = append([]string(nil), x.c.env...)
		c2.rules = nil
		r.oracle(&c2)
		res, err := x.f.side(x.t, filepath.Join(scratchDir(x.t), "oracle"), &c2, true)
		if err != nil {
			x.t.Fatalf("oracle run for rule %s: %v", r.name, err)
		}
		files, git := x.want.files, x.want.git
		x.want = res.out.clone()
		if r.outputsOnly {
			x.want.files, x.want.git = files, git
		}
		y := &expect{t: x.t, f: x.f, c: &c2, want: x.want, real: res, ours: x.ours}
		for _, g := range globalRules {
			y.apply(g)
		}
		x.want = y.want
		x.real = res
	}
	if r.fix != nil {
		r.fix(x)
	}
	if fmt.Sprint(*x.want) != before {
		x.applied = append(x.applied, r.name)
	}
}

// unchanged makes the expected store the case's store before the run.
func (x *expect) unchanged() {
	store := filepath.Join(scratchDir(x.t), "store")
	files, git, err := x.f.prepared(store, x.c)
	if err != nil {
		x.t.Fatalf("unchanged store: %v", err)
	}
	x.want.files, x.want.git = files, git
}

// setPlain sets the expected plaintext of an entry.
func (x *expect) setPlain(path, plain string) {
	st, ok := x.want.files[path]
	if !ok {
		x.t.Fatalf("rule: pass left no %s", path)
	}
	st.data = plain
	x.want.files[path] = st
}

var (
	gitSummaryRE = regexp.MustCompile(`(?m)^(\[[^\]\n]+ [0-9a-f]{7,}\] .*| \d+ files? changed.*| (create|delete) mode \d+ .*| rewrite .*\(\d+%\)| mode change .*)\n`)
	redactURIRE  = regexp.MustCompile(`(?m)^(Cannot parse OTP key URI: |Invalid key URI \(missing (?:accountname|secret|counter)\): )(.+)$`)
	secretRE     = regexp.MustCompile(`(?i)(secret=)[^&\n]*`)
)

var (
	mkdirDQRE   = regexp.MustCompile(`(?m)^(mkdir: created directory )"(.*)"$`)
	mkdirSQRE   = regexp.MustCompile(`(?m)^mkdir: created directory '.*'$`)
	shellEscRE  = regexp.MustCompile(`'\$'((?:\\(?:[0-7]{3}|[abfnrtv\\']))+)'('?)`)
	octalRE     = regexp.MustCompile(`\\(?:[0-7]{3}|[abfnrtv\\'])`)
	bashNoiseRE = regexp.MustCompile(`(?m)^(dirname: (?:invalid|unrecognized) option .*|Try 'dirname --help' for more information\.|\S+otp\.bash: line \d+: warning: .*)\n`)
)

// unescapeShell undoes coreutils' shell-escape quoting of non-printable
// bytes in a C locale: 'Caf'$'\303\251' is 'Café'; and of a single quote
// in a name that double quotes do not fit, which coreutils closes the
// quoted part for, escapes with a backslash and reopens.
func unescapeShell(s string) string {
	s = mkdirDQRE.ReplaceAllString(s, "$1'$2'")
	s = mkdirSQRE.ReplaceAllStringFunc(s, func(line string) string {
		return strings.ReplaceAll(line, `'\''`, "'")
	})
	return shellEscRE.ReplaceAllStringFunc(s, func(m string) string {
		g := shellEscRE.FindStringSubmatch(m)
		raw := octalRE.ReplaceAllStringFunc(g[1], func(o string) string {
			if c, ok := map[byte]byte{'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11, '\\': '\\', '\'': '\''}[o[1]]; ok {
				return string([]byte{c})
			}
			var b byte
			fmt.Sscanf(o[1:], "%o", &b)
			return string([]byte{b})
		})
		if g[2] == "'" {
			return raw // the next quoted part continues the name
		}
		return raw + "'"
	})
}

// redactRef is an independent implementation of compat §11.3.
func redactRef(s string) string {
	if s == "" {
		return ""
	}
	if !strings.HasPrefix(s, "otpauth://") {
		return "REDACTED"
	}
	return secretRE.ReplaceAllString(s, "${1}REDACTED")
}

// globalRules apply to every case.
var globalRules = []rule{
	newRule("gitChatter", nil, func(x *expect) {
		x.want.stdout = gitSummaryRE.ReplaceAllString(x.want.stdout, "")
	}),
	newRule("redact", nil, func(x *expect) {
		x.want.stderr = redactURIRE.ReplaceAllStringFunc(x.want.stderr, func(line string) string {
			m := redactURIRE.FindStringSubmatch(line)
			return m[1] + redactRef(m[2])
		})
	}),
	newRule("usageLines", nil, func(x *expect) {
		x.want.stderr = strings.NewReplacer(
			" otp [--clip,-c] pass-name\n", " otp [--clip,-c] [--quiet,-q] pass-name\n",
			" [--account,-a account] [pass-name]\n", " [--account,-a account] [--path,-p path-name] [pass-name]\n",
		).Replace(x.want.stderr)
	}),
	newRule("asciiQuotes", nil, func(x *expect) {
		r := strings.NewReplacer("\u2018", "'", "\u2019", "'")
		x.want.stdout = unescapeShell(r.Replace(x.want.stdout))
		x.want.stderr = unescapeShell(r.Replace(x.want.stderr))
	}),
	newRule("bashNoise", nil, func(x *expect) {
		s := bashNoiseRE.ReplaceAllString(x.want.stderr, "")
		if s == x.want.stderr {
			return
		}
		x.t.Logf("COMPAT.MD GAP (bashNoise): pass-otp printed %q, passotp is expected not to", x.want.stderr)
		x.want.stderr = s
		if strings.Contains(x.real.out.stderr, "dirname: ") && x.want.exit != 0 {
			// A path starting with '-': pass-otp's `dirname "$path"` fails,
			// so mkdir makes nothing and gpg cannot create the file.
			// passotp must simply succeed.
			x.t.Logf("COMPAT.MD GAP (bashNoise): pass-otp fails on a path starting with '-'; passotp must write it")
			files, git := x.want.files, x.want.git
			*x.want = *x.ours.out.clone()
			if x.ours.out.exit != 0 || x.ours.out.stderr != "" {
				x.want.exit, x.want.stderr, x.want.files, x.want.git = 0, "", files, git
			}
		}
	}),
}

// directRule rewrites pass mode's D and G into direct mode's (§3).
var directRule = newRule("directMode", nil, func(x *expect) {
	r := strings.NewReplacer("Usage: pass otp", "Usage: passotp")
	x.want.stderr = passGRE.ReplaceAllString(r.Replace(x.want.stderr), "passotp: ")
})

var passGRE = regexp.MustCompile(`(?m)^pass: `)

// Constructors for the case tables.

// passOwnLine drops pass's own warning line from the expected stderr.
func passOwnLine(re string) rule {
	r := regexp.MustCompile(re)
	return newRule("passOwnLines", nil, func(x *expect) {
		if x.c.via != "shim" {
			x.want.stderr = r.ReplaceAllString(x.want.stderr, "")
		}
	})
}

// committed: the expected stderr is empty and the store's repository has
// one more commit with this subject and a clean status.
func committed(name, subject string) rule {
	return newRule(name, nil, func(x *expect) {
		x.t.Logf("COMPAT.MD GAP (%s): pass-otp printed %q and did not commit", name, x.want.stderr)
		x.want.stderr = ""
		x.want.git["."] = "log:\n" + subject + "\ntemplate\nstatus:\n"
	})
}

// uriNoOTP: uri NAME on an entry without an otpauth line (§11.6).
func uriNoOTP(name string) rule {
	return newRule("uriNoOTP", nil, func(x *expect) {
		x.want.exit, x.want.stdout, x.want.stderr = 1, "", name+": OTP secret not found.\n"
	})
}

// withoutArg: the real pass runs without the given argument (code -q).
func withoutArg(name, arg string) rule {
	return newRule(name, func(c *tcase) {
		var args []string
		for _, a := range c.args {
			if a != arg {
				args = append(args, a)
			}
		}
		c.args = args
	}, nil)
}

// oracleArgs: the real pass runs with other arguments.
func oracleArgs(name string, args ...string) rule {
	return newRule(name, func(c *tcase) { c.args = args }, nil)
}

// oracleSetup: the real pass runs on a store changed by setup (after the
// case's own setup), e.g. an entry without the :port.
func oracleSetup(name string, setup func(store string) error, fix func(x *expect)) rule {
	return rule{name: mustDoc(name), outputsOnly: true, fix: fix, oracle: func(c *tcase) {
		prev := c.setup
		c.setup = func(store string) error {
			if prev != nil {
				if err := prev(store); err != nil {
					return err
				}
			}
			return setup(store)
		}
	}}
}

func mustDoc(name string) string {
	newRule(name, nil, nil)
	return name
}

// oracleStdin: the real pass reads other input.
func oracleStdin(name, stdin string, fix func(x *expect)) rule {
	return newRule(name, func(c *tcase) { c.stdin = &stdin }, fix)
}

// replaceOut rewrites the expected stdout and stderr textually (after an
// oracle run, to put back what the oracle had to change).
func replaceOut(old, new string) func(x *expect) {
	return func(x *expect) {
		x.want.stdout = strings.ReplaceAll(x.want.stdout, old, new)
		x.want.stderr = strings.ReplaceAll(x.want.stderr, old, new)
	}
}

// fails: the expectation is a failure with this stderr and an unchanged
// store.
func fails(name, stderr string) rule {
	return newRule(name, nil, func(x *expect) {
		x.want.exit, x.want.stdout, x.want.stderr = 1, "", stderr
		x.unchanged()
	})
}

// lastLineKept: stderr may hold other lines before pass-otp's last one.
func lastLineKept(name string) rule {
	return newRule(name, nil, func(x *expect) {
		lines := strings.Split(strings.TrimSuffix(x.want.stderr, "\n"), "\n")
		last := lines[len(lines)-1]
		x.want.stderrRE = regexp.MustCompile(`(?s)\A(?:[^\n]+\n)+` + regexp.QuoteMeta(last) + `\n\z`)
	})
}

// entryPlain: the entry at path must hold plain.
func entryPlain(name, path, plain string, fix func(x *expect)) rule {
	return newRule(name, nil, func(x *expect) {
		x.setPlain(path, plain)
		if fix != nil {
			fix(x)
		}
	})
}

// stdoutIs: the expected stdout.
func stdoutIs(name, stdout string) rule {
	return newRule(name, nil, func(x *expect) { x.want.stdout = stdout })
}

// TestRuleDocs prints the rules with their sections and, at the end of the
// run, how many expectations each changed (go test -v shows it).
func TestRuleDocs(t *testing.T) {
	var names []string
	for n, d := range ruleDocs {
		names = append(names, n)
		if !strings.HasPrefix(d.section, "§") && !strings.HasPrefix(d.section, "none: compat.md gap") || d.why == "" {
			t.Errorf("rule %s: section %q, why %q", n, d.section, d.why)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%-22s %s: %s", n, ruleDocs[n].section, ruleDocs[n].why)
	}
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }
