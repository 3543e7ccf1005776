package gpgio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sAtom(s string) *sexp   { return &sexp{atom: []byte(s)} }
func sList(e ...*sexp) *sexp { return &sexp{isList: true, list: e} }

var sexpTests = []struct {
	name string
	in   string
	want *sexp // nil: an error
}{
	{"canonical", "(3:rsa(1:n2:\x00\xc1))", sList(sAtom("rsa"), sList(sAtom("n"), sAtom("\x00\xc1")))},
	{"advanced tokens", "(rsa (n #00C1#) (e #010001#))", sList(sAtom("rsa"), sList(sAtom("n"), sAtom("\x00\xc1")), sList(sAtom("e"), sAtom("\x01\x00\x01")))},
	{"hex with whitespace", "(q #40A2\n  82D6#)", sList(sAtom("q"), sAtom("\x40\xa2\x82\xd6"))},
	{"quoted escapes", `(a "x\n\t\"\\\x41\101\'")`, sList(sAtom("a"), sAtom("x\n\t\"\\AA'"))},
	{"quoted continuation", "(a \"x\\\ny\")", sList(sAtom("a"), sAtom("xy"))},
	{"base64", "(a |AQID|)", sList(sAtom("a"), sAtom("\x01\x02\x03"))},
	{"length-prefixed forms", `(3"abc" 2#0102# 3|AQID|)`, sList(sAtom("abc"), sAtom("\x01\x02"), sAtom("\x01\x02\x03"))},
	{"display hint", "([4:text]5:hello)", sList(&sexp{hint: []byte("text"), atom: []byte("hello")})},
	{"advanced display hint", "([text/plain] hello)", sList(&sexp{hint: []byte("text/plain"), atom: []byte("hello")})},
	{"trailing NUL and newline", "(a)\x00\n", sList(sAtom("a"))},
	{"token chars", "(openpgp-s2k3-ocb-aes \"1.3.6.1\" *x+y=z/ a1:b)", sList(sAtom("openpgp-s2k3-ocb-aes"), sAtom("1.3.6.1"), sAtom("*x+y=z/"), sAtom("a1:b"))},
	{"nested", "((()))", sList(sList(sList()))},
	{"empty hex", "(a ##)", sList(sAtom("a"), sAtom(""))},
	{"zero-length atom", "(0:)", sList(sAtom(""))},
	{"quoted with spaces", `(curve "NIST P-256")`, sList(sAtom("curve"), sAtom("NIST P-256"))},

	{"unterminated", "(a (b)", nil},
	{"not a list", "abc", nil},
	{"trailing garbage", "(a)b", nil},
	{"odd hex", "(#123#)", nil},
	{"bad hex", "(#12x4#)", nil},
	{"length too long", "(5:ab)", nil},
	{"leading zero length", "(01:a)", nil},
	{"length mismatch", `(4"abc")`, nil},
	{"bad base64", "(|!!|)", nil},
	{"bad escape", `("\q")`, nil},
	{"bad octal", `("\19")`, nil},
	{"unterminated string", `("abc)`, nil},
	{"hint without atom", "([a])", nil},
	{"too deep", strings.Repeat("(", 17) + strings.Repeat(")", 17), nil},
	{"digit token", "(12)", nil},
	{"empty", "", nil},
}

func TestParseSexp(t *testing.T) {
	for _, tt := range sexpTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSexp([]byte(tt.in))
			if tt.want == nil {
				if err == nil || got != nil || !errors.Is(err, errSexp) {
					t.Fatalf("got %v, %v; want errSexp", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.equal(tt.want) {
				t.Fatalf("got %q, want %q", got.canonical(), tt.want.canonical())
			}
			// canonical → parse gives the same tree
			again, err := parseSexp(got.canonical())
			if err != nil || !again.equal(got) {
				t.Fatalf("canonical round trip: %v", err)
			}
		})
	}
}

func TestSexpDepthLimit(t *testing.T) {
	ok := strings.Repeat("(", 16) + strings.Repeat(")", 16)
	if _, err := parseSexp([]byte(ok)); err != nil {
		t.Fatalf("depth 16: %v", err)
	}
}

func TestSexpAccessors(t *testing.T) {
	s, err := parseSexp([]byte("(private-key (ecc (curve Curve25519)(flags djb-tweak)(q #40#)(d #01#)))"))
	if err != nil {
		t.Fatal(err)
	}
	if s.name() != "private-key" || s.list[1].name() != "ecc" {
		t.Fatal("names")
	}
	k := s.list[1]
	if string(k.value("curve")) != "Curve25519" || !bytes.Equal(k.value("q"), []byte{0x40}) || k.value("x") != nil {
		t.Fatal("values")
	}
}

func FuzzSexp(f *testing.F) {
	for _, tt := range sexpTests {
		f.Add([]byte(tt.in))
	}
	files, _ := filepath.Glob("testdata/keys/*.key")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			if s, _, err := parseKeyFile(b); err == nil {
				f.Add(s.canonical())
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseSexp(b)
		if err != nil {
			if s != nil {
				t.Fatal("tree returned with an error")
			}
			return
		}
		c := s.canonical()
		s2, err := parseSexp(c)
		if err != nil {
			t.Fatalf("canonical output does not parse: %v", err)
		}
		if !s.equal(s2) {
			t.Fatal("canonical round trip changed the tree")
		}
		if !bytes.Equal(s2.canonical(), c) {
			t.Fatal("canonical output is not stable")
		}
	})
}
