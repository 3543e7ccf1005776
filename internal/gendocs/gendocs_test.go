package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/app"
	"github.com/passotp/passotp/internal/testkeys"
	"github.com/urfave/cli/v2"
)

var update = flag.Bool("update", false, "rewrite the committed man page and completions")

const root = "../.."

func generated(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := Generate(app.NewCLI())
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGolden regenerates every file in memory and compares it with the
// committed one; -update rewrites them.
func TestGolden(t *testing.T) {
	files := generated(t)
	if *update {
		if err := Write(root, files); err != nil {
			t.Fatal(err)
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		got, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Errorf("%s: %v (run go test ./internal/gendocs -update)", p, err)
			continue
		}
		if !bytes.Equal(got, files[p]) {
			t.Errorf("%s is out of date: run go run ./internal/gendocs (or go test ./internal/gendocs -update)\n%s", p, firstDiff(got, files[p]))
		}
	}
}

// firstDiff describes the first differing line.
func firstDiff(got, want []byte) string {
	g := strings.Split(string(got), "\n")
	w := strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  committed: " + a + "\n  generated: " + b
		}
	}
	return ""
}

// TestManDocumentsCLI checks that every visible command, alias and option
// of the command tree is in the man page.
func TestManDocumentsCLI(t *testing.T) {
	a := app.NewCLI()
	md := string(generated(t)["man/passotp.1.md"])
	plain := strings.ReplaceAll(md, `\`, "")
	for _, c := range a.Commands {
		if c.Hidden {
			continue
		}
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if !strings.Contains(plain, "**"+n+"**") && !strings.Contains(plain, "## "+n) && !strings.Contains(plain, ", "+n+"\n") {
				t.Errorf("command %q is not in the man page", n)
			}
		}
		for _, f := range c.Flags {
			if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
				continue
			}
			for _, n := range f.Names() {
				w := "--" + n
				if len(n) == 1 {
					w = "-" + n
				}
				if !strings.Contains(plain, "**"+w+"**") {
					t.Errorf("option %s of %s is not in the man page", w, c.Name)
				}
			}
		}
	}
	for _, s := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "ENVIRONMENT", "EXIT STATUS", "FILES", "AWS-VAULT", "COMPATIBILITY", "SEE ALSO"} {
		if !strings.Contains(md, "\n# "+s+"\n") {
			t.Errorf("section %s is missing", s)
		}
	}
}

// environment lists the variables the man page must document: compat.md §2
// and passotp's own.
var environment = []string{
	"PASSWORD_STORE_DIR", "PASSWORD_STORE_KEY", "PASSWORD_STORE_GPG_OPTS", "PASSWORD_STORE_UMASK",
	"PASSWORD_STORE_CLIP_TIME", "PASSWORD_STORE_X_SELECTION", "PASSWORD_STORE_SIGNING_KEY",
	"PASSWORD_STORE_ENABLE_EXTENSIONS", "PASSWORD_STORE_EXTENSIONS_DIR", "GPG_TTY",
	"GIT_DIR", "GIT_WORK_TREE", "GIT_NAMESPACE", "GIT_INDEX_FILE", "GIT_INDEX_VERSION",
	"GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES", "GNUPGHOME",
	"DISPLAY", "WAYLAND_DISPLAY", "POSIXLY_CORRECT", "GPG_AGENT_INFO",
	"PASSOTP_GPG", "PASSOTP_PASS", "PASSOTP_BIN", "PASSOTP_FRESH", "PASSOTP_MIN_REMAINING",
	"PASS_OATH_CREDENTIAL_NAME", "PASSOTP_STORE", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
}

var envName = regexp.MustCompile(`"((?:PASSOTP|PASSWORD_STORE|PASS_OATH|PASSAGE|GOPASS)_[A-Z_]*[A-Z])"`)

// TestManDocumentsEnvironment checks the ENVIRONMENT section against the
// list above and against every PASSOTP_/PASSWORD_STORE_ name the CLI code
// reads, so a new variable cannot go undocumented.
func TestManDocumentsEnvironment(t *testing.T) {
	md := string(generated(t)["man/passotp.1.md"])
	start := strings.Index(md, "\n# ENVIRONMENT\n")
	end := strings.Index(md, "\n# EXIT STATUS\n")
	if start < 0 || end < start {
		t.Fatal("no ENVIRONMENT section")
	}
	env := strings.ReplaceAll(md[start:end], `\_`, "_")
	names := append([]string(nil), environment...)
	var srcs []string
	for _, dir := range []string{"internal/app", "storeconf", "ageio", "fresh"} {
		more, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		srcs = append(srcs, more...)
	}
	for _, src := range srcs {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range envName.FindAllStringSubmatch(string(b), -1) {
			if m[1] != "PASSOTP_TEST_NOW" { // honoured by test binaries only
				names = append(names, m[1])
			}
		}
	}
	for _, n := range names {
		if !strings.Contains(env, "**"+n+"**") {
			t.Errorf("%s is not documented in ENVIRONMENT", n)
		}
	}
}

// TestManRenders checks the committed page with groff's warnings on and
// with man -l.
func TestManRenders(t *testing.T) {
	testkeys.Require(t, "groff", "man")
	page := filepath.Join(root, "man/passotp.1")
	cmd := exec.Command("groff", "-ww", "-z", "-man", page)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("groff -ww -z -man: %v\n%s", err, out)
	}
	cmd = exec.Command("man", "-l", page)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Errorf("man -l: %v\n%s", err, stderr.Bytes())
	}
	for _, want := range []string{"PASSOTP(1)", "ENVIRONMENT", "AWS-VAULT", "mfa_process"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("man -l output lacks %q", want)
		}
	}
}

// TestFromApp checks the model on a small tree: hidden commands and flags
// are left out, code comes first, placeholders and arguments are found.
func TestFromApp(t *testing.T) {
	a := &cli.App{
		Name: "passotp",
		Commands: []*cli.Command{
			{Name: "validate", ArgsUsage: "uri"},
			{Name: "secret", Hidden: true},
			{Name: "code", Aliases: []string{"show"}, Flags: []cli.Flag{
				&cli.BoolFlag{Name: "clip", Aliases: []string{"c"}, Usage: "copy"},
				&cli.StringFlag{Name: "at", Hidden: true},
				&cli.StringFlag{Name: "min-remaining", Usage: "wait if fewer than `SECONDS` remain", EnvVars: []string{"PASSOTP_MIN_REMAINING"}},
			}},
		},
	}
	m := FromApp(a)
	var names []string
	for _, c := range m.Commands {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "code validate" {
		t.Fatalf("commands: got %q, want %q", got, "code validate")
	}
	code := m.Commands[0]
	if len(code.Flags) != 2 {
		t.Fatalf("code flags: got %+v", code.Flags)
	}
	want := []Flag{
		{Long: "clip", Short: "c", Usage: "copy"},
		{Long: "min-remaining", Arg: "SECONDS", Usage: "wait if fewer than SECONDS remain", Env: []string{"PASSOTP_MIN_REMAINING"}},
	}
	for i, f := range code.Flags {
		if f.Long != want[i].Long || f.Short != want[i].Short || f.Arg != want[i].Arg || f.Usage != want[i].Usage || strings.Join(f.Env, ",") != strings.Join(want[i].Env, ",") {
			t.Errorf("flag %d: got %+v, want %+v", i, f, want[i])
		}
	}
	if !code.Entries || m.Commands[1].Entries {
		t.Errorf("Entries: code %v, validate %v", code.Entries, m.Commands[1].Entries)
	}
}

// TestNotLinked checks that the generator never ends up in the passotp
// binary, and that the release build (-tags urfave_cli_no_docs, as
// install.sh builds it) links no man page renderer at all.
func TestNotLinked(t *testing.T) {
	for _, tc := range []struct {
		tags      string
		forbidden []string
	}{
		{"", []string{"github.com/passotp/passotp/internal/gendocs"}},
		{"urfave_cli_no_docs", []string{"github.com/passotp/passotp/internal/gendocs", "github.com/cpuguy83/go-md2man", "github.com/russross/blackfriday"}},
	} {
		args := []string{"list", "-deps"}
		if tc.tags != "" {
			args = append(args, "-tags", tc.tags)
		}
		cmd := exec.Command("go", append(args, "./cmd/passotp")...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tc.forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("cmd/passotp (tags %q) depends on %s", tc.tags, dep)
				}
			}
		}
	}
}

// TestFromAppDefaultCommand: a tree without a code command gets one from
// the app's own flags and usage, first.
func TestFromAppDefaultCommand(t *testing.T) {
	a := &cli.App{
		Name:      "passotp",
		Usage:     "print a code",
		ArgsUsage: "pass-name",
		Flags:     []cli.Flag{&cli.BoolFlag{Name: "clip", Aliases: []string{"c"}}},
		Commands:  []*cli.Command{{Name: "uri"}},
	}
	m := FromApp(a)
	if len(m.Commands) != 2 || m.Commands[0].Name != "code" || m.Commands[1].Name != "uri" {
		t.Fatalf("commands: %+v", m.Commands)
	}
	c := m.Commands[0]
	if c.Usage != "print a code" || c.ArgsUsage != "pass-name" || len(c.Flags) != 1 || c.Flags[0].Short != "c" || !c.Entries {
		t.Errorf("code: %+v", c)
	}
	// The generators accept the small tree.
	for _, gen := range []func(Model) ([]byte, error){Bash, Zsh, Fish, FishPass} {
		if _, err := gen(m); err != nil {
			t.Error(err)
		}
	}
	if md := ManMarkdown(m); !strings.Contains(string(md), "**--clip**") {
		t.Error("man page lacks --clip")
	}
}
