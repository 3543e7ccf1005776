package otp

import (
	"fmt"
	"strings"
)

// Key is a parsed otpauth:// URI (compat.md §6).
//
// All parameter fields hold the raw values as written in the URI ("" when
// absent); they are checked only when a code is made ([Key.TOTP],
// [Key.HOTP]). Issuer and Account are decoded. A Key holds the secret:
// its String, GoString and Format methods print [Key.Redacted] instead.
type Key struct {
	// URI is the input after compat.md §6 step 1 (` → %60, " → %22): the
	// text that is stored and printed by `uri`.
	URI string
	// Type is "totp" or "hotp".
	Type string
	// Issuer and Account are decoded; an issuer parameter overrides the
	// label's issuer.
	Issuer, Account string
	// Secret, Algorithm, Digits, Period and Counter are the raw values of
	// those parameters, later duplicates winning, "" when absent.
	Secret, Algorithm, Digits, Period, Counter string
	// Encoder is the raw value of the encoder parameter ("steam" for Steam
	// Guard codes), "" when absent.
	Encoder string

	// counterOff and counterEnd locate the value of the counter parameter
	// that was used (the last one) inside URI; counterOff is -1 without one.
	counterOff, counterEnd int
}

// Reason says why a URI was rejected. Its values map to pass-otp's
// messages (see [URIError.Message]).
type Reason int

// The reasons a URI is rejected. ReasonAlgorithm is reported only when a
// code is made (compat.md §10.1), never by [Parse].
const (
	ReasonSyntax    Reason = iota // Cannot parse OTP key URI
	ReasonAccount                 // Invalid key URI (missing accountname)
	ReasonSecret                  // Invalid key URI (missing secret)
	ReasonCounter                 // Invalid key URI (missing counter)
	ReasonAlgorithm               // Invalid key URI (unsupported algorithm)
)

// String returns the reason in lower-case Go style, e.g. "missing secret".
func (r Reason) String() string {
	switch r {
	case ReasonSyntax:
		return "invalid syntax"
	case ReasonAccount:
		return "missing accountname"
	case ReasonSecret:
		return "missing secret"
	case ReasonCounter:
		return "missing counter"
	case ReasonAlgorithm:
		return "unsupported algorithm"
	}
	return fmt.Sprintf("reason %d", int(r))
}

// URIError reports a URI that pass-otp's grammar rejects. URI is the input
// (after §6 step 1) already passed through [Redact].
type URIError struct {
	Reason Reason
	URI    string
}

// Error returns a one-line Go error text without the secret, e.g.
// "parse otpauth uri: missing secret: otpauth://totp/a?secret=REDACTED".
func (e *URIError) Error() string {
	return "parse otpauth uri: " + e.Reason.String() + ": " + e.URI
}

// Message returns pass-otp's exact user-facing text (compat.md §5.3), e.g.
// "Invalid key URI (missing secret): otpauth://totp/a?secret=REDACTED".
func (e *URIError) Message() string {
	if e.Reason == ReasonSyntax {
		return "Cannot parse OTP key URI: " + e.URI
	}
	return "Invalid key URI (" + e.Reason.String() + "): " + e.URI
}

// uriMatch holds the submatch indexes [matchURI] returns, numbered as
// Regexp.FindStringSubmatchIndex numbers them for compat.md §6 step 2's
// pattern
//
//	(?s)^otpauth://(totp|hotp)(/(([^:?]+)?(:([^:?]*))?)(:([0-9]+))?)?\?(.+)$
//
// group 1 the type, 2 the path from "/", 3 the label, 4 its issuer part, 5
// ":account", 6 the account, 7 ":port", 8 the port digits, 9 the query.
// (?s) lets `.` match a newline as in bash's POSIX regex, so an argument
// with an embedded newline matches as it does for pass-otp.
type uriMatch [20]int

// matchURI is compat.md §6 step 2 without package regexp: it returns
// exactly the submatch indexes (-1 for an unset group) that the pattern
// above gives with Go's leftmost-first semantics, and ok false where the
// pattern does not match. It replaces the regexp for start-up and parse
// time (issue 3); TestMatchURI and FuzzURIMatch hold it to the regexp.
//
// The pattern backtracks little: [^:?]+ can only stop at a ':' or '?' (or
// the end), because whatever follows it starts with one of them, so group 4
// is the whole first run of such bytes (unset when the run is empty);
// likewise group 6. What remains is the choice at the first ':': group 5
// (":account", then an optional ":port" before the '?') is preferred to
// skipping it, and the alternative, skipping group 5 and taking ":port"
// at once, can never succeed where group 5 failed: its digits would be a
// run ending in '?', which group 5 would already have taken (so
// otpauth://totp/a:12?x has account "12", no port).
func matchURI(s string) (m uriMatch, ok bool) {
	const scheme = "otpauth://"
	p := len(scheme) + len("totp")
	if len(s) < p || s[:len(scheme)] != scheme {
		return m, false
	}
	if t := s[len(scheme):p]; t != "totp" && t != "hotp" {
		return m, false
	}
	for i := range m {
		m[i] = -1
	}
	m[0], m[1] = 0, len(s)
	m[2], m[3] = len(scheme), p
	switch {
	case p < len(s) && s[p] == '?': // no path
		return m, query(&m, s, p)
	case p >= len(s) || s[p] != '/':
		return m, false
	}
	m[4] = p // group 2
	p++
	m[6] = p // group 3
	e := labelEnd(s, p)
	if e > p {
		m[8], m[9] = p, e // group 4
	}
	m[7], m[5] = e, e
	if e == len(s) {
		return m, false
	}
	if s[e] == '?' {
		return m, query(&m, s, e)
	}
	// s[e] == ':': group 5 and its account, then an optional port.
	a := labelEnd(s, e+1)
	if a == len(s) {
		return m, false
	}
	m[10], m[11] = e, a // group 5
	m[12], m[13] = e+1, a
	m[7], m[5] = a, a
	if s[a] == '?' {
		return m, query(&m, s, a)
	}
	d := a + 1 // s[a] == ':'
	for d < len(s) && s[d] >= '0' && s[d] <= '9' {
		d++
	}
	if d == a+1 || d == len(s) || s[d] != '?' {
		return m, false
	}
	m[14], m[15] = a, d // group 7
	m[16], m[17] = a+1, d
	m[5] = d
	return m, query(&m, s, d)
}

// labelEnd returns the index of the first ':' or '?' in s at or after i,
// or len(s).
func labelEnd(s string, i int) int {
	for ; i < len(s); i++ {
		if s[i] == ':' || s[i] == '?' {
			break
		}
	}
	return i
}

// query sets group 9 to everything after the '?' at q; `.+` needs at
// least one byte.
func query(m *uriMatch, s string, q int) bool {
	if q+1 >= len(s) {
		return false
	}
	m[18], m[19] = q+1, len(s)
	return true
}

// Parse parses an otpauth:// URI with pass-otp's grammar (compat.md §6) and
// checks what `pass otp validate` checks: an account, a secret and, for
// hotp, a decimal counter. Digits, period, algorithm and the secret's
// base32 are checked only when a code is made. Errors are *[URIError];
// on error the key is nil.
func Parse(uri string) (*Key, error) {
	return parse(uri, true)
}

// parse is Parse; needCounter false skips the hotp counter check (gopass
// keeps its counter in a separate `counter:` key).
func parse(uri string, needCounter bool) (*Key, error) {
	uri = strings.ReplaceAll(uri, "`", "%60")
	uri = strings.ReplaceAll(uri, `"`, "%22")
	m, ok := matchURI(uri)
	if !ok {
		return nil, &URIError{Reason: ReasonSyntax, URI: Redact(uri)}
	}
	group := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return uri[m[2*i]:m[2*i+1]]
	}
	k := &Key{URI: uri, Type: group(1), counterOff: -1}
	k.Account = decode(group(6))
	if k.Account == "" {
		k.Account = decode(group(4))
	} else {
		k.Issuer = decode(group(4))
	}

	// Query pieces: pass-otp reads them with `read`, so only the query's
	// first line counts.
	qOff := m[18]
	query := uri[qOff:m[19]]
	if i := strings.IndexByte(query, '\n'); i >= 0 {
		query = query[:i]
	}
	for off, more := qOff, true; more; {
		var piece string
		piece, query, more = strings.Cut(query, "&")
		start := off
		off += len(piece) + 1
		name, value, ok := strings.Cut(piece, "=")
		if !ok || name == "" || value == "" {
			continue
		}
		switch name {
		case "secret":
			k.Secret = value
		case "digits":
			k.Digits = value
		case "algorithm":
			k.Algorithm = value
		case "period":
			k.Period = value
		case "counter":
			k.Counter = value
			k.counterOff = start + len(name) + 1
			k.counterEnd = start + len(piece)
		case "issuer":
			k.Issuer = decode(value)
		case "encoder":
			k.Encoder = value
		}
	}

	switch {
	case k.Account == "":
		return nil, &URIError{Reason: ReasonAccount, URI: Redact(uri)}
	case k.Secret == "":
		return nil, &URIError{Reason: ReasonSecret, URI: Redact(uri)}
	case needCounter && k.Type == "hotp" && !isDecimal(k.Counter):
		return nil, &URIError{Reason: ReasonCounter, URI: Redact(uri)}
	}
	return k, nil
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decode is pass-otp's urldecode as captured by $(…): `+` becomes a space,
// `%` becomes `\x`, then the result is expanded like bash's `printf %b`
// (in a UTF-8 locale), NUL bytes are dropped and trailing newlines are
// stripped (quirk kept: `a\x41` → `aA`, compat.md §6 step 5). Text
// without `+`, `%`, `\` and NUL is returned as a substring of s, without
// allocating (the common label on `passotp NAME`'s path).
func decode(s string) string {
	plain := true
	n := len(s) // the length after `%` → `\x`
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			n++
			plain = false
		case '+', '\\', 0:
			plain = false
		}
	}
	if plain {
		return strings.TrimRight(s, "\n")
	}
	var buf [128]byte
	x := buf[:0]
	if n > len(buf) {
		x = make([]byte, 0, n)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			x = append(x, ' ')
		case '%':
			x = append(x, '\\', 'x')
		default:
			x = append(x, c)
		}
	}
	out := strings.ReplaceAll(printfB(x), "\x00", "")
	return strings.TrimRight(out, "\n")
}

// printfB expands backslash escapes as bash 5's `printf %b` does.
func printfB(s []byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'e', 'E':
			b.WriteByte(0x1b)
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '\\':
			b.WriteByte('\\')
		case 'c':
			return b.String() // \c ends all output
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			n := 2 // \NNN: up to two more octal digits
			if e == '0' {
				n = 3 // \0NNN: up to three more
			}
			for ; n > 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; n-- {
				i++
				v = v*8 + int(s[i]-'0')
			}
			b.WriteByte(byte(v))
		case 'x':
			v, n := 0, 0
			for ; n < 2 && i+1 < len(s) && isHex(s[i+1]); n++ {
				i++
				v = v*16 + hexVal(s[i])
			}
			if n == 0 {
				b.WriteByte('\\') // missing hex digit: backslash kept, x follows
				i--
				continue
			}
			b.WriteByte(byte(v))
		case 'u', 'U':
			max := 4
			if e == 'U' {
				max = 8
			}
			var v uint32
			n := 0
			for ; n < max && i+1 < len(s) && isHex(s[i+1]); n++ {
				i++
				v = v*16 + uint32(hexVal(s[i]))
			}
			if n == 0 {
				b.WriteByte('\\')
				i--
				continue
			}
			writeU32(&b, v)
		default:
			// \' \" \? and unknown escapes: the backslash stays.
			b.WriteByte('\\')
			i--
		}
	}
	return b.String()
}

// writeU32 encodes v as bash's u32toutf8 does: plain UTF-8 up to six bytes,
// surrogates included, nothing above 0x7fffffff.
func writeU32(b *strings.Builder, v uint32) {
	switch {
	case v < 0x80:
		b.WriteByte(byte(v))
	case v < 0x800:
		b.WriteByte(byte(0xc0 | v>>6))
		b.WriteByte(byte(0x80 | v&0x3f))
	case v < 0x10000:
		b.WriteByte(byte(0xe0 | v>>12))
		b.WriteByte(byte(0x80 | (v>>6)&0x3f))
		b.WriteByte(byte(0x80 | v&0x3f))
	case v < 0x200000:
		b.WriteByte(byte(0xf0 | v>>18))
		b.WriteByte(byte(0x80 | (v>>12)&0x3f))
		b.WriteByte(byte(0x80 | (v>>6)&0x3f))
		b.WriteByte(byte(0x80 | v&0x3f))
	case v < 0x4000000:
		b.WriteByte(byte(0xf8 | v>>24))
		b.WriteByte(byte(0x80 | (v>>18)&0x3f))
		b.WriteByte(byte(0x80 | (v>>12)&0x3f))
		b.WriteByte(byte(0x80 | (v>>6)&0x3f))
		b.WriteByte(byte(0x80 | v&0x3f))
	case v < 0x80000000:
		b.WriteByte(byte(0xfc | v>>30))
		b.WriteByte(byte(0x80 | (v>>24)&0x3f))
		b.WriteByte(byte(0x80 | (v>>18)&0x3f))
		b.WriteByte(byte(0x80 | (v>>12)&0x3f))
		b.WriteByte(byte(0x80 | (v>>6)&0x3f))
		b.WriteByte(byte(0x80 | v&0x3f))
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// Path returns the entry name `insert` derives without a NAME (compat.md
// §7): "issuer/account", or "account" without an issuer. Both are decoded,
// so a decoded "/" makes directories.
func (k *Key) Path() string {
	if k.Issuer != "" {
		return k.Issuer + "/" + k.Account
	}
	return k.Account
}

// BuildURI builds the URI `insert -s` stores (compat.md §8):
// otpauth://totp/E(issuer)[:]E(account)?secret=SECRET[&issuer=E(issuer)],
// with ":" only when both are given and the issuer parameter only with an
// issuer. The secret is inserted as typed. Pass the result to [Parse].
func BuildURI(issuer, account, secret string) string {
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	b.WriteString(encode(issuer))
	if issuer != "" && account != "" {
		b.WriteByte(':')
	}
	b.WriteString(encode(account))
	b.WriteString("?secret=")
	b.WriteString(secret)
	if issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(encode(issuer))
	}
	return b.String()
}

// encode is compat.md §8's E: A–Z a–z 0–9 . ~ _ - kept, space → +, every
// other byte (UTF-8 bytes, not code points) → uppercase %XX.
func encode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '.', c == '~', c == '_', c == '-':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// Redacted returns the URI with the value of every secret parameter
// replaced by REDACTED (see [Redact]).
func (k Key) Redacted() string {
	return Redact(k.URI)
}

// String returns [Key.Redacted].
func (k Key) String() string { return k.Redacted() }

// The printing methods have value receivers so that a Key printed by value
// is redacted too.

// GoString returns [Key.Redacted] in a Go-syntax wrapper, so %#v never
// shows the secret.
func (k Key) GoString() string { return fmt.Sprintf("otp.Key(%q)", k.Redacted()) }

// Format prints [Key.Redacted] for every verb (%#v uses GoString), so a
// stray %v or %+v of a key never shows the secret.
func (k Key) Format(f fmt.State, verb rune) {
	s := k.Redacted()
	switch {
	case verb == 'v' && f.Flag('#'):
		s = k.GoString()
	case verb == 'q':
		s = fmt.Sprintf("%q", s)
	}
	fmt.Fprint(f, s)
}
