package otp

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// passOTPScript is the installed pass-otp extension, whose parser this
// test runs directly.
const passOTPScript = "/usr/lib/password-store/extensions/otp.bash"

// TestParseBashOracle runs pass-otp's own otp_parse_uri and urldecode,
// extracted from the installed extension, over 2000 generated URIs in
// two bash processes and compares every outcome: accepted or the exact
// message, and type, issuer, account and the raw parameters. The regex is
// patched to compat.md §6's develop form (with :port), the one we
// implement. Generated secrets are random test strings.
func TestParseBashOracle(t *testing.T) {
	requireTools(t, "bash")
	src, err := os.ReadFile(passOTPScript)
	if err != nil {
		if os.Getenv("PASSOTP_ALLOW_SKIP") == "1" {
			t.Skip(err)
		}
		t.Fatalf("pass-otp not installed: %v", err)
	}
	funcs := extractFunc(t, string(src), "urldecode") + extractFunc(t, string(src), "otp_parse_uri")
	const oldPattern = `local pattern='^otpauth:\/\/(totp|hotp)(\/(([^:?]+)?(:([^:?]*))?))?\?(.+)$'`
	const newPattern = `local pattern='^otpauth:\/\/(totp|hotp)(\/(([^:?]+)?(:([^:?]*))?)(:([0-9]+))?)?\?(.+)$'`
	if !strings.Contains(funcs, oldPattern) || !strings.Contains(funcs, "local p=${BASH_REMATCH[7]}") {
		t.Fatal("installed otp_parse_uri differs from the one this test patches")
	}
	funcs = strings.Replace(funcs, oldPattern, newPattern, 1)
	funcs = strings.Replace(funcs, "local p=${BASH_REMATCH[7]}", "local p=${BASH_REMATCH[9]}", 1)
	script := `die() { printf 'ERR\0%s\0' "$*"; exit 1; }
` + funcs + `
for a in "$@"; do
  ( otp_parse_uri "$a"; printf 'OK\0%s\0%s\0%s\0%s\0%s\0%s\0%s\0%s\0' "$otp_type" "$otp_issuer" "$otp_accountname" "$otp_secret" "$otp_digits" "$otp_algorithm" "$otp_period" "$otp_counter" ) 2>/dev/null
done
true`

	r := rand.New(rand.NewPCG(1, 2))
	var ins []string
	for range 2000 {
		ins = append(ins, genURI(r))
	}
	// Two bash processes, one per core.
	half := len(ins) / 2
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, part := range [][]string{ins[:half], ins[half:]} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command("bash", append([]string{"-c", script, "bash"}, part...)...)
			cmd.Env = []string{"LC_ALL=C.UTF-8", "PATH=/usr/bin:/bin"}
			outs[i], errs[i] = cmd.Output()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	fields := strings.Split(string(outs[0])+string(outs[1]), "\x00")
	next := func() string {
		if len(fields) == 0 {
			t.Fatal("bash output ended early")
		}
		f := fields[0]
		fields = fields[1:]
		return f
	}
	accepted := 0
	for _, in := range ins {
		k, err := Parse(in)
		switch tag := next(); tag {
		case "ERR":
			msg := next()
			if err == nil {
				t.Errorf("Parse(%q) accepted; pass-otp: %q", in, msg)
				continue
			}
			ue := err.(*URIError)
			step1 := strings.NewReplacer("`", "%60", `"`, "%22").Replace(in)
			if want := (&URIError{Reason: ue.Reason, URI: step1}).Message(); want != msg {
				t.Errorf("Parse(%q): we say %q, pass-otp %q", in, want, msg)
			}
		case "OK":
			got := []string{next(), next(), next(), next(), next(), next(), next(), next()}
			if err != nil {
				t.Errorf("Parse(%q) = %v; pass-otp accepts it", in, err)
				continue
			}
			accepted++
			want := []string{k.Type, k.Issuer, k.Account, k.Secret, k.Digits, k.Algorithm, k.Period, k.Counter}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("Parse(%q) field %d = %q, pass-otp %q", in, i, want[i], got[i])
				}
			}
		default:
			t.Fatalf("unexpected bash output %q", tag)
		}
	}
	t.Logf("%d of %d generated URIs valid, the rest rejected with pass-otp's message", accepted, len(ins))
	if accepted < 250 {
		t.Errorf("only %d of %d generated URIs were valid; the generator needs tuning", accepted, len(ins))
	}
}

// extractFunc returns the text of a top-level bash function.
func extractFunc(t *testing.T, src, name string) string {
	i := strings.Index(src, "\n"+name+"() {")
	if i < 0 {
		t.Fatalf("function %s not found", name)
	}
	j := strings.Index(src[i:], "\n}\n")
	if j < 0 {
		t.Fatalf("end of %s not found", name)
	}
	return src[i+1 : i+j+3]
}

var (
	labelTokens = []string{"a", "B", "z9", "443", ":", ":", "%41", "%0A", "%2F", "%", "+", " ", `\x41`, `\`, `\c`, `\n`, `\101`, "`", `"`, "é", "@", ".", "?", "&", "=", "\t", "%C3%A9", "%00", `\u00e9`}
	keys        = []string{"secret", "secret", "secret", "issuer", "issuer", "digits", "algorithm", "period", "counter", "counter", "encoder", "Secret", "x", ""}
	valueTokens = []string{"JBSWY3DP", "EHPK3PXP", "7", "010", "-1", "=", "+", "%20", " ", "a", "SHA256", "%41", `\x41`, "?", ":", "`", "\n", "\r", "steam"}
)

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// genURI makes mostly well-formed otpauth URIs with hostile details.
func genURI(r *rand.Rand) string {
	var b bytes.Buffer
	switch r.IntN(20) {
	case 0:
		b.WriteString(pick(r, []string{"otpauth:/", "OTPAUTH://", " otpauth://", "otpauth-migration://"}))
	default:
		b.WriteString("otpauth://")
	}
	b.WriteString(pick(r, []string{"totp", "hotp", "totp", "hotp", "TOTP", "motp"}))
	if r.IntN(8) != 0 {
		b.WriteString("/")
		for i := range 1 + r.IntN(4) {
			if i == 0 || r.IntN(3) == 0 {
				b.WriteString(pick(r, labelTokens))
			} else {
				b.WriteString(pick(r, []string{"a", "Bob", "x.y", "1"}))
			}
		}
	}
	if r.IntN(15) != 0 {
		b.WriteString("?")
	}
	if r.IntN(3) != 0 {
		b.WriteString("secret=JBSWY3DPEHPK3PXP&")
	}
	for i := range r.IntN(5) {
		if i > 0 || r.IntN(10) == 0 {
			b.WriteString("&")
		}
		b.WriteString(pick(r, keys))
		if r.IntN(10) != 0 {
			b.WriteString("=")
		}
		for range r.IntN(3) {
			b.WriteString(pick(r, valueTokens))
		}
	}
	return b.String()
}
