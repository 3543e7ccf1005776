package otp

import "bytes"

// Find returns the byte range of the URI in a decrypted entry: the first
// line whose form trimmed of spaces and tabs starts with "otpauth://"
// (compat.md §10.1; indentation allowed, a CR before the newline is kept
// as bash's `read` keeps it). entry[start:end] is the trimmed text. Later
// otpauth lines and gopass-style keys are not considered (see [Lookup]).
func Find(entry []byte) (start, end int, ok bool) {
	for off := 0; off <= len(entry); {
		line := entry[off:]
		next := len(entry) + 1
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			next = off + i + 1
		}
		s, e := trimBlank(line)
		if bytes.HasPrefix(line[s:e], []byte("otpauth://")) {
			return off + s, off + e, true
		}
		off = next
	}
	return 0, 0, false
}

// trimBlank returns the bounds of line without leading and trailing spaces
// and tabs (bash's default IFS whitespace within a line).
func trimBlank(line []byte) (start, end int) {
	start, end = 0, len(line)
	for start < end && (line[start] == ' ' || line[start] == '\t') {
		start++
	}
	for end > start && (line[end-1] == ' ' || line[end-1] == '\t') {
		end--
	}
	return start, end
}

// ReplaceRange returns a new entry with entry[start:end] replaced by repl
// and every other byte kept (the HOTP counter rewrite of compat.md §11.1).
// It panics if the range is out of bounds, like slicing.
func ReplaceRange(entry []byte, start, end int, repl string) []byte {
	out := make([]byte, 0, len(entry)-(end-start)+len(repl))
	out = append(out, entry[:start]...)
	out = append(out, repl...)
	return append(out, entry[end:]...)
}

// Append adds uri to a decrypted entry as `append` does (compat.md §10.3)
// and returns the complete new file content.
//
// The entry is read as lines (a last line without "\n" is a line; a final
// "\n" adds none). If any line starts at column 0 with "otpauth://", every
// such line is replaced by uri and replaced is true; a "\r" ending such a
// line is kept, so CRLF entries stay CRLF. Otherwise uri becomes the new
// last line, and the result ends with uri and exactly one "\n" (an empty
// entry becomes "uri\n"). Either way a missing final newline is added
// (compat.md §9: the content plus one trailing newline), so a last line
// without "\n" is kept as a line, never lost (pass-otp #100). Every other
// byte is kept, including leading, middle and trailing blank lines
// (pass-otp #207). Indented otpauth lines are not replaced (§13).
// uri must be a single line.
func Append(entry []byte, uri string) (out []byte, replaced bool) {
	prefix := []byte("otpauth://")
	out = make([]byte, 0, len(entry)+len(uri)+2)
	for off := 0; off < len(entry); {
		line := entry[off:]
		next := len(entry)
		nl := false
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			next = off + i + 1
			nl = true
		}
		if bytes.HasPrefix(line, prefix) {
			replaced = true
			out = append(out, uri...)
			if bytes.HasSuffix(line, []byte("\r")) {
				out = append(out, '\r')
			}
		} else {
			out = append(out, line...)
		}
		if nl {
			out = append(out, '\n')
		}
		off = next
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	if replaced {
		return out, true
	}
	out = append(out, uri...)
	return append(out, '\n'), false
}
