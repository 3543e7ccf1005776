package otp

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Source says where the OTP data of a [Match] was found.
type Source int

// The sources, in the order [Lookup] prefers them. SourceURI is pass-otp's
// own rule; the others are gopass's keys (clients.md §2.1, steps 1, 3, 4),
// used only when no otpauth:// line exists.
const (
	SourceURI        Source = iota // a line whose trimmed form starts with otpauth://
	SourceOtpauthKey               // an `otpauth:` key (a value starting with "//" gets "otpauth:" in front)
	SourceTOTPKey                  // a `totp:` key: bare base32 secret or otpauth URI
	SourceHOTPKey                  // a `hotp:` key: bare base32 secret or otpauth URI
)

// String names the source, e.g. "totp key".
func (s Source) String() string {
	switch s {
	case SourceURI:
		return "otpauth line"
	case SourceOtpauthKey:
		return "otpauth key"
	case SourceTOTPKey:
		return "totp key"
	case SourceHOTPKey:
		return "hotp key"
	}
	return fmt.Sprintf("source %d", int(s))
}

// Sentinel errors of [Lookup] (use errors.Is).
var (
	// ErrNotFound: the entry (or the selected line or label) holds no OTP
	// data; cmd reports it as "NAME: OTP secret not found.".
	ErrNotFound = errors.New("no otp secret found")
	// ErrAmbiguous: a label selects more than one OTP.
	ErrAmbiguous = errors.New("label matches several otp secrets")
)

// Match is one piece of OTP data in a decrypted entry.
type Match struct {
	Source Source
	// Line is the 1-based line of the entry that holds the data.
	Line int
	// Start and End locate the URI or secret text in the entry (a key's
	// value, without surrounding spaces or quotes).
	Start, End int
	// Key is the parsed key; nil when Err is set. A bare gopass secret gets
	// a synthesized URI: otpauth://totp/totp?secret=S, or for hotp
	// otpauth://hotp/hotp?secret=S&counter=C with C one below gopass's
	// `counter:` value, so pass-otp would compute the same next code.
	Key *Key
	// Err says why the data does not parse (a *URIError).
	Err error
}

// Label returns the match's label for --label selection and display:
// "issuer:account", or "account" (decoded); "" when it does not parse.
func (m *Match) Label() string {
	if m.Key == nil {
		return ""
	}
	if m.Key.Issuer != "" {
		return m.Key.Issuer + ":" + m.Key.Account
	}
	return m.Key.Account
}

// Selector picks one OTP among several in an entry (`--line N`,
// `--label L`). The zero Selector picks the default (see [Lookup]).
type Selector struct {
	// Line selects the OTP on this 1-based entry line; 0 means any.
	Line int
	// Label selects the OTPs whose [Match.Label], issuer, account or
	// [Key.Path] equals it exactly; "" means any.
	Label string
}

// format is how gopass reads an entry (clients.md §2.2).
type format int

const (
	formatAKV  format = iota // password line, then `key: value` lines
	formatYAML               // password, body, a `---` line, then a YAML document
	formatMIME               // legacy GOPASS-SECRET-1.0 header (keys lower-cased)
)

// line is one line of an entry: content bounds (without "\n") and number.
type line struct {
	start, end int // entry[start:end] is the line without its "\n"
	n          int // 1-based
}

// lineAt returns the end of the line starting at off (its "\n", or the
// end of entry) and where the next line starts.
func lineAt(entry []byte, off int) (end, next int) {
	if i := bytes.IndexByte(entry[off:], '\n'); i >= 0 {
		return off + i, off + i + 1
	}
	return len(entry), len(entry)
}

func splitLines(entry []byte) []line {
	var ls []line
	for off, n := 0, 1; off < len(entry); n++ {
		end, next := lineAt(entry, off)
		ls = append(ls, line{off, end, n})
		off = next
	}
	return ls
}

// kv is a key-value pair found in an entry; value bounds exclude quotes.
type kv struct {
	key         string
	value       string // unquoted, trimmed
	vStart      int    // value bounds in the entry
	vEnd        int
	quote       byte // '"' or '\'' for quoted YAML values
	line        line
	unsupported bool // a YAML value that is no plain or quoted scalar
	// raw, rawStart and rawEnd are an AKV value exactly as gopass reads
	// it (everything after ": " but a final CR, untrimmed); gopass parses
	// `counter:` from it. For YAML and MIME they equal the trimmed value.
	raw              string
	rawStart, rawEnd int
}

// scan reads the entry's key-value pairs the way gopass does and returns
// them with the entry format and, for YAML, where the document ends (the
// offset before which a new key line goes).
func scan(entry []byte, ls []line) (pairs []kv, f format, docEnd int) {
	if len(ls) == 0 {
		return nil, formatAKV, len(entry)
	}
	// text is a line as bytes: comparing string(…) with a constant does
	// not allocate, so the common entry costs no copies here.
	text := func(l line) []byte { return entry[l.start:l.end] }
	if string(bytes.TrimSpace(text(ls[0]))) == "GOPASS-SECRET-1.0" {
		for _, l := range ls[1:] {
			if len(bytes.TrimSuffix(text(l), []byte("\r"))) == 0 {
				break
			}
			if p, ok := akvPair(entry, l, ":"); ok {
				p.key = strings.ToLower(p.key)
				pairs = append(pairs, p)
			}
		}
		return pairs, formatMIME, len(entry)
	}
	// YAML: the first line is "---", or a later line starts a document.
	docFirst := -1
	if string(bytes.TrimSpace(text(ls[0]))) == "---" {
		docFirst = 1
	} else {
		for i, l := range ls[1:] {
			if bytes.HasPrefix(text(l), []byte("---")) {
				if string(bytes.TrimRight(text(l), " \t\r")) == "---" {
					docFirst = i + 2
				}
				break // gopass stops at the first line starting with ---
			}
		}
	}
	if docFirst >= 0 {
		if pairs, end, ok := yamlPairs(entry, ls[docFirst:]); ok {
			return pairs, formatYAML, end
		}
	}
	for _, l := range ls[1:] {
		if p, ok := akvPair(entry, l, ": "); ok {
			pairs = append(pairs, p)
		}
	}
	return pairs, formatAKV, len(entry)
}

// akvPair splits an AKV line at the first sep (gopass: key trimmed, value
// after ": "); the value is trimmed of spaces and a final CR here.
func akvPair(entry []byte, l line, sep string) (kv, bool) {
	i := bytes.Index(entry[l.start:l.end], []byte(sep))
	if i < 0 {
		return kv{}, false // before copying the line: an otpauth:// line has no ": "
	}
	t := string(entry[l.start:l.end])
	vs, ve := i+len(sep), len(t)
	if ve > vs && t[ve-1] == '\r' {
		ve--
	}
	for vs < ve && (t[vs] == ' ' || t[vs] == '\t') {
		vs++
	}
	for ve > vs && (t[ve-1] == ' ' || t[ve-1] == '\t') {
		ve--
	}
	rs, re := i+len(sep), len(t)
	if re > rs && t[re-1] == '\r' {
		re--
	}
	if sep == ":" { // MIME: textproto trims
		rs, re = vs, ve
	}
	return kv{key: strings.TrimSpace(t[:i]), value: t[vs:ve], vStart: l.start + vs, vEnd: l.start + ve, line: l,
		raw: t[rs:re], rawStart: l.start + rs, rawEnd: l.start + re}, true
}

// yamlPairs reads the top-level scalar keys of a YAML document given as
// lines (a hand-written reader for the simple subset gopass entries use:
// `key: value` with plain, single- or double-quoted scalars; nested values
// are skipped). ok is false for text that is not a YAML mapping, where
// gopass falls back to AKV.
func yamlPairs(entry []byte, ls []line) (pairs []kv, docEnd int, ok bool) {
	docEnd = len(entry)
	nested := false // the last key's value may continue on indented lines
lines:
	for _, full := range ls {
		// A CR is a line break to YAML parsers (CR LF is one break), so
		// each line is read as the pieces between its CRs.
		for off, more := full.start, true; more; {
			l := line{off, full.end, full.n}
			if i := bytes.IndexByte(entry[off:full.end], '\r'); i >= 0 {
				l.end = off + i
			} else {
				more = false
			}
			off = l.end + 1
			t := string(entry[l.start:l.end])
			if t == "---" || t == "..." || strings.HasPrefix(t, "--- ") || strings.HasPrefix(t, "... ") {
				docEnd = l.start
				break lines
			}
			if hasControl(t) {
				return nil, 0, false // YAML parsers refuse control characters
			}
			trimmed := strings.TrimLeft(t, " ")
			if trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue
			}
			if strings.HasPrefix(t, "\t") {
				return nil, 0, false // tabs cannot indent YAML
			}
			if t[0] == ' ' {
				if !nested {
					// After a scalar an indented line continues it or is an
					// error (YAML parsers reject "a: 1\n b: 2"); neither is in
					// the subset, so gopass's AKV reading applies, whatever a
					// later counter rewrite makes of the scalar.
					return nil, 0, false
				}
				continue // inside a nested value
			}
			i := strings.Index(t, ":")
			if i <= 0 || (i+1 < len(t) && t[i+1] != ' ' && t[i+1] != '\t') || strings.ContainsAny(t[:1], "-[]{}?&*!|>'\"%@`,#") {
				return nil, 0, false
			}
			p := kv{key: strings.TrimRight(t[:i], " "), line: l}
			vs := i + 1
			for vs < len(t) && (t[vs] == ' ' || t[vs] == '\t') {
				vs++
			}
			v := t[vs:]
			switch {
			case v == "" || strings.HasPrefix(v, "#"):
				p.unsupported = true // null or a nested block
			case v[0] == '"' || v[0] == '\'':
				val, n, good := yamlQuoted(v)
				if !good {
					return nil, 0, false
				}
				rest := strings.TrimSpace(v[n:])
				if rest != "" && !strings.HasPrefix(rest, "#") {
					return nil, 0, false
				}
				p.value, p.quote = val, v[0]
				p.vStart, p.vEnd = l.start+vs+1, l.start+vs+n-1
			case strings.ContainsRune("|>[{&*!", rune(v[0])):
				p.unsupported = true // block scalars and collections
			default:
				if j := strings.Index(v, " #"); j >= 0 {
					v = v[:j]
				}
				v = strings.TrimRight(v, " \t")
				p.value = v
				p.vStart, p.vEnd = l.start+vs, l.start+vs+len(v)
			}
			p.raw, p.rawStart, p.rawEnd = p.value, p.vStart, p.vEnd
			nested = p.unsupported
			pairs = append(pairs, p)
		}
	}
	return pairs, docEnd, true
}

// hasControl reports whether t holds an ASCII control character other
// than tab.
func hasControl(t string) bool {
	for i := 0; i < len(t); i++ {
		if c := t[i]; c < ' ' && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

// yamlQuoted reads a quoted YAML scalar at the start of v and returns its
// value and the length of the quoted text including both quotes.
func yamlQuoted(v string) (string, int, bool) {
	q := v[0]
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case q == '\'' && c == '\'':
			if i+1 < len(v) && v[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), i + 1, true
		case q == '"' && c == '"':
			return b.String(), i + 1, true
		case q == '"' && c == '\\' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '\\', '"', '/':
				b.WriteByte(v[i])
			default:
				return "", 0, false // other escapes: not in the subset
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// gopassCounter returns gopass's HOTP counter (clients.md §2.4): the first
// `counter` key's value, 1 when absent, 0 or unparsable (in AKV the value
// is untrimmed as gopass reads it: "counter: 7 " counts as 1).
func gopassCounter(pairs []kv) (uint64, *kv) {
	for i := range pairs {
		if pairs[i].key == "counter" {
			p := &pairs[i]
			if p.unsupported {
				return 1, p
			}
			if n, err := strconv.ParseUint(p.raw, 10, 64); err == nil && n != 0 {
				return n, p
			}
			return 1, p
		}
	}
	return 1, nil
}

// FindAll returns every piece of OTP data in a decrypted entry, in line
// order: each line whose trimmed form starts with "otpauth://" (any line,
// the first included) and every `otpauth:`, `totp:` and `hotp:` key of the
// entry's gopass format (AKV `key: value` lines after the first, a YAML
// document after a `---` line, or a legacy MIME header). The password line
// is never used as a secret unless it is itself an otpauth:// URI (gopass
// would, clients.md §2.1 step 5). Keys are case-sensitive.
func FindAll(entry []byte) []Match {
	ls := splitLines(entry)
	pairs, _, _ := scan(entry, ls)
	counter, _ := gopassCounter(pairs)
	var ms []Match
	keyOnLine := make(map[int]kv)
	for _, p := range pairs {
		switch p.key {
		case "otpauth", "totp", "hotp":
			if _, dup := keyOnLine[p.line.n]; !dup {
				keyOnLine[p.line.n] = p
			}
		}
	}
	for _, l := range ls {
		if m, ok := uriMatchAt(entry, l); ok {
			ms = append(ms, m)
			continue
		}
		p, ok := keyOnLine[l.n]
		if !ok {
			continue
		}
		ms = append(ms, keyMatch(p, counter))
	}
	return ms
}

func keyMatch(p kv, counter uint64) Match {
	m := Match{Line: p.line.n, Start: p.vStart, End: p.vEnd}
	v := p.value
	switch p.key {
	case "otpauth":
		m.Source = SourceOtpauthKey
		if strings.HasPrefix(v, "//") {
			v = "otpauth:" + v
		}
	case "totp":
		m.Source = SourceTOTPKey
	case "hotp":
		m.Source = SourceHOTPKey
	}
	if p.unsupported {
		m.Err = &URIError{Reason: ReasonSyntax, URI: ""}
		return m
	}
	if m.Source == SourceOtpauthKey || strings.HasPrefix(v, "otpauth://") {
		m.Key, m.Err = parse(v, false)
		return m
	}
	// A bare secret: synthesize the URI pass-otp would need.
	uri := "otpauth://" + p.key + "/" + p.key + "?secret=" + v
	if p.key == "hotp" {
		uri += "&counter=" + strconv.FormatUint(counter-1, 10)
	}
	if strings.ContainsAny(v, "&\n") {
		m.Err = &URIError{Reason: ReasonSecret, URI: Redact(uri)}
		return m
	}
	m.Key, m.Err = parse(uri, false)
	return m
}

// Lookup picks the OTP data `code` and `uri` use.
//
// With the zero [Selector] it is the first line whose trimmed form starts
// with "otpauth://" (compat.md §10.1, pass-otp's rule, even if that URI
// does not parse); only when no such line exists does it fall back to
// gopass's keys in gopass's order: the first `otpauth:` key, then `totp:`,
// then `hotp:` (clients.md §2.1). Never the password line as a secret.
//
// A selector restricts the candidates to [FindAll]'s matches on sel.Line
// and/or with label sel.Label; the first remaining one wins, except that a
// label matching several OTPs is [ErrAmbiguous]. Errors: [ErrNotFound]
// (wrapped, with the line or label), [ErrAmbiguous], or the *[URIError]
// of the chosen data.
func Lookup(entry []byte, sel Selector) (*Match, error) {
	if sel.Line == 0 && sel.Label == "" {
		// pass-otp's rule alone decides whenever the entry has an
		// otpauth:// line: find it without reading the gopass keys.
		if m, ok := firstURI(entry); ok {
			return m.result()
		}
	}
	ms := FindAll(entry)
	if sel.Line == 0 && sel.Label == "" {
		for _, src := range []Source{SourceURI, SourceOtpauthKey, SourceTOTPKey, SourceHOTPKey} {
			for i := range ms {
				if ms[i].Source == src {
					return ms[i].result()
				}
			}
		}
		return nil, ErrNotFound
	}
	var found []*Match
	for i := range ms {
		m := &ms[i]
		if sel.Line != 0 && m.Line != sel.Line {
			continue
		}
		if sel.Label != "" && !m.hasLabel(sel.Label) {
			continue
		}
		found = append(found, m)
	}
	switch {
	case len(found) == 0 && sel.Label != "":
		return nil, fmt.Errorf("label %q: %w", sel.Label, ErrNotFound)
	case len(found) == 0:
		return nil, fmt.Errorf("line %d: %w", sel.Line, ErrNotFound)
	case len(found) > 1 && sel.Label != "":
		return nil, fmt.Errorf("label %q (%d matches): %w", sel.Label, len(found), ErrAmbiguous)
	}
	return found[0].result()
}

// firstURI returns the match [FindAll] makes for the first line whose
// trimmed form starts with "otpauth://", and ok false when there is none.
func firstURI(entry []byte) (m *Match, ok bool) {
	for off, n := 0, 1; off < len(entry); n++ {
		end, next := lineAt(entry, off)
		if m, ok := uriMatchAt(entry, line{off, end, n}); ok {
			found := m // only a found match goes to the heap
			return &found, true
		}
		off = next
	}
	return nil, false
}

// uriMatchAt returns the match of line l of entry when its trimmed form
// starts with "otpauth://": the URI parsed (a parse error is the match's
// Err), its place in entry and its line number.
func uriMatchAt(entry []byte, l line) (Match, bool) {
	s, e := trimBlank(entry[l.start:l.end])
	if !bytes.HasPrefix(entry[l.start+s:l.start+e], []byte("otpauth://")) {
		return Match{}, false
	}
	m := Match{Source: SourceURI, Line: l.n, Start: l.start + s, End: l.start + e}
	m.Key, m.Err = Parse(string(entry[m.Start:m.End]))
	return m, true
}

func (m *Match) result() (*Match, error) {
	if m.Err != nil {
		return nil, m.Err
	}
	return m, nil
}

func (m *Match) hasLabel(l string) bool {
	if m.Key == nil {
		return false
	}
	return l == m.Label() || l == m.Key.Account || l == m.Key.Issuer || l == m.Key.Path()
}

// NextHOTP computes the next HOTP code for a hotp match and returns the
// complete new entry. For an otpauth:// line it is [Key.NextHOTP]: code
// HOTP(N+1) and only the digits of that line's counter parameter change
// (compat.md §11.1), even where the line holds ` or " (which Key.URI shows
// as %60 and %22). For gopass keys it is gopass's rule (clients.md
// §2.4), so both tools agree: the counter C is the entry's `counter:` key
// (1 when absent, 0 or unparsable; the URI's counter parameter is
// ignored), the code is HOTP(C), and the key is rewritten to C+1 in place
// (only its value changes; YAML quoting kept) or, when absent, added as
// `counter: C+1` (AKV) or `counter: "C+1"` (YAML, as gopass writes it) at
// the end of the key-value data. Every other byte is kept.
func (m *Match) NextHOTP(entry []byte) (code string, out []byte, err error) {
	if m.Key == nil {
		return "", nil, m.Err
	}
	if m.Key.Type != "hotp" {
		return "", nil, &CodeError{Field: "type", Reason: m.Key.Type + " key has no counter"}
	}
	if m.Source == SourceURI {
		code, _, err := m.Key.NextHOTP()
		if err != nil {
			return "", nil, err
		}
		// Rewrite the counter digits in the line as it is, which may hold
		// ` or " where Key.URI has %60 and %22.
		n, _ := strconv.ParseUint(m.Key.Counter, 10, 64)
		line := string(entry[m.Start:m.End])
		s := m.Start + rawOffset(line, m.Key.counterOff)
		e := m.Start + rawOffset(line, m.Key.counterEnd)
		return code, ReplaceRange(entry, s, e, strconv.FormatUint(n+1, 10)), nil
	}
	ls := splitLines(entry)
	pairs, f, docEnd := scan(entry, ls)
	c, p := gopassCounter(pairs)
	if c == ^uint64(0) {
		return "", nil, &CodeError{Field: "counter", Reason: "out of range"}
	}
	code, err = m.Key.HOTP(c)
	if err != nil {
		return "", nil, err
	}
	next := strconv.FormatUint(c+1, 10)
	switch {
	case p != nil && !p.unsupported:
		return code, ReplaceRange(entry, p.rawStart, p.rawEnd, next), nil
	case p != nil:
		// `counter:` with a nested or block value: replace the rest of the line.
		l := p.line
		i := bytes.IndexByte(entry[l.start:l.end], ':')
		end := l.end
		if end > l.start && entry[end-1] == '\r' {
			end--
		}
		return code, ReplaceRange(entry, l.start+i+1, end, " "+quoteFor(f, next)), nil
	}
	add := "counter: " + quoteFor(f, next) + "\n"
	at := len(entry)
	if f == formatYAML {
		at = docEnd
	}
	if f == formatMIME {
		at = mimeHeaderEnd(entry, ls)
	}
	prefix := ""
	if at > 0 && entry[at-1] != '\n' {
		prefix = "\n"
	}
	if at == 0 && len(entry) == 0 {
		prefix = "\n" // gopass: an empty secret gets a blank password line first
	}
	return code, ReplaceRange(entry, at, at, prefix+add), nil
}

func quoteFor(f format, n string) string {
	if f == formatYAML {
		return `"` + n + `"`
	}
	return n
}

// mimeHeaderEnd returns the offset of the blank line ending a legacy MIME
// header (or the end of the entry).
func mimeHeaderEnd(entry []byte, ls []line) int {
	for _, l := range ls[1:] {
		if l.end == l.start || (l.end == l.start+1 && entry[l.start] == '\r') {
			return l.start
		}
	}
	return len(entry)
}

// rawOffset maps an offset in Key.URI (after compat.md §6 step 1) back to
// the text it was parsed from.
func rawOffset(raw string, off int) int {
	pos := 0
	for i := 0; i < len(raw); i++ {
		if pos >= off {
			return i
		}
		if raw[i] == '`' || raw[i] == '"' {
			pos += 3
		} else {
			pos++
		}
	}
	return len(raw)
}
