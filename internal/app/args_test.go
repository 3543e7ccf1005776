package app

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// insertSpecs is insert's option set: getopt -o fesi:a:p: -l force,echo,secret,issuer:,account:,path:
var insertSpecs = []optSpec{
	{'f', "force", false}, {'e', "echo", false}, {'s', "secret", false},
	{'i', "issuer", true}, {'a', "account", true}, {'p', "path", true},
}

// codeSpecs is code's option set: getopt -o cq -l clip,quiet
var codeSpecs = []optSpec{{'c', "clip", false}, {'q', "quiet", false}}

// render gives a result in a comparable form: "name=value" per option
// (long name), then the operands.
func render(r getoptResult) (opts []string, operands []string, errs []string) {
	for _, o := range r.opts {
		opts = append(opts, o.spec.long+"="+o.value)
	}
	return opts, r.operands, r.errs
}

var getoptTests = []struct {
	name     string
	specs    []optSpec
	posixly  bool
	args     []string
	opts     []string
	operands []string
	errs     []string
}{
	{name: "empty", specs: codeSpecs},
	{name: "name only", specs: codeSpecs, args: []string{"NAME"}, operands: []string{"NAME"}},
	{name: "permutation", specs: codeSpecs, args: []string{"NAME", "-c"}, opts: []string{"clip="}, operands: []string{"NAME"}},
	{name: "posixly correct", specs: codeSpecs, posixly: true, args: []string{"NAME", "-c"}, operands: []string{"NAME", "-c"}},
	{name: "posixly option first", specs: codeSpecs, posixly: true, args: []string{"-c", "NAME"}, opts: []string{"clip="}, operands: []string{"NAME"}},
	{name: "double dash", specs: codeSpecs, args: []string{"--", "-c"}, operands: []string{"-c"}},
	{name: "double dash after operand", specs: codeSpecs, args: []string{"a", "--", "--", "b"}, operands: []string{"a", "--", "b"}},
	{name: "lone dash", specs: codeSpecs, args: []string{"-c", "-", "n"}, opts: []string{"clip="}, operands: []string{"-", "n"}},
	{name: "operand order", specs: codeSpecs, args: []string{"b", "-q", "a", "-c", "c"}, opts: []string{"quiet=", "clip="}, operands: []string{"b", "a", "c"}},
	{name: "grouped", specs: codeSpecs, args: []string{"-cq", "x"}, opts: []string{"clip=", "quiet="}, operands: []string{"x"}},
	{name: "long prefix", specs: codeSpecs, args: []string{"--q", "--cl", "x"}, opts: []string{"quiet=", "clip="}, operands: []string{"x"}},
	{name: "two bad short", specs: codeSpecs, args: []string{"-x", "-y"}, errs: []string{"invalid option -- 'x'", "invalid option -- 'y'"}},
	{name: "bad short in group", specs: codeSpecs, args: []string{"-cxq", "n"}, opts: []string{"clip=", "quiet="}, operands: []string{"n"}, errs: []string{"invalid option -- 'x'"}},
	{name: "non-ascii short", specs: codeSpecs, args: []string{"-cé"}, opts: []string{"clip="}, errs: []string{"invalid option -- '\xc3'", "invalid option -- '\xa9'"}},
	{name: "dash dash dash", specs: codeSpecs, args: []string{"---"}, errs: []string{"unrecognized option '---'"}},
	{name: "unrecognized long", specs: codeSpecs, args: []string{"--bogus=1", "n"}, operands: []string{"n"}, errs: []string{"unrecognized option '--bogus=1'"}},
	{name: "flag with argument", specs: codeSpecs, args: []string{"--cl=1"}, errs: []string{"option '--clip' doesn't allow an argument"}},
	{name: "flag with empty argument", specs: codeSpecs, args: []string{"--clip="}, errs: []string{"option '--clip' doesn't allow an argument"}},
	{name: "ambiguous empty name", specs: codeSpecs, args: []string{"--=x"}, errs: []string{"option '--=x' is ambiguous; possibilities: '--clip' '--quiet'"}},
	{name: "missing short argument", specs: insertSpecs, args: []string{"-i"}, errs: []string{"option requires an argument -- 'i'"}},
	{name: "missing long argument", specs: insertSpecs, args: []string{"--iss"}, errs: []string{"option '--issuer' requires an argument"}},
	{name: "attached short argument", specs: insertSpecs, args: []string{"-fiACME", "n"}, opts: []string{"force=", "issuer=ACME"}, operands: []string{"n"}},
	{name: "argument is a flag letter", specs: insertSpecs, args: []string{"-if"}, opts: []string{"issuer=f"}},
	{name: "separate short argument", specs: insertSpecs, args: []string{"-i", "ACME", "-a", "-f"}, opts: []string{"issuer=ACME", "account=-f"}},
	{name: "separate argument is double dash", specs: insertSpecs, args: []string{"-i", "--", "x"}, opts: []string{"issuer=--"}, operands: []string{"x"}},
	{name: "long equals", specs: insertSpecs, args: []string{"--issuer=A=B", "--account", "me@x"}, opts: []string{"issuer=A=B", "account=me@x"}},
	{name: "long empty argument", specs: insertSpecs, args: []string{"--issuer=", "-a", "b"}, opts: []string{"issuer=", "account=b"}},
	{name: "errors and good options mixed", specs: insertSpecs, args: []string{"-x", "-fe", "--nope", "n", "-p"}, opts: []string{"force=", "echo="}, operands: []string{"n"},
		errs: []string{"invalid option -- 'x'", "unrecognized option '--nope'", "option requires an argument -- 'p'"}},
}

func TestGetopt(t *testing.T) {
	for _, tt := range getoptTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts, operands, errs := render(getopt(tt.args, tt.specs, tt.posixly))
			if !reflect.DeepEqual(opts, tt.opts) {
				t.Errorf("options = %q, want %q", opts, tt.opts)
			}
			if !reflect.DeepEqual(operands, tt.operands) {
				t.Errorf("operands = %q, want %q", operands, tt.operands)
			}
			if !reflect.DeepEqual(errs, tt.errs) {
				t.Errorf("errors = %q, want %q", errs, tt.errs)
			}
		})
	}
}

// TestGetoptMatchesUtilLinux runs the real getopt(1) on every table case
// and checks that it reports the same errors, options and operands.
func TestGetoptMatchesUtilLinux(t *testing.T) {
	testkeys.Require(t, "getopt")
	for _, tt := range getoptTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var short, long []string
			for _, s := range tt.specs {
				suffix := ""
				if s.hasArg {
					suffix = ":"
				}
				short = append(short, string(s.short)+suffix)
				long = append(long, s.long+suffix)
			}
			cmd := exec.Command("getopt", append([]string{"-o", strings.Join(short, ""), "-l", strings.Join(long, ","), "-n", "G", "--"}, tt.args...)...)
			cmd.Env = []string{"PATH=/usr/bin:/bin"}
			if tt.posixly {
				cmd.Env = append(cmd.Env, "POSIXLY_CORRECT=1")
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, _ := cmd.Output()
			var errs []string
			for _, line := range strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n") {
				if line != "" {
					errs = append(errs, strings.TrimPrefix(line, "G: "))
				}
			}
			if !reflect.DeepEqual(errs, tt.errs) {
				t.Errorf("getopt(1) errors = %q, table says %q", errs, tt.errs)
			}
			words := shellWords(string(out))
			var opts, operands []string
			for i := 0; i < len(words); i++ {
				w := words[i]
				if w == "--" {
					operands = words[i+1:]
					break
				}
				var spec *optSpec
				for k := range tt.specs {
					if w == "--"+tt.specs[k].long || w == "-"+string(tt.specs[k].short) {
						spec = &tt.specs[k]
					}
				}
				if spec == nil {
					t.Fatalf("getopt(1) printed unknown word %q in %q", w, out)
				}
				v := ""
				if spec.hasArg {
					i++
					v = words[i]
				}
				opts = append(opts, spec.long+"="+v)
			}
			if len(operands) == 0 {
				operands = nil
			}
			if !reflect.DeepEqual(opts, tt.opts) || !reflect.DeepEqual(operands, tt.operands) {
				t.Errorf("getopt(1) gives options %q operands %q, table says %q %q", opts, operands, tt.opts, tt.operands)
			}
		})
	}
}

// shellWords splits getopt(1)'s output: words separated by spaces, each
// either bare (options, --) or single-quoted with '\” for a quote.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	in, started := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in && c == '\'':
			in = false
		case in:
			cur.WriteByte(c)
		case c == '\'':
			in, started = true, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			started = true
		case c == ' ' || c == '\n':
			if started {
				words = append(words, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if started {
		words = append(words, cur.String())
	}
	return words
}

func TestCanonical(t *testing.T) {
	r := getopt([]string{"n", "-fiACME", "--path=", "-e"}, insertSpecs, false)
	got := r.canonical()
	want := []string{"--force", "--issuer=ACME", "--path=", "--echo", "--", "n"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("canonical = %q, want %q", got, want)
	}
}

// FuzzGetopt checks that parsing never panics and that the canonical form
// of an error-free parse parses back to the same options and operands.
func FuzzGetopt(f *testing.F) {
	for _, tt := range getoptTests {
		f.Add(strings.Join(tt.args, "\x00"), tt.posixly)
	}
	f.Fuzz(func(t *testing.T, joined string, posixly bool) {
		args := strings.Split(joined, "\x00")
		r := getopt(args, insertSpecs, posixly)
		if len(r.errs) > 0 {
			return
		}
		again := getopt(r.canonical(), insertSpecs, false)
		o1, p1, _ := render(r)
		o2, p2, e2 := render(again)
		if len(e2) > 0 || !reflect.DeepEqual(o1, o2) || !reflect.DeepEqual(p1, p2) {
			t.Fatalf("canonical form %q parses to %q %q %q, want %q %q", r.canonical(), o2, p2, e2, o1, p1)
		}
	})
}

// TestGetoptPassOTPFirst checks [preferPassOTP]: an abbreviation that fits
// one of pass-otp's options and one of passotp's means pass-otp's, so
// passotp's additions (--store, --line, ...) never change what a pass-otp
// command line means; among passotp's own options the usual rules apply.
func TestGetoptPassOTPFirst(t *testing.T) {
	store := optSpec{long: "store", hasArg: true}
	insert := append(append([]optSpec(nil), insertSpecs...), store)
	code := append(append([]optSpec(nil), codeSpecs...), optSpec{long: "line", hasArg: true}, optSpec{long: "label", hasArg: true}, store)
	tests := []struct {
		name  string
		specs []optSpec
		args  []string
		opts  []string
		errs  []string
	}{
		{name: "s is secret", specs: insert, args: []string{"--s"}, opts: []string{"secret="}},
		{name: "se is secret", specs: insert, args: []string{"--se"}, opts: []string{"secret="}},
		{name: "st is store", specs: insert, args: []string{"--st=gopass"}, opts: []string{"store=gopass"}},
		{name: "full store", specs: insert, args: []string{"--store", "pass"}, opts: []string{"store=pass"}},
		{name: "empty name lists pass-otp's", specs: insert, args: []string{"--=x"},
			errs: []string{"option '--=x' is ambiguous; possibilities: '--force' '--echo' '--secret' '--issuer' '--account' '--path'"}},
		{name: "s is store in code", specs: code, args: []string{"--s=gopass"}, opts: []string{"store=gopass"}},
		{name: "passotp's own stay ambiguous", specs: code, args: []string{"--l=1"},
			errs: []string{"option '--l=1' is ambiguous; possibilities: '--line' '--label'"}},
		{name: "unknown", specs: code, args: []string{"--sx"}, errs: []string{"unrecognized option '--sx'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, _, errs := render(getopt(tt.args, tt.specs, false))
			if !reflect.DeepEqual(opts, tt.opts) || !reflect.DeepEqual(errs, tt.errs) {
				t.Errorf("getopt(%q) = %q %q, want %q %q", tt.args, opts, errs, tt.opts, tt.errs)
			}
		})
	}
}

// TestStoreFlagEverywhere checks that every command that reads or writes a
// store takes --store (long only) and the others do not.
func TestStoreFlagEverywhere(t *testing.T) {
	want := map[string]bool{cmdCode: true, cmdInsert: true, cmdAppend: true, cmdURI: true, cmdLs: true}
	for _, c := range NewCLI().Commands {
		var got *optSpec
		for _, s := range specs(c) {
			if s.long == flagStore {
				got = &s
			}
		}
		switch {
		case got == nil && want[c.Name]:
			t.Errorf("%s has no --%s", c.Name, flagStore)
		case got != nil && !want[c.Name]:
			t.Errorf("%s has --%s", c.Name, flagStore)
		case got != nil && (got.short != 0 || !got.hasArg):
			t.Errorf("%s: --%s is %+v, want long only with an argument", c.Name, flagStore, *got)
		}
	}
}
