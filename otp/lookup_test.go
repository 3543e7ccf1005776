package otp

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// RFC 4226's key, base32: HOTP(1) = 287082, HOTP(7) = 162583, HOTP(8) = 399871.
var rfcKey = b32("12345678901234567890")

func TestLookupDefault(t *testing.T) {
	t.Parallel()
	at := time.Unix(59, 0)
	want := "287082" // TOTP at 59 s with the RFC key, 6 digits (step 1)
	tests := []struct {
		name   string
		entry  string
		source Source
		line   int
		err    error // sentinel, or nil
	}{
		{"pass-otp line", "pw\notpauth://totp/a?secret=" + rfcKey + "\n", SourceURI, 2, nil},
		{"uri on line 1", "otpauth://totp/a?secret=" + rfcKey, SourceURI, 1, nil},
		{"indented uri", "pw\n   otpauth://totp/a?secret=" + rfcKey + "\n", SourceURI, 2, nil},
		{"akv totp", "pw\nuser: alice\ntotp: " + rfcKey + "\n", SourceTOTPKey, 3, nil},
		{"akv totp lower case secret", "pw\ntotp: " + strings.ToLower(rfcKey) + "\n", SourceTOTPKey, 2, nil},
		{"akv totp crlf", "pw\r\ntotp: " + rfcKey + "\r\n", SourceTOTPKey, 2, nil},
		{"akv totp uri", "pw\ntotp: otpauth://totp/a?secret=" + rfcKey + "\n", SourceTOTPKey, 2, nil},
		// Secrets with spaces are normalised (oathtool's rule; gopass #1218
		// refuses them), in a bare key and in a key's URI.
		{"akv totp spaced secret", "pw\ntotp: " + spaced(rfcKey) + "\n", SourceTOTPKey, 2, nil},
		{"yaml totp spaced lower secret", "pw\n---\ntotp: " + strings.ToLower(spaced(rfcKey)) + "\n", SourceTOTPKey, 3, nil},
		{"otpauth key spaced secret", "pw\notpauth: //totp/a?secret=" + spaced(rfcKey) + "\n", SourceOtpauthKey, 2, nil},
		{"uri line spaced secret", "pw\notpauth://totp/a?secret=" + spaced(rfcKey) + "\n", SourceURI, 2, nil},
		{"otpauth key with prefix", "pw\notpauth: otpauth://totp/a?secret=" + rfcKey + "\n", SourceOtpauthKey, 2, nil},
		{"otpauth key without prefix", "pw\notpauth: //totp/a?secret=" + rfcKey + "\n", SourceOtpauthKey, 2, nil},
		{"otpauth key beats totp", "pw\ntotp: AAAA\notpauth: //totp/a?secret=" + rfcKey + "\n", SourceOtpauthKey, 3, nil},
		{"totp beats hotp", "pw\nhotp: AAAA\ntotp: " + rfcKey + "\n", SourceTOTPKey, 3, nil},
		{"uri line beats keys", "pw\ntotp: AAAAAAAA\nx\notpauth://totp/a?secret=" + rfcKey + "\n", SourceURI, 4, nil},
		{"first of two keys", "pw\ntotp: " + rfcKey + "\ntotp: AAAAAAAA\n", SourceTOTPKey, 2, nil},
		{"indented akv key", "pw\n  totp: " + rfcKey + "\n", SourceTOTPKey, 2, nil},
		{"yaml", "pw\n---\nuser: alice\ntotp: " + rfcKey + "\n", SourceTOTPKey, 4, nil},
		{"yaml quoted", "pw\nbody\n---\ntotp: \"" + rfcKey + "\"\n", SourceTOTPKey, 4, nil},
		{"yaml single quoted comment", "pw\n---\ntotp: '" + rfcKey + "' # mine\n", SourceTOTPKey, 3, nil},
		{"yaml no password", "---\ntotp: " + rfcKey + "\n", SourceTOTPKey, 2, nil},
		{"yaml nested skipped", "pw\n---\nextra:\n  totp: AAAA\ntotp: " + rfcKey + "\n", SourceTOTPKey, 5, nil},
		{"yaml invalid falls back to akv", "pw\n---\n- list\ntotp: " + rfcKey + "\n", SourceTOTPKey, 4, nil},
		{"mime", "GOPASS-SECRET-1.0\nPassword: pw\nTotp: " + rfcKey + "\n\nbody\n", SourceTOTPKey, 3, nil},
		{"password line never", rfcKey + "\n", 0, 0, ErrNotFound},
		{"upper key", "pw\nTOTP: " + rfcKey + "\n", 0, 0, ErrNotFound},
		{"no space", "pw\ntotp:" + rfcKey + "\n", 0, 0, ErrNotFound},
		{"yaml body keys ignored", "pw\ntotp: " + rfcKey + "\n---\nuser: x\n", 0, 0, ErrNotFound},
		{"empty", "", 0, 0, ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Lookup([]byte(tc.entry), Selector{})
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Source != tc.source || m.Line != tc.line {
				t.Errorf("source %v line %d, want %v line %d", m.Source, m.Line, tc.source, tc.line)
			}
			c, err := m.Key.TOTP(at)
			if err != nil || c.Value != want {
				t.Errorf("code %q, %v; want %s", c.Value, err, want)
			}
		})
	}
}

// spaced groups s in fours with spaces, as secrets are often shown.
func spaced(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

func TestLookupBadFirstURI(t *testing.T) {
	_, err := Lookup([]byte("pw\notpauth://totp/?secret=X\notpauth://totp/a?secret="+rfcKey+"\n"), Selector{})
	var ue *URIError
	if !errors.As(err, &ue) || ue.Reason != ReasonAccount {
		t.Fatalf("err = %v, want missing accountname (pass-otp uses the first line)", err)
	}
}

func TestLookupSelect(t *testing.T) {
	t.Parallel()
	entry := []byte("pw\n" +
		"otpauth://totp/GitHub:alice?secret=" + rfcKey + "\n" + // 2
		"otpauth://totp/AWS:alice?secret=GEZDGNBV\n" + // 3
		"otpauth://totp/bob?secret=GEZDGNBV&issuer=AWS\n" + // 4
		"totp: JBSWY3DPEHPK3PXP\n") // 5
	tests := []struct {
		sel  Selector
		line int
		err  error
	}{
		{Selector{Line: 3}, 3, nil},
		{Selector{Line: 5}, 5, nil},
		{Selector{Line: 1}, 0, ErrNotFound},
		{Selector{Line: 99}, 0, ErrNotFound},
		{Selector{Label: "GitHub:alice"}, 2, nil},
		{Selector{Label: "GitHub"}, 2, nil},
		{Selector{Label: "AWS/bob"}, 4, nil},
		{Selector{Label: "bob"}, 4, nil},
		{Selector{Label: "AWS"}, 0, ErrAmbiguous},
		{Selector{Label: "alice"}, 0, ErrAmbiguous},
		{Selector{Label: "AWS", Line: 4}, 4, nil},
		{Selector{Label: "totp"}, 5, nil},
		{Selector{Label: "nobody"}, 0, ErrNotFound},
	}
	for _, tc := range tests {
		m, err := Lookup(entry, tc.sel)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%+v: err = %v, want %v", tc.sel, err, tc.err)
			}
			continue
		}
		if err != nil || m.Line != tc.line {
			t.Errorf("%+v: line %v, %v; want %d", tc.sel, m, err, tc.line)
		}
	}
	if n := len(FindAll(entry)); n != 4 {
		t.Errorf("FindAll: %d matches, want 4", n)
	}
}

// TestLookupHOTP checks both counter rules: pass-otp's URI counter for
// otpauth lines and gopass's `counter:` key for gopass keys.
func TestLookupHOTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		entry string
		code  string
		out   string
	}{
		{"pass-otp line", "pw\notpauth://hotp/a?secret=" + rfcKey + "&counter=5\nx",
			"287922", "pw\notpauth://hotp/a?secret=" + rfcKey + "&counter=6\nx"},
		{"pass-otp line with backtick and quote", "pw\n otpauth://hotp/a`b\"c?x=`&counter=6&secret=" + rfcKey + " \n",
			"162583", "pw\n otpauth://hotp/a`b\"c?x=`&counter=7&secret=" + rfcKey + " \n"},
		{"pass-otp line, counter last", "otpauth://hotp/`?secret=" + rfcKey + "&counter=99",
			"", "otpauth://hotp/`?secret=" + rfcKey + "&counter=100"},
		{"akv no counter", "pw\nhotp: " + rfcKey + "\n",
			"287082", "pw\nhotp: " + rfcKey + "\ncounter: 2\n"},
		{"akv no counter no final newline", "pw\nhotp: " + rfcKey,
			"287082", "pw\nhotp: " + rfcKey + "\ncounter: 2\n"},
		{"akv counter", "pw\ncounter: 7\nhotp: " + rfcKey + "\n",
			"162583", "pw\ncounter: 8\nhotp: " + rfcKey + "\n"},
		{"akv counter crlf", "pw\r\ncounter: 7\r\nhotp: " + rfcKey + "\r\n",
			"162583", "pw\r\ncounter: 8\r\nhotp: " + rfcKey + "\r\n"},
		{"akv counter 0 means 1", "pw\nhotp: " + rfcKey + "\ncounter: 0\n",
			"287082", "pw\nhotp: " + rfcKey + "\ncounter: 2\n"},
		{"akv counter junk means 1", "pw\nhotp: " + rfcKey + "\ncounter: x\n",
			"287082", "pw\nhotp: " + rfcKey + "\ncounter: 2\n"},
		{"gopass ignores url counter", "pw\nhotp: otpauth://hotp/a?secret=" + rfcKey + "&counter=5\n",
			"287082", "pw\nhotp: otpauth://hotp/a?secret=" + rfcKey + "&counter=5\ncounter: 2\n"},
		{"otpauth key hotp without counter param", "pw\notpauth: //hotp/a?secret=" + rfcKey + "\ncounter: 8\n",
			"399871", "pw\notpauth: //hotp/a?secret=" + rfcKey + "\ncounter: 9\n"},
		{"yaml counter", "pw\n---\nhotp: " + rfcKey + "\ncounter: 7\n",
			"162583", "pw\n---\nhotp: " + rfcKey + "\ncounter: 8\n"},
		{"yaml quoted counter", "pw\n---\ncounter: \"7\"\nhotp: " + rfcKey + "\n",
			"162583", "pw\n---\ncounter: \"8\"\nhotp: " + rfcKey + "\n"},
		{"yaml no counter", "pw\n---\nhotp: " + rfcKey + "\n",
			"287082", "pw\n---\nhotp: " + rfcKey + "\ncounter: \"2\"\n"},
		{"yaml no counter before end marker", "pw\n---\nhotp: " + rfcKey + "\n...\ntrailer\n",
			"287082", "pw\n---\nhotp: " + rfcKey + "\ncounter: \"2\"\n...\ntrailer\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Lookup([]byte(tc.entry), Selector{})
			if err != nil {
				t.Fatal(err)
			}
			code, out, err := m.NextHOTP([]byte(tc.entry))
			if err != nil {
				t.Fatal(err)
			}
			if tc.code == "" {
				tc.code = code // beyond RFC 4226's table; checked by oathtool elsewhere
			}
			if code != tc.code || string(out) != tc.out {
				t.Errorf("NextHOTP = %s, %q; want %s, %q", code, out, tc.code, tc.out)
			}
			// The next call continues from the written counter.
			m2, err := Lookup(out, Selector{})
			if err != nil {
				t.Fatal(err)
			}
			code2, _, err := m2.NextHOTP(out)
			if err != nil || code2 == code {
				t.Errorf("second NextHOTP = %s, %v", code2, err)
			}
		})
	}
}

func TestSynthesizedURI(t *testing.T) {
	m, err := Lookup([]byte("pw\ncounter: 5\nhotp: "+rfcKey+"\n"), Selector{})
	if err != nil {
		t.Fatal(err)
	}
	// pass-otp on the synthesized URI computes HOTP(4+1), the same as gopass's HOTP(5).
	code, _, err := m.Key.NextHOTP()
	if err != nil || code != rfc4226[5] {
		t.Errorf("synthesized URI %s gives %s, %v; want %s", m.Key.Redacted(), code, err, rfc4226[5])
	}
	if got := m.Key.Redacted(); got != "otpauth://hotp/hotp?secret=REDACTED&counter=4" {
		t.Errorf("synthesized URI %q", got)
	}
}

// FuzzLookup: no panic; match ranges are in bounds and in line order;
// NextHOTP output keeps the entry findable and the same data source.
func FuzzLookup(f *testing.F) {
	f.Add([]byte("pw\nhotp: " + rfcKey + "\ncounter: 3\n"))
	f.Add([]byte("pw\n---\ntotp: \"" + rfcKey + "\"\ncounter: '1'\n"))
	f.Add([]byte("GOPASS-SECRET-1.0\nCounter: 2\nHotp: " + rfcKey + "\n\n"))
	f.Add([]byte("otpauth://hotp/a?secret=" + rfcKey + "&counter=1"))
	f.Add([]byte("pw\n otpauth://hotp/`\"?counter=9&secret=" + rfcKey + "&x=\"\n"))
	for _, e := range gopassEntries {
		f.Add([]byte(e))
	}
	f.Fuzz(func(t *testing.T, entry []byte) {
		ms := FindAll(entry)
		last := 0
		for _, m := range ms {
			if m.Start < 0 || m.End > len(entry) || m.Start > m.End || m.Line < last {
				t.Fatalf("bad match %+v", m)
			}
			last = m.Line
			if (m.Key == nil) == (m.Err == nil) {
				t.Fatalf("match with key %v and err %v", m.Key, m.Err)
			}
		}
		m, err := Lookup(entry, Selector{})
		if err != nil || m.Key.Type != "hotp" {
			return
		}
		_, out, err := m.NextHOTP(entry)
		if err != nil {
			return
		}
		if m.Source == SourceURI {
			// Only digits change (compat.md §11.1).
			nodigits := func(b []byte) string {
				return strings.Map(func(r rune) rune {
					if r >= '0' && r <= '9' {
						return -1
					}
					return r
				}, string(b))
			}
			if nodigits(out) != nodigits(entry) {
				t.Fatalf("NextHOTP changed more than digits: %q -> %q", entry, out)
			}
		}
		m2, err := Lookup(out, Selector{})
		if err != nil || m2.Source != m.Source || m2.Key.Secret != m.Key.Secret {
			t.Fatalf("after NextHOTP %q -> %q: %v, %v", entry, out, m2, err)
		}
	})
}
