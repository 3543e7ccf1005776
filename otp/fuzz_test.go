package otp

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzParse: no panic; an error comes with a nil key and a redacted URI; a
// parsed key's URI re-parses to an equal key; computing codes never panics
// and its errors never show the secret.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := Parse(in)
		if err != nil {
			if k != nil {
				t.Fatalf("Parse(%q) returned a key with error %v", in, err)
			}
			ue, ok := err.(*URIError)
			if !ok {
				t.Fatalf("Parse(%q) error %T", in, err)
			}
			if ue.URI != Redact(strings.NewReplacer("`", "%60", `"`, "%22").Replace(in)) {
				t.Fatalf("URIError.URI not redacted: %q", ue.URI)
			}
			return
		}
		k2, err := Parse(k.URI)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", k.URI, err)
		}
		if !reflect.DeepEqual(k, k2) {
			t.Fatalf("re-parse differs:\n%#v\n%#v", *k, *k2)
		}
		leaks := func(s string) bool {
			// Short secrets match message words and numbers by chance.
			return len(k.Secret) >= 8 && strings.Contains(s, k.Secret) && !strings.Contains(k.Redacted(), k.Secret) &&
				!strings.Contains("invalid secret: not base32 (character length bad padding)", k.Secret)
		}
		if _, err := k.TOTP(time.Unix(1700000000, 0)); err != nil && leaks(err.Error()) {
			t.Fatalf("TOTP error shows the secret: %v", err)
		}
		if _, err := k.HOTP(1); err != nil && leaks(err.Error()) {
			t.Fatalf("HOTP error shows the secret: %v", err)
		}
		if _, uri, err := k.NextHOTP(); err == nil {
			k3, err := Parse(uri)
			if err != nil || k3.Type != "hotp" || k3.Secret != k.Secret {
				t.Fatalf("NextHOTP uri %q does not parse back: %v", uri, err)
			}
		}
	})
}

// FuzzRedact: the output does not depend on secret values, so a secret
// that does not otherwise occur in the input never appears in the output.
// Inputs are a prefix not ending in a letter or digit (a parameter start,
// or a mistyped "?", "&" or "/" before secret= in a URI the grammar
// rejects), a secret without "&" and a suffix.
func FuzzRedact(f *testing.F) {
	f.Add("otpauth://totp/a?", "JBSWY3DPEHPK3PXP", "&issuer=x")
	f.Add("otpauth://totp/a?issuer=x&", "JB SW=", "")
	f.Add("otpauth://hotp/?counter=1&", "abc?d=e", "&Secret=zz")
	f.Add("x", "JBSWY3DP", "")
	f.Add("otpauth://totp/a?b?", "JBSWY3DPEHPK3PXP", "")
	f.Add("otpauth://totpa&", "JBSWY3DPEHPK3PXP", "?x=1")
	f.Add("otpauth://totp/Issuer:", "JBSWY3DPEHPK3PXP", "?secret=other")
	f.Fuzz(func(t *testing.T, prefix, secret, suffix string) {
		// secret= must not continue a word ("xsecret=" is another name).
		if strings.Contains(secret, "&") || prefix != "" && isAlnum(prefix[len(prefix)-1]) {
			return
		}
		for _, name := range []string{"secret=", "SeCrEt="} {
			in := prefix + name + secret + suffix
			other := prefix + name + "Z" + suffix
			out := Redact(in)
			if out != Redact(other) {
				t.Fatalf("Redact output depends on the secret: %q vs %q", out, Redact(other))
			}
			if secret != "" && strings.Contains(out, secret) && !strings.Contains(Redact(other), secret) {
				t.Fatalf("Redact(%q) = %q shows the secret", in, out)
			}
			if k, err := Parse(in); err == nil {
				red := k.Redacted()
				step1 := strings.NewReplacer("`", "%60", `"`, "%22")
				if strings.Contains(red, k.Secret) && !strings.Contains(Redact(step1.Replace(other)), k.Secret) {
					t.Fatalf("Redacted() = %q shows secret %q", red, k.Secret)
				}
			}
		}
	})
}

// FuzzFind: no panic; the range is within the entry, on one line, trimmed,
// and starts with otpauth://; no earlier line qualifies.
func FuzzFind(f *testing.F) {
	f.Add([]byte("pw\n  " + uri1 + " \nx"))
	f.Add([]byte(""))
	f.Add([]byte("\n\n\totpauth://\r\n"))
	f.Fuzz(func(t *testing.T, entry []byte) {
		s, e, ok := Find(entry)
		if !ok {
			if bytes.Contains(entry, []byte("otpauth://")) {
				for _, line := range bytes.Split(entry, []byte("\n")) {
					if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("otpauth://")) {
						t.Fatalf("missed line %q", line)
					}
				}
			}
			return
		}
		if s < 0 || e > len(entry) || s > e {
			t.Fatalf("bad range %d:%d of %d", s, e, len(entry))
		}
		got := entry[s:e]
		if !bytes.HasPrefix(got, []byte("otpauth://")) || bytes.IndexByte(got, '\n') >= 0 {
			t.Fatalf("range %q", got)
		}
		if bytes.HasSuffix(got, []byte(" ")) || bytes.HasSuffix(got, []byte("\t")) {
			t.Fatalf("not trimmed: %q", got)
		}
		before := entry[:s]
		if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
			before = before[:i]
			for _, line := range bytes.Split(before, []byte("\n")) {
				if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("otpauth://")) {
					t.Fatalf("earlier line %q qualifies", line)
				}
			}
		}
	})
}

// FuzzAppend: no panic; the result holds the URI; appending keeps the
// whole entry as a prefix and ends in exactly uri+"\n"; replacing keeps the
// number of lines and every line that is not a column-0 otpauth line, and
// ends with a newline.
func FuzzAppend(f *testing.F) {
	const u = "otpauth://totp/new?secret=JBSWY3DPEHPK3PXP"
	f.Add([]byte("pw\n" + uri1 + "\n"))
	f.Add([]byte("\n\npw"))
	f.Add([]byte(""))
	f.Add([]byte("otpauth://x\r\ny"))
	f.Fuzz(func(t *testing.T, entry []byte) {
		orig := bytes.Clone(entry)
		out, replaced := Append(entry, u)
		if !bytes.Equal(entry, orig) {
			t.Fatal("input modified")
		}
		if !replaced {
			if !bytes.HasPrefix(out, entry) || !bytes.HasSuffix(out, []byte("\n"+u+"\n")) && !bytes.Equal(out, []byte(u+"\n")) {
				t.Fatalf("Append(%q) = %q", entry, out)
			}
			if len(out) > len(entry)+len(u)+2 {
				t.Fatalf("Append(%q) = %q adds too much", entry, out)
			}
			return
		}
		if !bytes.HasSuffix(out, []byte("\n")) {
			t.Fatalf("Append(%q) = %q lacks the final newline", entry, out)
		}
		if len(entry) > 0 && entry[len(entry)-1] != '\n' {
			entry = append(bytes.Clone(entry), '\n') // §9: a final newline is added
		}
		in, got := bytes.Split(entry, []byte("\n")), bytes.Split(out, []byte("\n"))
		if len(in) != len(got) {
			t.Fatalf("line count %d -> %d", len(in), len(got))
		}
		for i := range in {
			if bytes.HasPrefix(in[i], []byte("otpauth://")) {
				if string(bytes.TrimSuffix(got[i], []byte("\r"))) != u {
					t.Fatalf("line %d = %q", i, got[i])
				}
			} else if !bytes.Equal(in[i], got[i]) {
				t.Fatalf("line %d changed: %q -> %q", i, in[i], got[i])
			}
		}
	})
}
