package otp

import (
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// uriOracle is compat.md §6 step 2 as a regexp: the definition of record
// that matchURI must reproduce index for index (it was proven equal to
// pass-otp's bash regex on generated URIs).
var uriOracle = regexp.MustCompile(`(?s)^otpauth://(totp|hotp)(/(([^:?]+)?(:([^:?]*))?)(:([0-9]+))?)?\?(.+)$`)

// checkMatchURI fails when matchURI and the regexp disagree on s.
func checkMatchURI(t testing.TB, s string) {
	t.Helper()
	want := uriOracle.FindStringSubmatchIndex(s)
	got, ok := matchURI(s)
	switch {
	case want == nil && ok:
		t.Fatalf("matchURI(%q) = %v, regexp: no match", s, got)
	case want != nil && !ok:
		t.Fatalf("matchURI(%q): no match, regexp %v", s, want)
	case want != nil && !slices.Equal(got[:], want):
		t.Fatalf("matchURI(%q) = %v, regexp %v", s, got, want)
	}
}

// matchCases are hand-picked inputs for every branch of the grammar; the
// want column is the expected groups 4 (issuer), 6 (account), 8 (port) and
// 9 (query) as "-" for unset, or "no" for no match. The regexp is checked
// too, so a wrong want here is a wrong test, not a wrong matcher.
var matchCases = []struct {
	in   string
	want string
}{
	{"otpauth://totp/a?x", "a - - x"},
	{"otpauth://hotp/a?x", "a - - x"},
	{"otpauth://totp?x", "- - - x"},
	{"otpauth://totp?", "no"},
	{"otpauth://totp", "no"},
	{"otpauth://tot", "no"},
	{"", "no"},
	{"otpauth://TOTP/a?x", "no"},
	{"otpauth://xotp/a?x", "no"},
	{"Otpauth://totp/a?x", "no"},
	{"otpauth://totpx?y", "no"},
	{"otpauth://totp/?x", "- - - x"},
	{"otpauth://totp/?", "no"},
	{"otpauth://totp/", "no"},
	{"otpauth://totp/a", "no"},
	{"otpauth://totp/a?", "no"},
	{"otpauth://totp/a??", "a - - ?"},
	{"otpauth://totp/a?b?c", "a - - b?c"},
	{"otpauth://totp/a:b?x", "a b - x"},
	{"otpauth://totp/:b?x", "- b - x"},
	{"otpauth://totp/a:?x", "a  - x"},
	{"otpauth://totp/:?x", "-  - x"},
	{"otpauth://totp/a:12?x", "a 12 - x"},
	{"otpauth://totp/:12?x", "- 12 - x"},
	{"otpauth://totp/a:b:12?x", "a b 12 x"},
	{"otpauth://totp/a::12?x", "a  12 x"},
	{"otpauth://totp/::12?x", "-  12 x"},
	{"otpauth://totp/a:b:c?x", "no"},
	{"otpauth://totp/a:b:?x", "no"},
	{"otpauth://totp/a:b:12", "no"},
	{"otpauth://totp/a:b:12?", "no"},
	{"otpauth://totp/a:b:1x?y", "no"},
	{"otpauth://totp/a:b:12:3?x", "no"},
	{"otpauth://totp/a:b", "no"},
	{"otpauth://totp/a:b?", "no"},
	{"otpauth://totp/a:12?", "no"},
	{"otpauth://totp/a:b:c", "no"},
	{"otpauth://totp/a:", "no"},
	{"otpauth://totp/a::", "no"},
	{"otpauth://totp/a?x\ny", "a - - x\ny"},
	{"otpauth://totp/a\nb:c\n?\n", "a\nb c\n - \n"},
	{"otpauth://totp/a?\n", "a - - \n"},
	{"otpauth://totp\n?x", "no"},
	{"otpauth://totp/\xff\xfe:\x80?\xc3", "\xff\xfe \x80 - \xc3"},
	{"otpauth://totp/é:€?ü", "é € - ü"},
	{"otpauth://totp/a:b:१२?x", "no"}, // only ASCII digits
	{"otpauth://totp/a/b:c/d?x", "a/b c/d - x"},
	{"otpauth://totp//?x", "/ - - x"},
	{"otpauth://totp/a:b:0?x:1?y", "a b 0 x:1?y"},
	{"otpauth://totp/a b:c d?e f", "a b c d - e f"},
	{"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example", "Example alice@google.com - secret=JBSWY3DPEHPK3PXP&issuer=Example"},
	{" otpauth://totp/a?x", "no"},
	{"otpauth://totp/a?x\x00", "a - - x\x00"},
}

func TestMatchURI(t *testing.T) {
	for _, tc := range matchCases {
		checkMatchURI(t, tc.in)
		m, ok := matchURI(tc.in)
		got := "no"
		if ok {
			g := func(i int) string {
				if m[2*i] < 0 {
					return "-"
				}
				return tc.in[m[2*i]:m[2*i+1]]
			}
			got = strings.Join([]string{g(4), g(6), g(8), g(9)}, " ")
		}
		if got != tc.want {
			t.Errorf("matchURI(%q) groups 4 6 8 9 = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range parseCases {
		checkMatchURI(t, tc.in)
	}
}

// uriPieces are what the random URIs are made of: the grammar's own
// tokens, near misses, and bytes that are special to regexp or UTF-8.
var uriPieces = []string{
	"otpauth://", "otpauth:/", "totp", "hotp", "tot", "/", "/", "//", ":", ":", ":", "?", "?", "?",
	"0", "1", "9", "12", "007", "a", "b", "Z", "ab", "x", "=", "&", "secret=", "\n", "\r", " ",
	"%", "%41", "\\", "\x00", "\xff", "é", "€", "١", "-", ".",
}

// labelPieces make up labels, ports and queries in the random URIs.
var labelPieces = []string{"a", "b", "Z", "0", "1", "12", "9", "=", "&", "/", " ", "\n", "%41", "\\", "é", "\xff", "\x00"}

// randomURI builds a string biased towards the grammar: usually the shape
// otpauth://TYPE[/[LABEL][:[LABEL]][:DIGITS]][?[QUERY]], sometimes with
// pieces inserted or the tail replaced by random pieces.
func randomURI(r *rand.Rand) string {
	pick := func(p []string) string { return p[r.IntN(len(p))] }
	word := func(max int) string {
		var b strings.Builder
		for n := r.IntN(max + 1); n > 0; n-- {
			b.WriteString(pick(labelPieces))
		}
		return b.String()
	}
	digits := func() string {
		var b strings.Builder
		for n := r.IntN(3); n >= 0; n-- {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		if r.IntN(8) == 0 {
			b.WriteString(pick(labelPieces)) // a near miss
		}
		return b.String()
	}
	var b strings.Builder
	b.WriteString("otpauth://")
	b.WriteString(pick([]string{"totp", "hotp", "totp", "hotp", "tot", "TOTP", ""}))
	if r.IntN(6) != 0 {
		b.WriteString("/")
		b.WriteString(word(3))
		for n := r.IntN(3); n > 0; n-- {
			b.WriteString(":")
			if r.IntN(2) == 0 {
				b.WriteString(digits())
			} else {
				b.WriteString(word(2))
			}
		}
	}
	for n := r.IntN(3); n > 0; n-- {
		b.WriteString("?")
		b.WriteString(word(3))
	}
	s := b.String()
	switch r.IntN(4) {
	case 0: // insert pieces anywhere
		for n := 1 + r.IntN(2); n > 0; n-- {
			i := r.IntN(len(s) + 1)
			s = s[:i] + pick(uriPieces) + s[i:]
		}
	case 1: // keep a prefix, then random pieces
		s = s[:r.IntN(len(s)+1)]
		for n := r.IntN(8); n > 0; n-- {
			s += pick(uriPieces)
		}
	}
	return s
}

// TestMatchURIRandom compares matchURI with the regexp on many generated
// strings (a fixed seed, so a failure reproduces).
func TestMatchURIRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 2026))
	n := 50000
	if testing.Short() {
		n = 5000
	}
	// The generator must reach every shape of match, not only rejections.
	shapes := map[string]int{}
	for range n {
		s := randomURI(r)
		checkMatchURI(t, s)
		m, ok := matchURI(s)
		switch {
		case !ok:
			shapes["no match"]++
		case m[4] < 0:
			shapes["no path"]++
		case m[14] >= 0 && m[8] < 0:
			shapes["port, no issuer"]++
		case m[14] >= 0:
			shapes["port"]++
		case m[10] >= 0 && m[8] < 0:
			shapes["account, no issuer"]++
		case m[10] >= 0:
			shapes["issuer and account"]++
		case m[8] >= 0:
			shapes["label without colon"]++
		default:
			shapes["empty label"]++
		}
		if ok && strings.Contains(s[m[18]:], "\n") {
			shapes["newline in query"]++
		}
	}
	for _, shape := range []string{"no match", "no path", "port, no issuer", "port", "account, no issuer",
		"issuer and account", "label without colon", "empty label", "newline in query"} {
		if shapes[shape] < n/1000 {
			t.Errorf("only %d of %d generated strings have shape %q: generator too skewed", shapes[shape], n, shape)
		}
	}
	t.Logf("shapes of %d strings: %v", n, shapes)
}

// FuzzURIMatch compares matchURI with the regexp on every input.
func FuzzURIMatch(f *testing.F) {
	for _, tc := range matchCases {
		f.Add(tc.in)
	}
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkMatchURI(t, s)
	})
}

// TestNoRegexp keeps package regexp out of otp's non-test code: compiling
// the grammar at init cost every run of passotp 0.05 ms and 18.5 KB
// (issue 3).
func TestNoRegexp(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "regexp" || strings.HasPrefix(path, "regexp/") {
				t.Errorf("%s imports %s: match by hand (see matchURI)", name, path)
			}
		}
	}
}
