package otp

import (
	"reflect"
	"strings"
	"testing"
)

// The allocation trims on `passotp NAME`'s path (issue 3) are held here to
// the straightforward code they replaced.

// decodeRef is decode as first written: two replacements, printf %b, NUL
// bytes dropped, trailing newlines stripped.
func decodeRef(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	s = strings.ReplaceAll(s, "%", `\x`)
	out := strings.ReplaceAll(printfB([]byte(s)), "\x00", "")
	return strings.TrimRight(out, "\n")
}

var decodeSeeds = []string{
	"", "alice@example.com", "a\n\n", "\n", "a+b", "%41", `\x41`, "a\x00b", "%00\n", `\\%41`, `\%41`,
	"%" + strings.Repeat("%41+", 50), strings.Repeat("é", 100) + "%", strings.Repeat("%", 64), strings.Repeat("%", 65),
	strings.Repeat("a", 127) + "+", strings.Repeat("a", 128) + "+", "%C3%A9t%C3%A9", `a\cb%41`,
}

func TestDecodeRef(t *testing.T) {
	for _, s := range decodeSeeds {
		if got, want := decode(s), decodeRef(s); got != want {
			t.Errorf("decode(%q) = %q, reference %q", s, got, want)
		}
	}
}

// FuzzDecode compares decode with decodeRef on every input.
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := decode(s), decodeRef(s); got != want {
			t.Fatalf("decode(%q) = %q, reference %q", s, got, want)
		}
	})
}

// lookupRef is Lookup's default selection as first written: the first
// SourceURI match of FindAll, else gopass's keys in gopass's order.
func lookupRef(entry []byte) (*Match, error) {
	ms := FindAll(entry)
	for _, src := range []Source{SourceURI, SourceOtpauthKey, SourceTOTPKey, SourceHOTPKey} {
		for i := range ms {
			if ms[i].Source == src {
				return ms[i].result()
			}
		}
	}
	return nil, ErrNotFound
}

func checkLookupDefault(t *testing.T, entry []byte) {
	t.Helper()
	m, err := Lookup(entry, Selector{})
	want, wantErr := lookupRef(entry)
	if !reflect.DeepEqual(m, want) || !reflect.DeepEqual(err, wantErr) {
		t.Fatalf("Lookup(%q) = %+v, %v; reference %+v, %v", entry, m, err, want, wantErr)
	}
}

var lookupSeeds = []string{
	"", "\n", "pw", "pw\n", benchURI, benchURI + "\n", "pw\n" + benchURI + "\n",
	"pw\n \t otpauth://totp/a?secret=" + rfcKey + " \r\n",
	"pw\notpauth://totp/a?b\notpauth://totp/a?secret=" + rfcKey + "\n",
	"pw\ntotp: " + rfcKey + "\notpauth://hotp/a?secret=" + rfcKey + "&counter=3\n",
	"pw\notpauth: otpauth://totp/a?secret=" + rfcKey + "\n",
	"otpauth:/\notpauth://\n",
	"pw\n---\ntotp: " + rfcKey + "\n",
	"otpauth://totp/a?secret=`x\"\n",
}

func TestLookupDefaultRef(t *testing.T) {
	for _, s := range append(lookupSeeds, gopassEntries...) {
		checkLookupDefault(t, []byte(s))
	}
}

// FuzzLookupDefault compares Lookup's default selection with lookupRef.
func FuzzLookupDefault(f *testing.F) {
	for _, s := range append(lookupSeeds, gopassEntries...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, entry []byte) {
		checkLookupDefault(t, entry)
	})
}

// TestHotPathAllocs bounds the allocations of parsing the benchmark URI: the
// Key itself and nothing else (its labels need no decoding copies). Upper
// bounds: another Go release may well do better.
func TestHotPathAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Parse(benchURI) }); n > 1 {
		t.Errorf("Parse(benchURI) makes %v allocations, want at most 1", n)
	}
	entry := []byte("pw\n" + benchURI + "\n")
	// The Match, the URI string copied out of the entry and the Key.
	if n := testing.AllocsPerRun(100, func() { Lookup(entry, Selector{}) }); n > 3 {
		t.Errorf("Lookup makes %v allocations, want at most 3", n)
	}
}
