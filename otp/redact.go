package otp

import (
	"strings"
	"unicode"
)

// redacted is the text that replaces a secret in every message.
const redacted = "REDACTED"

// Redact hides secrets in text that is about to be shown (compat.md
// §11.3). Empty input stays empty. Input that does not start with
// "otpauth://" may be a bare secret or an otpauth-migration:// payload and
// becomes "REDACTED" as a whole. Otherwise every "secret=" (name in any
// ASCII case, spaces allowed around it, not preceded by a letter or digit)
// has its value replaced by "REDACTED", up to the next "&" or the end;
// everything else is kept. This covers the secret parameters after the
// first "?" and also a secret= that does not start a parameter in URIs the
// grammar rejects (a mistyped "?" or "&" before it: otpauth://totp/a?b?secret=S,
// otpauth://totp/a&secret=S), which are shown in error messages too.
func Redact(s string) string {
	if s == "" {
		return ""
	}
	if !strings.HasPrefix(s, "otpauth://") {
		return redacted
	}
	var b strings.Builder
	b.Grow(len(s))
	done := 0 // s[:done] is written
	for p := 0; p+len("secret") <= len(s); p++ {
		if !strings.EqualFold(s[p:p+len("secret")], "secret") || p > 0 && isAlnum(s[p-1]) {
			continue
		}
		rest := strings.TrimLeftFunc(s[p+len("secret"):], unicode.IsSpace)
		if !strings.HasPrefix(rest, "=") {
			continue
		}
		start := len(s) - len(rest) + 1 // the value, after "="
		end := strings.IndexByte(s[start:], '&')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		b.WriteString(s[done:start])
		b.WriteString(redacted)
		done = end
		p = end - 1 // the value may hold "secret=": skip it
	}
	b.WriteString(s[done:])
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
