package difftest

import "testing"

func TestUnescapeShell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`mkdir: created directory 'P/tab'$'\t''in'`, "mkdir: created directory 'P/tab\tin'"},
		{`mkdir: created directory 'P/Caf'$'\303\251'`, "mkdir: created directory 'P/Café'"},
		{`mkdir: created directory 'P/Caf'$'\303\251''s'`, "mkdir: created directory 'P/Cafés'"},
		{`mkdir: created directory "P/o'brien"`, "mkdir: created directory 'P/o'brien'"},
		{`mkdir: created directory '$PREFIX/caféo'\''brien'`, "mkdir: created directory '$PREFIX/caféo'brien'"},
		{`mkdir: created directory 'P/a'\''b'$'\t''c'`, "mkdir: created directory 'P/a'b\tc'"},
		{`plain 'x'\''y'`, `plain 'x'\''y'`},
		{`plain 'x'`, `plain 'x'`},
	} {
		if got := unescapeShell(c.in); got != c.want {
			t.Errorf("unescapeShell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
