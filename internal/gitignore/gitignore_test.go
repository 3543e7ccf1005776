package gitignore

import (
	"strings"
	"testing"
)

// wildmatchTests follow git's t3070-wildmatch.sh: pattern, text, and the
// result without and with WM_PATHNAME. gitignore uses the plain mode only
// on base names (no "/"); where the text has a "/", the plain results
// below are read from wildmatch.c (a "**" outside "/**/" never crosses a
// slash, in either mode).
var wildmatchTests = []struct {
	pat, text     string
	plain, pathnm bool
}{
	{"foo", "foo", true, true},
	{"foo", "bar", false, false},
	{"", "", true, true},
	{"???", "foo", true, true},
	{"??", "foo", false, false},
	{"*", "foo", true, true},
	{"f*", "foo", true, true},
	{"*f", "foo", false, false},
	{"*foo*", "foo", true, true},
	{"*ob*a*r*", "foobar", true, true},
	{"*ab", "aaaaaaabababab", true, true},
	{"foo\\*", "foo*", true, true},
	{"foo\\*bar", "foobar", false, false},
	{"f\\\\oo", "f\\oo", true, true},
	{"*[al]?", "ball", true, true},
	{"[ten]", "ten", false, false},
	{"**[!te]", "ten", true, true},
	{"**[!ten]", "ten", false, false},
	{"t[a-g]n", "ten", true, true},
	{"t[!a-g]n", "ten", false, false},
	{"t[!a-g]n", "ton", true, true},
	{"t[^a-g]n", "ton", true, true},
	{"a[]]b", "a]b", true, true},
	{"a[]-]b", "a-b", true, true},
	{"a[]-]b", "a]b", true, true},
	{"a[]-]b", "aab", false, false},
	{"a[]a-]b", "aab", true, true},
	{"]", "]", true, true},
	{"foo*bar", "foo/baz/bar", true, false},
	{"foo**bar", "foo/baz/bar", false, false},
	{"foo?bar", "foo/bar", true, false},
	{"foo[/]bar", "foo/bar", true, false},
	{"foo[^a-z]bar", "foo/bar", true, false},
	{"f[^eiu][^eiu][^eiu][^eiu][^eiu]r", "foo/bar", true, false},
	{"**/foo", "foo", true, true},
	{"**/foo", "XXX/foo", true, true},
	{"**/foo", "bar/baz/foo", true, true},
	{"*/foo", "bar/baz/foo", true, false},
	{"**/bar*", "foo/bar/baz", true, false},
	{"**/bar/*", "deep/foo/bar/baz", true, true},
	{"**/bar/*", "deep/foo/bar/baz/", true, false},
	{"**/bar/**", "deep/foo/bar/baz/", true, true},
	{"**/bar/*", "deep/foo/bar", false, false},
	{"**/bar/**", "deep/foo/bar/", true, true},
	{"**/bar**", "foo/bar/baz", false, false},
	{"*/bar/**", "deep/foo/bar/baz/x", true, false},
	{"**/bar/*/*", "deep/foo/bar/baz/x", true, true},
	{"a/**/b", "a/b", true, true},
	{"a/**/b", "a/x/y/b", true, true},
	{"a**b", "a/x/b", false, false},
	{"[[:alpha:]][[:digit:]][[:upper:]]", "a1B", true, true},
	{"[[:digit:][:upper:][:space:]]", "a", false, false},
	{"[[:digit:][:upper:][:space:]]", "A", true, true},
	{"[[:digit:][:upper:][:space:]]", " ", true, true},
	{"[[:digit:][:upper:][:spaci:]]", "1", false, false},
	{"[[:xdigit:]]", "F", true, true},
	{"[[:punct:]]", "/", true, false},
	{"[[:punct:]]", "!", true, true},
	{"[a-c[:digit:]x-z]", "5", true, true},
	{"[a-c[:digit:]x-z]", "q", false, false},
	{"[\\-^]", "]", false, false},
	{"[\\-^]", "-", true, true},
	{"[\\]]", "]", true, true},
	{"[\\]]", "\\]", false, false},
	{"[!]-]", "]", false, false},
	{"[!]-]", "a", true, true},
	{"\\", "\\", false, false},
	{"[", "[", false, false},
	{"[!", "[!", false, false},
	{"[-]", "-", true, true},
	{"[:alpha:]", "l", true, true},
	{"-*-*-*-*-*-*-12-*-*-*-m-*-*-*", "-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1", true, true},
	{"XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*", "XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1", false, false},
	{"**/*a*b*g*n*t", "abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz", false, false},
}

func TestWildmatch(t *testing.T) {
	t.Parallel()
	for _, tt := range wildmatchTests {
		if got := wildmatch(tt.pat, tt.text, false); got != tt.plain {
			t.Errorf("wildmatch(%q, %q) = %v, want %v", tt.pat, tt.text, got, tt.plain)
		}
		if got := wildmatch(tt.pat, tt.text, true); got != tt.pathnm {
			t.Errorf("wildmatch(%q, %q, WM_PATHNAME) = %v, want %v", tt.pat, tt.text, got, tt.pathnm)
		}
	}
}

var patternTests = []struct {
	file, base, path string
	isDir            bool
	want             string // "exclude", "include" (a "!" pattern matched) or ""
}{
	{"*.gpg\n", "", "a/b.gpg", false, "exclude"},
	{"*.gpg\n!keep.gpg\n", "", "keep.gpg", false, "include"},
	{"/top.gpg\n", "", "d/top.gpg", false, ""},
	{"/top.gpg\n", "", "top.gpg", false, "exclude"},
	{"d/\n", "", "d", false, ""},
	{"d/\n", "", "x/d", true, "exclude"},
	{"a/b\n", "sub/", "sub/a/b", false, "exclude"},
	{"a/b\n", "sub/", "a/b", false, ""},
	{"b\n", "sub/", "x/b", false, "exclude"},
	{"trail  \n", "", "trail", false, "exclude"},
	{"trail\\ \n", "", "trail ", false, "exclude"},
	{"\\!x\n", "", "!x", false, "exclude"},
	{"\\#x\n", "", "#x", false, "exclude"},
	{"#x\n", "", "#x", false, ""},
	{"\xef\xbb\xbfbom\r\n", "", "bom", false, "exclude"},
	{"last\r", "", "last", false, "exclude"},
	{"**/deep/**\n", "", "a/deep/b", false, "exclude"},
	{"!\n/\n", "", "x", false, ""},
}

func TestPatterns(t *testing.T) {
	t.Parallel()
	for _, tt := range patternTests {
		got := ""
		if p := List(Parse([]byte(tt.file), tt.base)).Match(tt.path, tt.isDir); p != nil {
			got = map[bool]string{false: "exclude", true: "include"}[p.Negative()]
		}
		if got != tt.want {
			t.Errorf("%q in %q: %q is %q, want %q", tt.file, tt.base, tt.path, got, tt.want)
		}
	}
}

// FuzzMatch: parsing and matching never panic, whatever the pattern and
// path; a pattern without glob characters matches its own text.
// (passstore's differential test compares the results with git.)
func FuzzMatch(f *testing.F) {
	for _, tt := range wildmatchTests {
		f.Add(tt.pat, tt.text, "")
	}
	for _, tt := range patternTests {
		f.Add(tt.file, tt.path, tt.base)
	}
	f.Fuzz(func(t *testing.T, file, path, base string) {
		for _, p := range Parse([]byte(file), base) {
			p.Match(path, false)
			p.Match(path, true)
		}
		wildmatch(file, path, true)
		if !strings.ContainsAny(file, "*?[\\") && !wildmatch(file, file, true) {
			t.Errorf("literal %q does not match itself", file)
		}
	})
}
