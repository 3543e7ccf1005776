package gitignore

// This file is a port of git's wildmatch.c (git 2.39).

const (
	wmMatch = iota
	wmNoMatch
	wmAbortAll
	wmAbortToStarStar
)

// wildmatch matches text against pattern; pathname is WM_PATHNAME ("*"
// and "?" stop at "/", "**/" spans directories).
func wildmatch(pattern, text string, pathname bool) bool {
	return dowild(pattern, 0, text, 0, pathname) == wmMatch
}

// at returns s[i], or 0 past its end (C's terminating NUL).
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func dowild(pat string, p int, text string, t int, pathname bool) int {
	for ; at(pat, p) != 0; t, p = t+1, p+1 {
		pch := pat[p]
		tch := at(text, t)
		if tch == 0 && pch != '*' {
			return wmAbortAll
		}
		switch pch {
		case '\\':
			// Literal match with the next character (none: no match).
			p++
			pch = at(pat, p)
			if tch != pch {
				return wmNoMatch
			}
			continue
		default:
			if tch != pch {
				return wmNoMatch
			}
			continue
		case '?':
			if pathname && tch == '/' {
				return wmNoMatch
			}
			continue
		case '*':
			var matchSlash bool
			p++
			if at(pat, p) == '*' {
				prev := p - 2
				for p++; at(pat, p) == '*'; p++ {
				}
				if (prev < 0 || pat[prev] == '/') &&
					(at(pat, p) == 0 || at(pat, p) == '/' || at(pat, p) == '\\' && at(pat, p+1) == '/') {
					if at(pat, p) == '/' && dowild(pat, p+1, text, t, pathname) == wmMatch {
						return wmMatch
					}
					matchSlash = true
				} else {
					matchSlash = false
				}
			} else {
				matchSlash = !pathname
			}
			if at(pat, p) == 0 {
				// A trailing "**" matches everything, a trailing "*" only
				// without further slashes.
				if !matchSlash && indexSlash(text, t) >= 0 {
					return wmNoMatch
				}
				return wmMatch
			} else if !matchSlash && at(pat, p) == '/' {
				// One "*" then a slash: skip to the next directory.
				s := indexSlash(text, t)
				if s < 0 {
					return wmNoMatch
				}
				// p is on the pattern's "/", t on the text's; the loop
				// steps past both.
				t = s
				continue
			}
			for {
				if tch == 0 {
					break
				}
				// A literal after the star: skip ahead to it.
				if c := at(pat, p); !isGlobSpecial(c) {
					for tch = at(text, t); tch != 0 && (matchSlash || tch != '/'); tch = at(text, t) {
						if tch == c {
							break
						}
						t++
					}
					if tch != c {
						return wmNoMatch
					}
				}
				if m := dowild(pat, p, text, t, pathname); m != wmNoMatch {
					if !matchSlash || m != wmAbortToStarStar {
						return m
					}
				} else if !matchSlash && tch == '/' {
					return wmAbortToStarStar
				}
				t++
				tch = at(text, t)
			}
			return wmAbortAll
		case '[':
			p++
			pch = at(pat, p)
			if pch == '^' {
				pch = '!'
			}
			negated := pch == '!'
			if negated {
				p++
				pch = at(pat, p)
			}
			var prev byte
			matched := false
			for {
				if pch == 0 {
					return wmAbortAll
				}
				if pch == '\\' {
					p++
					pch = at(pat, p)
					if pch == 0 {
						return wmAbortAll
					}
					if tch == pch {
						matched = true
					}
				} else if pch == '-' && prev != 0 && at(pat, p+1) != 0 && at(pat, p+1) != ']' {
					p++
					pch = at(pat, p)
					if pch == '\\' {
						p++
						pch = at(pat, p)
						if pch == 0 {
							return wmAbortAll
						}
					}
					if tch <= pch && tch >= prev {
						matched = true
					}
					pch = 0 // so that prev becomes 0
				} else if pch == '[' && at(pat, p+1) == ':' {
					p += 2
					s := p
					for pch = at(pat, p); pch != 0 && pch != ']'; pch = at(pat, p) {
						p++
					}
					if pch == 0 {
						return wmAbortAll
					}
					i := p - s - 1
					if i < 0 || pat[p-1] != ':' {
						// No ":]": a plain "[" in the set.
						p = s - 2
						pch = '['
						if tch == pch {
							matched = true
						}
						prev = pch
						p++
						pch = at(pat, p)
						if pch == ']' {
							break
						}
						continue
					}
					in, ok := class(pat[s:s+i], tch)
					if !ok {
						return wmAbortAll
					}
					if in {
						matched = true
					}
					pch = 0
				} else if tch == pch {
					matched = true
				}
				prev = pch
				p++
				pch = at(pat, p)
				if pch == ']' {
					break
				}
			}
			if matched == negated || pathname && tch == '/' {
				return wmNoMatch
			}
			continue
		}
	}
	if at(text, t) != 0 {
		return wmNoMatch
	}
	return wmMatch
}

func indexSlash(s string, from int) int {
	for i := from; i < len(s); i++ {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// class tests c against a [:name:] class with git's (ASCII) ctype.
func class(name string, c byte) (in, ok bool) {
	alpha := c|0x20 >= 'a' && c|0x20 <= 'z'
	digit := c >= '0' && c <= '9'
	graph := c > 0x20 && c < 0x7f
	switch name {
	case "alnum":
		return alpha || digit, true
	case "alpha":
		return alpha, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return digit, true
	case "graph":
		return graph, true
	case "lower":
		return c >= 'a' && c <= 'z', true
	case "print":
		return c >= 0x20 && c < 0x7f, true
	case "punct":
		return graph && !alpha && !digit, true
	case "space":
		return c == ' ' || c == '\t' || c == '\n' || c == '\r', true
	case "upper":
		return c >= 'A' && c <= 'Z', true
	case "xdigit":
		return digit || c|0x20 >= 'a' && c|0x20 <= 'f', true
	}
	return false, false
}
