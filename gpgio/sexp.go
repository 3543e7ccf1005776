package gpgio

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
)

// S-expressions as libgcrypt and gpg-agent write them (gpgio.md §6): one
// parser for the canonical form (`(3:rsa(1:n…))`) of legacy key files and
// for the advanced form (`(rsa (n #00C1…#))`) of the extended `Key:` item.

// Limits on what parseSexp accepts.
const (
	maxSexpSize  = 64 << 10 // bytes of input
	maxSexpDepth = 16       // nesting of lists
)

// errSexp is wrapped by every S-expression syntax error.
var errSexp = errors.New("malformed s-expression")

// sexp is a parsed S-expression: an atom, or (isList) a list of elements.
// A display hint is kept only so that canonical output round-trips.
type sexp struct {
	atom   []byte
	hint   []byte
	list   []*sexp
	isList bool
}

// parseSexp parses one S-expression in canonical or advanced syntax. After
// the closing parenthesis only whitespace and NUL bytes may follow.
func parseSexp(b []byte) (*sexp, error) {
	if len(b) > maxSexpSize {
		return nil, fmt.Errorf("%w: longer than %d bytes", errSexp, maxSexpSize)
	}
	p := &sexpParser{b: b}
	p.skipSpace()
	if p.i >= len(b) || b[p.i] != '(' {
		return nil, fmt.Errorf("%w: does not start with a list", errSexp)
	}
	s, err := p.list(0)
	if err != nil {
		return nil, err
	}
	for ; p.i < len(b); p.i++ {
		if c := b[p.i]; c != 0 && !isSexpSpace(c) {
			return nil, fmt.Errorf("%w: trailing data at offset %d", errSexp, p.i)
		}
	}
	return s, nil
}

type sexpParser struct {
	b    []byte
	i    int
	slab []sexp // nodes handed out by node
}

// node returns a new zero node. Nodes come from slabs of 16, so that a key
// file's two dozen nodes cost two allocations instead of one each (issue 3).
func (p *sexpParser) node() *sexp {
	if len(p.slab) == 0 {
		p.slab = make([]sexp, 16)
	}
	s := &p.slab[0]
	p.slab = p.slab[1:]
	return s
}

func isSexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isTokenStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || bytes.IndexByte([]byte("-./_:*+="), c) >= 0
}

func isTokenChar(c byte) bool {
	return isTokenStart(c) || c >= '0' && c <= '9'
}

func (p *sexpParser) skipSpace() {
	for p.i < len(p.b) && isSexpSpace(p.b[p.i]) {
		p.i++
	}
}

func (p *sexpParser) errorf(format string, a ...any) error {
	return fmt.Errorf("%w: offset %d: %s", errSexp, p.i, fmt.Sprintf(format, a...))
}

// list parses a list; p.b[p.i] is '('.
func (p *sexpParser) list(depth int) (*sexp, error) {
	if depth >= maxSexpDepth {
		return nil, p.errorf("nested deeper than %d", maxSexpDepth)
	}
	p.i++ // '('
	s := p.node()
	s.isList = true
	for {
		p.skipSpace()
		if p.i >= len(p.b) {
			return nil, p.errorf("unterminated list")
		}
		switch c := p.b[p.i]; {
		case c == ')':
			p.i++
			return s, nil
		case c == '(':
			e, err := p.list(depth + 1)
			if err != nil {
				return nil, err
			}
			s.list = append(s.list, e)
		case c == '[':
			p.i++
			p.skipSpace()
			hint, err := p.atom()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.i >= len(p.b) || p.b[p.i] != ']' {
				return nil, p.errorf("unterminated display hint")
			}
			p.i++
			p.skipSpace()
			if p.i >= len(p.b) || p.b[p.i] == '(' || p.b[p.i] == ')' || p.b[p.i] == '[' {
				return nil, p.errorf("display hint without an atom")
			}
			v, err := p.atom()
			if err != nil {
				return nil, err
			}
			e := p.node()
			e.atom, e.hint = v, hint
			s.list = append(s.list, e)
		default:
			v, err := p.atom()
			if err != nil {
				return nil, err
			}
			e := p.node()
			e.atom = v
			s.list = append(s.list, e)
		}
	}
}

// atom parses one atom in any of the syntaxes: `<len>:<raw>`, a token,
// `"quoted"`, `#hex#` or `|base64|`, the last three with an optional
// decimal length prefix that must then match.
func (p *sexpParser) atom() ([]byte, error) {
	if p.i >= len(p.b) {
		return nil, p.errorf("missing atom")
	}
	want := -1
	if c := p.b[p.i]; c >= '0' && c <= '9' {
		start := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		n, err := strconv.Atoi(string(p.b[start:p.i]))
		if err != nil || n > maxSexpSize || p.i-start > 1 && p.b[start] == '0' {
			return nil, p.errorf("bad length")
		}
		want = n
		if p.i >= len(p.b) {
			return nil, p.errorf("length without data")
		}
		if p.b[p.i] == ':' {
			p.i++
			if len(p.b)-p.i < n {
				return nil, p.errorf("atom runs past the end")
			}
			v := p.b[p.i : p.i+n : p.i+n]
			p.i += n
			return v, nil
		}
	}
	var v []byte
	var err error
	switch c := p.b[p.i]; {
	case c == '"':
		v, err = p.quoted()
	case c == '#':
		v, err = p.hex()
	case c == '|':
		v, err = p.base64()
	case want < 0 && isTokenStart(c):
		start := p.i
		for p.i < len(p.b) && isTokenChar(p.b[p.i]) {
			p.i++
		}
		v = p.b[start:p.i:p.i]
	default:
		return nil, p.errorf("unexpected byte %q", c)
	}
	if err != nil {
		return nil, err
	}
	if want >= 0 && len(v) != want {
		return nil, p.errorf("length prefix %d does not match %d bytes", want, len(v))
	}
	return v, nil
}

func (p *sexpParser) quoted() ([]byte, error) {
	p.i++ // '"'
	var v []byte
	for p.i < len(p.b) {
		c := p.b[p.i]
		p.i++
		switch c {
		case '"':
			return v, nil
		case '\\':
			if p.i >= len(p.b) {
				return nil, p.errorf("unterminated escape")
			}
			e := p.b[p.i]
			p.i++
			switch e {
			case 'b':
				v = append(v, '\b')
			case 't':
				v = append(v, '\t')
			case 'v':
				v = append(v, '\v')
			case 'n':
				v = append(v, '\n')
			case 'f':
				v = append(v, '\f')
			case 'r':
				v = append(v, '\r')
			case '"', '\'', '\\':
				v = append(v, e)
			case '\n', '\r': // line continuation, optionally \r\n or \n\r
				if p.i < len(p.b) && (p.b[p.i] == '\n' || p.b[p.i] == '\r') && p.b[p.i] != e {
					p.i++
				}
			case 'x':
				if len(p.b)-p.i < 2 || hexDigit(p.b[p.i]) < 0 || hexDigit(p.b[p.i+1]) < 0 {
					return nil, p.errorf("bad \\x escape")
				}
				v = append(v, byte(hexDigit(p.b[p.i])<<4|hexDigit(p.b[p.i+1])))
				p.i += 2
			default:
				if e < '0' || e > '7' || len(p.b)-p.i < 2 {
					return nil, p.errorf("bad escape")
				}
				o1, o2 := p.b[p.i], p.b[p.i+1]
				if o1 < '0' || o1 > '7' || o2 < '0' || o2 > '7' || e > '3' {
					return nil, p.errorf("bad octal escape")
				}
				v = append(v, (e-'0')<<6|(o1-'0')<<3|(o2-'0'))
				p.i += 2
			}
		default:
			v = append(v, c)
		}
	}
	return nil, p.errorf("unterminated string")
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (p *sexpParser) hex() ([]byte, error) {
	p.i++ // '#'
	// Sized for the digits up to the closing '#' (blanks make it larger
	// than needed), so that the value is one allocation.
	n := bytes.IndexByte(p.b[p.i:], '#')
	if n < 0 {
		n = len(p.b) - p.i
	}
	v := make([]byte, 0, n/2)
	hi := -1
	for p.i < len(p.b) {
		c := p.b[p.i]
		p.i++
		if c == '#' {
			if hi >= 0 {
				return nil, p.errorf("odd number of hex digits")
			}
			if v == nil {
				v = []byte{}
			}
			return v, nil
		}
		if isSexpSpace(c) {
			continue
		}
		d := hexDigit(c)
		if d < 0 {
			return nil, p.errorf("bad hex digit")
		}
		if hi < 0 {
			hi = d
		} else {
			v = append(v, byte(hi<<4|d))
			hi = -1
		}
	}
	return nil, p.errorf("unterminated hex string")
}

func (p *sexpParser) base64() ([]byte, error) {
	p.i++ // '|'
	end := bytes.IndexByte(p.b[p.i:], '|')
	if end < 0 {
		return nil, p.errorf("unterminated base64 string")
	}
	var enc []byte
	for _, c := range p.b[p.i : p.i+end] {
		if !isSexpSpace(c) {
			enc = append(enc, c)
		}
	}
	p.i += end + 1
	v, err := base64.StdEncoding.DecodeString(string(enc))
	if err != nil {
		return nil, p.errorf("bad base64")
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// canonical returns the canonical encoding of s.
func (s *sexp) canonical() []byte {
	var b []byte
	return s.appendCanonical(b)
}

func (s *sexp) appendCanonical(b []byte) []byte {
	if !s.isList {
		if s.hint != nil {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(len(s.hint)), 10)
			b = append(b, ':')
			b = append(b, s.hint...)
			b = append(b, ']')
		}
		b = strconv.AppendInt(b, int64(len(s.atom)), 10)
		b = append(b, ':')
		return append(b, s.atom...)
	}
	b = append(b, '(')
	for _, e := range s.list {
		b = e.appendCanonical(b)
	}
	return append(b, ')')
}

// name returns the first element of a list if it is an atom.
func (s *sexp) name() string {
	if s == nil || !s.isList || len(s.list) == 0 || s.list[0].isList {
		return ""
	}
	return string(s.list[0].atom)
}

// sub returns the first element of s that is a list named name.
func (s *sexp) sub(name string) *sexp {
	if s == nil {
		return nil
	}
	for _, e := range s.list {
		if e.isList && e.name() == name {
			return e
		}
	}
	return nil
}

// value returns the atom after the name of the sub-list name, as in
// (n #00C1…#), or nil.
func (s *sexp) value(name string) []byte {
	e := s.sub(name)
	if e == nil || len(e.list) < 2 || e.list[1].isList {
		return nil
	}
	return e.list[1].atom
}

// equal reports whether two trees are the same (hints included).
func (s *sexp) equal(o *sexp) bool {
	if s.isList != o.isList || !bytes.Equal(s.atom, o.atom) || !bytes.Equal(s.hint, o.hint) ||
		(s.hint == nil) != (o.hint == nil) || len(s.list) != len(o.list) {
		return false
	}
	for i := range s.list {
		if !s.list[i].equal(o.list[i]) {
			return false
		}
	}
	return true
}
