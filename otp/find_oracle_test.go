package otp

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFindBashOracle compares Find with pass-otp develop's loop (whole
// line, `read -r` trimming) over generated entries in one bash process.
func TestFindBashOracle(t *testing.T) {
	requireTools(t, "bash")
	const script = `for contents in "$@"; do
  found=
  while read -r line; do
    if [[ "$line" == otpauth://* ]]; then found="$line"; break; fi
  done < <(echo "$contents")
  printf '%s\0' "$found"
done`
	r := rand.New(rand.NewPCG(3, 4))
	parts := []string{"pw", "otpauth://totp/a?secret=X", "otpauth://hotp/b?secret=Y&counter=1", " ", "\t", "\r", "\n", "\n", "\n", "user: x", "otpauth: //totp/c", "otpauth:/", "x otpauth://totp/d"}
	var ins []string
	for range 400 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		ins = append(ins, b.String())
	}
	got := bashEach(t, script, ins)
	for i, in := range ins {
		want := ""
		if s, e, ok := Find([]byte(in)); ok {
			want = in[s:e]
		}
		if got[i] != want {
			t.Errorf("Find(%q) = %q, pass-otp %q", in, want, got[i])
		}
	}
}
