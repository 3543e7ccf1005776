package otp

import "strings"

// redacted is the text that replaces a secret in every message.
const redacted = "REDACTED"

// Redact hides secrets in text that is about to be shown (compat.md
// §11.3). Empty input stays empty. Input that does not start with
// "otpauth://" may be a bare secret or an otpauth-migration:// payload and
// becomes "REDACTED" as a whole. Otherwise the value of every parameter
// after the first "?" whose name is "secret" in any case (surrounding
// spaces ignored) is replaced by "REDACTED", up to the next "&" or the end;
// everything else is kept.
func Redact(s string) string {
	if s == "" {
		return ""
	}
	if !strings.HasPrefix(s, "otpauth://") {
		return redacted
	}
	q := strings.IndexByte(s, '?')
	if q < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:q+1])
	for i, piece := range strings.Split(s[q+1:], "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, _, ok := strings.Cut(piece, "=")
		if ok && strings.EqualFold(strings.TrimSpace(name), "secret") {
			b.WriteString(name)
			b.WriteString("=" + redacted)
			continue
		}
		b.WriteString(piece)
	}
	return b.String()
}
