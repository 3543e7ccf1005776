package gitconfig_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/gitconfig"
)

// result is what a parse produced: the entries as git config --list -z
// prints them, then "ERROR N" for a malformed line N.
func parse(data []byte) []string {
	var out []string
	err := gitconfig.Parse(data, func(e gitconfig.Entry) error {
		if e.NoValue {
			out = append(out, e.Name())
		} else {
			out = append(out, e.Name()+"="+e.Value)
		}
		return nil
	})
	var se *gitconfig.SyntaxError
	if errors.As(err, &se) {
		out = append(out, "ERROR "+strconv.Itoa(se.Line))
	} else if err != nil {
		out = append(out, "UNEXPECTED "+err.Error())
	}
	return out
}

var badLine = regexp.MustCompile(`^fatal: bad config line (\d+) in file `)

// gitParse runs git config --file F --list -z on data.
func gitParse(t testing.TB, dir string, data []byte) []string {
	t.Helper()
	f := filepath.Join(dir, "config")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "config", "--file", f, "--list", "-z")
	cmd.Env = []string{"HOME=" + dir, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C", "PATH=" + os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var out []string
	for _, rec := range strings.Split(stdout.String(), "\x00") {
		if rec == "" {
			continue
		}
		if name, val, ok := strings.Cut(rec, "\n"); ok {
			out = append(out, name+"="+val)
		} else {
			out = append(out, rec)
		}
	}
	if err != nil {
		m := badLine.FindStringSubmatch(stderr.String())
		if m == nil {
			t.Fatalf("git config: %v: %s", err, stderr.String())
		}
		out = append(out, "ERROR "+m[1])
	}
	return out
}

func requireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("PASSOTP_ALLOW_SKIP") == "1" {
			t.Skip("git not installed")
		}
		t.Fatal("git not installed (PASSOTP_ALLOW_SKIP=1 to skip)")
	}
}

var parseTests = []struct {
	name string
	in   string
	want []string
}{
	{"empty", "", nil},
	{"basic", "[user]\n\tname = A U Thor\n\temail = a@example.org\n", []string{"user.name=A U Thor", "user.email=a@example.org"}},
	{"case", "[User]\n\tNAME = x\n[Remote \"OriGin\"]\nURL=u\n[Legacy.SUB]\nK=v\n", []string{"user.name=x", "remote.OriGin.url=u", "legacy.sub.k=v"}},
	{"no value", "[pass]\n\tsigncommits\n\tother =\n", []string{"pass.signcommits", "pass.other="}},
	{"blanks", "[a]\nk =   x \t y  \t\n", []string{"a.k=x   y"}},
	{"quotes", "[a]\nk = \" x ; # \" y\n", []string{"a.k= x ; #  y"}},
	{"escapes", "[a]\nk = a\\tb\\nc\\bd\\\\e\\\"f\n", []string{"a.k=a\tb\nc\bd\\e\"f"}},
	{"bad escape", "[a]\nk = a\\x\n", []string{"ERROR 2"}},
	{"continuation", "[a]\nk = one \\\n  two\nl = 3\n", []string{"a.k=one   two", "a.l=3"}},
	{"comments", "# c\n; c\n[a] # c\nk = v # c\nl = v;c\n", []string{"a.k=v", "a.l=v"}},
	{"key comment", "[a]\nk # c\n", []string{"ERROR 2"}},
	{"header and key", "[a] k = v\n", []string{"a.k=v"}},
	{"subsection escapes", "[a \"x\\\"y\\\\z\\q\"]\nk=1\n", []string{"a.x\"y\\zq.k=1"}},
	{"empty subsection", "[a \"\"]\nk=1\n", []string{"a..k=1"}},
	{"empty section", "[]\nk=1\n", []string{"ERROR 1"}},
	{"unterminated header", "[a", []string{"ERROR 2"}},
	{"unterminated subsection", "[a \"b\nk=1\n", []string{"ERROR 1"}},
	{"space after quote", "[a \"b\" ]\n", []string{"ERROR 1"}},
	{"unterminated quote", "[a]\nk=\"x\n", []string{"ERROR 2"}},
	{"key before section", "k=v\n", []string{"k=v"}},
	{"bad key", "[a]\n1k=v\n", []string{"ERROR 2"}},
	{"entries before error", "[a]\nk=v\n!\n", []string{"a.k=v", "ERROR 3"}},
	{"bom", "\xef\xbb\xbf[a]\nk=v", []string{"a.k=v"}},
	{"partial bom", "\xef\xbb[a]\n", []string{"ERROR 1"}},
	{"crlf", "[a]\r\nk = v\r\nl = \"x\r\n", []string{"a.k=v", "ERROR 3"}},
	{"lone cr", "[a]\nk = v\rw\r\n", []string{"a.k=v w"}},
	{"nul in value", "[a]\nk = x\x00y\n", []string{"a.k=x"}},
	{"dotted section", "[a.b \"C\"]\nk\n", []string{"a.b.C.k"}},
	{"trailing backslash at end", "[a]\nk = v\\", []string{"a.k=v"}},
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := parse([]byte(tt.in)); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseCallbackError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	n := 0
	err := gitconfig.Parse([]byte("[a]\nk=1\nl=2\n"), func(gitconfig.Entry) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("Parse = %v after %d entries, want stop after 1", err, n)
	}
}

func TestEntryLine(t *testing.T) {
	t.Parallel()
	var lines []int
	gitconfig.Parse([]byte("[a]\nk=1\n\nl=2 \\\n3\nm\n"), func(e gitconfig.Entry) error {
		lines = append(lines, e.Line)
		return nil
	})
	if fmt.Sprint(lines) != "[2 5 6]" {
		t.Errorf("lines %v, want [2 5 6]", lines)
	}
}

// TestParseGit compares the table with git config --list.
func TestParseGit(t *testing.T) {
	requireGit(t)
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range parseTests {
		if want, got := gitParse(t, dir, []byte(tt.in)), parse([]byte(tt.in)); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("%s: Parse(%q) = %q, git says %q", tt.name, tt.in, got, want)
		}
	}
}

// randomConfig builds a file from fragments that exercise every rule,
// valid and invalid.
func randomConfig(r *rand.Rand) []byte {
	pick := func(s ...string) string { return s[r.Intn(len(s))] }
	names := []string{"a", "Core", "user", "x-y", "s1", "B2-", "include", "pass"}
	subs := []string{"", "Sub", "a b", `q\"q`, `b\\s`, `e\x`, "ü", "#;", "[x]", "tab\tx"}
	keys := []string{"k", "Name", "a-b", "x1", "signCommits", "PATH"}
	vals := []string{"", "v", " v ", "a  b", "a\tb", `"q ; #"`, `"`, `a"b"c`, `\n\t\b\\\"`, `\x`, "# c", "; c",
		`x \`, `"x \`, "\r", "é", `"" x`, `x ""`, " \t", `\`}
	var b strings.Builder
	if r.Intn(20) == 0 {
		b.WriteString(pick("\xef\xbb\xbf", "\xef\xbb", "\xef"))
	}
	nl := func() string { return pick("\n", "\n", "\n", "\r\n", "\r", " \n") }
	for n := r.Intn(8); n > 0; n-- {
		switch r.Intn(10) {
		case 0, 1:
			switch r.Intn(6) {
			case 0:
				b.WriteString("[" + pick(names...) + "." + pick(names...) + "]")
			case 1:
				b.WriteString("[" + pick(names...) + pick(" ", "\t", "  ", "") + `"` + pick(subs...) + pick(`"]`, `"`, `" ]`, `"]]`, ``) + "")
			case 2:
				b.WriteString("[" + pick(names...) + pick("]", "", " ]", "]x", "!]"))
			default:
				b.WriteString("[" + pick(names...) + "]")
			}
		case 2:
			b.WriteString(pick("# comment", "; comment", "", "  ", "\t# x \"", "!", "1=2", "=v"))
		default:
			b.WriteString(pick("", "\t", "  ") + pick(keys...) + pick("", " ", "\t", "  "))
			if r.Intn(5) > 0 {
				b.WriteString("=" + pick("", " ", "\t"))
				for m := r.Intn(3) + 1; m > 0; m-- {
					b.WriteString(pick(vals...))
				}
			} else if r.Intn(4) == 0 {
				b.WriteString(pick(";c", "#c", "x", "."))
			}
		}
		if r.Intn(30) > 0 {
			b.WriteString(nl())
		}
	}
	return []byte(b.String())
}

// TestParseGitRandom compares a few hundred generated files (a fixed seed,
// so failures reproduce) with git config --list.
func TestParseGitRandom(t *testing.T) {
	requireGit(t)
	t.Parallel()
	r := rand.New(rand.NewSource(20261123))
	dir := t.TempDir()
	n, bad := 300, 0
	if testing.Short() {
		n = 50
	}
	errs := 0
	for i := 0; i < n; i++ {
		data := randomConfig(r)
		want, got := gitParse(t, dir, data), parse(data)
		if len(want) > 0 && strings.HasPrefix(want[len(want)-1], "ERROR") {
			errs++
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("file %d %q:\n got %q\ngit %q", i, data, got, want)
			if bad++; bad > 5 {
				t.Fatal("too many differences")
			}
		}
	}
	// git config --get of a few keys (in upper case: names are
	// case-insensitive but for the subsection) is the last value.
	r = rand.New(rand.NewSource(5))
	gets := 0
	for i := 0; i < 10*n && gets < n/5; i++ {
		data := randomConfig(r)
		last := map[string]string{}
		var names []string
		err := gitconfig.Parse(data, func(e gitconfig.Entry) error {
			if e.Section == "" || strings.ContainsAny(e.Section, ".") || strings.ContainsAny(e.Subsection, "\n\x00") {
				return nil
			}
			upper := strings.ToUpper(e.Section) + "." + strings.ToUpper(e.Key)
			if e.HasSub {
				upper = strings.ToUpper(e.Section) + "." + e.Subsection + "." + strings.ToUpper(e.Key)
			}
			if _, ok := last[upper]; !ok {
				names = append(names, upper)
			}
			last[upper] = e.Value
			return nil
		})
		if err != nil {
			continue
		}
		f := filepath.Join(dir, "config")
		os.WriteFile(f, data, 0o600)
		for j, name := range names {
			if j == 3 {
				break
			}
			cmd := exec.Command("git", "config", "--file", f, "-z", "--get", name)
			cmd.Env = []string{"HOME=" + dir, "GIT_CONFIG_NOSYSTEM=1", "PATH=" + os.Getenv("PATH")}
			out, err := cmd.Output()
			if err != nil || string(out) != last[name]+"\x00" {
				t.Errorf("file %q: git config --get %q = %q (%v), we read %q", data, name, out, err, last[name])
			}
			gets++
		}
	}
	if gets < n/5 {
		t.Errorf("only %d --get comparisons", gets)
	}
	// The generator must exercise both outcomes.
	if errs < n/10 || errs > n*9/10 {
		t.Errorf("%d of %d generated files are malformed: generator out of balance", errs, n)
	}
	t.Logf("%d files, %d malformed, all as git reads them; %d keys read back with git config --get", n, errs, gets)
}

// FuzzParse: no panic, consistent errors, and (git is cheap enough to run
// per input) the same entries and error line as git config --list, except
// for a NUL inside a section header, which git truncates and we refuse.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.in))
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		f.Add(randomConfig(r))
	}
	_, gitErr := exec.LookPath("git")
	f.Fuzz(func(t *testing.T, data []byte) {
		got := parse(data)
		for i, s := range got {
			if strings.HasPrefix(s, "ERROR") && i != len(got)-1 || strings.HasPrefix(s, "UNEXPECTED") {
				t.Fatalf("Parse(%q) = %q", data, got)
			}
		}
		if gitErr != nil || bytes.IndexByte(data, 0) >= 0 {
			return
		}
		if want := gitParse(t, t.TempDir(), data); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("Parse(%q) = %q, git says %q", data, got, want)
		}
	})
}
