package gpgio

import "errors"

// sexp is a parsed S-expression: an atom (list == nil) or a list.
type sexp struct {
	atom   []byte
	list   []*sexp
	isList bool
}

// parseSexp parses a canonical or advanced S-expression (gpgio.md §6).
func parseSexp(b []byte) (*sexp, error) {
	return nil, errors.New("sexp: not implemented")
}
