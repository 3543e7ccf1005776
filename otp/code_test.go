package otp

import (
	"encoding/base32"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rfc4226 is RFC 4226 appendix D: the ASCII secret "12345678901234567890",
// counters 0-9, 6 digits, HMAC-SHA1.
var rfc4226 = []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}

// RFC 6238 appendix B uses a different seed for each hash: the ASCII
// digits "1234567890" repeated to the hash's output size, 20 bytes for
// SHA1, 32 for SHA256 and 64 for SHA512. All vectors have 8 digits and a
// 30 s step.
var rfc6238Seeds = map[string]string{
	"SHA1":   "12345678901234567890",
	"SHA256": "12345678901234567890123456789012",
	"SHA512": "1234567890123456789012345678901234567890123456789012345678901234",
}

var rfc6238 = []struct {
	t    int64
	alg  string
	code string
}{
	{59, "SHA1", "94287082"}, {59, "SHA256", "46119246"}, {59, "SHA512", "90693936"},
	{1111111109, "SHA1", "07081804"}, {1111111109, "SHA256", "68084774"}, {1111111109, "SHA512", "25091201"},
	{1111111111, "SHA1", "14050471"}, {1111111111, "SHA256", "67062674"}, {1111111111, "SHA512", "99943326"},
	{1234567890, "SHA1", "89005924"}, {1234567890, "SHA256", "91819424"}, {1234567890, "SHA512", "93441116"},
	{2000000000, "SHA1", "69279037"}, {2000000000, "SHA256", "90698825"}, {2000000000, "SHA512", "38618901"},
	{20000000000, "SHA1", "65353130"}, {20000000000, "SHA256", "77737706"}, {20000000000, "SHA512", "47863826"},
}

func b32(s string) string { return base32.StdEncoding.EncodeToString([]byte(s)) }

func mustParse(t testing.TB, uri string) *Key {
	t.Helper()
	k, err := Parse(uri)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return k
}

func TestRFC4226(t *testing.T) {
	t.Parallel()
	secret := b32("12345678901234567890")
	for i, want := range rfc4226 {
		k := mustParse(t, "otpauth://hotp/rfc4226?secret="+secret+"&counter="+strconv.Itoa(i))
		got, err := k.HOTP(uint64(i))
		if err != nil || got != want {
			t.Errorf("HOTP(%d) = %q, %v; want %q", i, got, err, want)
		}
		if i == 0 {
			continue
		}
		// NextHOTP: the stored counter is the last one used.
		k = mustParse(t, "otpauth://hotp/rfc4226?secret="+secret+"&counter="+strconv.Itoa(i-1))
		got, uri, err := k.NextHOTP()
		if err != nil || got != want {
			t.Errorf("NextHOTP from %d = %q, %v; want %q", i-1, got, err, want)
		}
		if wantURI := "otpauth://hotp/rfc4226?secret=" + secret + "&counter=" + strconv.Itoa(i); uri != wantURI {
			t.Errorf("NextHOTP uri = %q, want %q", uri, wantURI)
		}
	}
}

func TestRFC6238(t *testing.T) {
	t.Parallel()
	for _, v := range rfc6238 {
		t.Run(fmt.Sprintf("%s/%d", v.alg, v.t), func(t *testing.T) {
			k := mustParse(t, "otpauth://totp/rfc6238?secret="+b32(rfc6238Seeds[v.alg])+"&digits=8&algorithm="+v.alg)
			c, err := k.TOTP(time.Unix(v.t, 0))
			if err != nil {
				t.Fatal(err)
			}
			want := Code{Value: v.code, Period: 30, Remaining: int(30 - v.t%30), Step: uint64(v.t / 30), Digits: 8, Type: "totp"}
			if c != want {
				t.Errorf("TOTP = %+v, want %+v", c, want)
			}
			c2, err := k.TOTPStep(uint64(v.t / 30))
			want.Remaining = 0
			if err != nil || c2 != want {
				t.Errorf("TOTPStep = %+v, %v; want %+v", c2, err, want)
			}
		})
	}
}

// oathtool runs oathtool 2.6.7 (the tool pass-otp calls) with the base32
// secret on stdin ("-"), so not even test secrets reach a command line.
func oathtool(secret string, args ...string) ([]byte, error) {
	cmd := exec.Command("oathtool", append(args, "-b", "-")...)
	cmd.Stdin = strings.NewReader(secret + "\n")
	return cmd.Output()
}

// TestOathtool computes codes with oathtool and compares.
func TestOathtool(t *testing.T) {
	requireTools(t, "oathtool")
	t.Parallel()
	secrets := []string{testSecret, b32(rfc6238Seeds["SHA256"]), "jbsw y3dp ehpk 3pxp", "JBSWY3DPEHPK3PX", "JBSWY3DPEB", "MZXW6===", "GEZDGNBV"}
	times := []int64{0, 59, 1111111109, 1700000000, 2000000000, 20000000000}
	type combo struct {
		secret, alg string
		digits      int
		period      int
	}
	var combos []combo
	for i, s := range secrets {
		for j, alg := range []string{"sha1", "SHA256", "Sha512"} {
			combos = append(combos, combo{s, alg, 6 + (i+j)%3, []int{15, 30, 60, 1}[(i+2*j)%4]})
		}
	}
	for _, c := range combos {
		uri := fmt.Sprintf("otpauth://totp/o?secret=%s&algorithm=%s&digits=%d&period=%d", c.secret, c.alg, c.digits, c.period)
		k := mustParse(t, uri)
		for _, ts := range times {
			got, err := k.TOTP(time.Unix(ts, 0))
			if err != nil {
				t.Fatalf("%s: %v", uri, err)
			}
			out, err := oathtool(c.secret, "--totp="+strings.ToLower(c.alg), "--digits="+strconv.Itoa(c.digits),
				"--time-step-size="+strconv.Itoa(c.period)+"s", "--now", "@"+strconv.FormatInt(ts, 10))
			if err != nil {
				t.Fatalf("oathtool %s: %v", uri, err)
			}
			if want := strings.TrimSpace(string(out)); got.Value != want {
				t.Errorf("%s at %d: %s, oathtool %s", uri, ts, got.Value, want)
			}
		}
		// HOTP with the same parameters. oathtool's --hotp is SHA1 only, but
		// HOTP(c) is TOTP with a 1 s step at time c.
		hk := mustParse(t, strings.Replace(uri, "totp", "hotp", 1)+"&counter=41")
		code, _, err := hk.NextHOTP()
		if err != nil {
			t.Fatal(err)
		}
		out, err := oathtool(c.secret, "--totp="+strings.ToLower(c.alg), "--digits="+strconv.Itoa(c.digits), "--time-step-size=1s", "--now=@42")
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)); code != want {
			t.Errorf("%s HOTP(42): %s, oathtool %s", uri, code, want)
		}
	}
}

// secretCases are base32 forms and whether oathtool 2.6.7 accepts them.
var secretCases = []struct {
	secret string
	ok     bool
}{
	{"JBSWY3DPEHPK3PXP", true}, {"jbswy3dpehpk3pxp", true}, {"JBSW Y3DP EHPK 3PXP", true}, {" JBSWY3DPEHPK3PXP ", true},
	{"JBSWY3DPEHPK3PX", true}, {"JBSWY3DPEHPK3P", false}, {"JBSWY3DPEHPK3", true}, {"JBSWY3DPEHPK", true},
	{"JBSWY3DPEHP", false}, {"JBSWY3DPEH", true}, {"JBSWY3DPE", false}, {"JBSWY3DP", true},
	{"J", false}, {"JB", true}, {"JBS", false}, {"JBSW", true}, {"JBSWY", true}, {"JBSWY3", false}, {"JBSWY3D", true},
	{"JB======", true}, {"JBSW====", true}, {"JBSWY===", true}, {"JBSWY3D=", true}, {"JB=====", true},
	{"JB=", false}, {"JB=======", false}, {"JBSWY3DPEHPK3PX=", true}, {"JBSWY3DPEHPK3PXP========", false},
	{"J=B=====", false}, {"JB==", true}, {"JBSW==", false}, {"JB1", false}, {"JB8", false}, {"JB$", false},
	{"JBSW\tY3DP", false}, {"MZ", true}, {"MY", true}, {"ME======", true}, {"JBSW+Y3DP", false}, {"JBSW%20Y3DP", false},
	{"JBSWY3DPEHPK3PXP\r", false}, {"JBSWY3DP\nEHPK3PXP", false},
}

func TestSecretRules(t *testing.T) {
	t.Parallel()
	for _, tc := range secretCases {
		_, err := normalizeSecret(tc.secret)
		if (err == nil) != tc.ok {
			t.Errorf("normalizeSecret(%q) = %v, want ok=%v", tc.secret, err, tc.ok)
		}
		var ce *CodeError
		if err != nil && (!errors.As(err, &ce) || ce.Field != "secret" || strings.Contains(err.Error(), strings.TrimSpace(tc.secret))) {
			t.Errorf("normalizeSecret(%q) error %q: want a secret CodeError without the secret", tc.secret, err)
		}
	}
	// Empty and all-space secrets are refused (oathtool would use an empty
	// key; pass-otp would lose the word in splitting).
	for _, s := range []string{"", "   "} {
		if _, err := normalizeSecret(s); err == nil {
			t.Errorf("normalizeSecret(%q) accepted", s)
		}
	}
}

// TestSecretRulesOathtool checks the table's verdicts against oathtool.
func TestSecretRulesOathtool(t *testing.T) {
	requireTools(t, "oathtool")
	t.Parallel()
	for _, tc := range secretCases {
		if strings.Contains(tc.secret, "\n") {
			continue // oathtool reads one line from stdin
		}
		_, err := oathtool(tc.secret, "--totp", "--now", "@59")
		if (err == nil) != tc.ok {
			t.Errorf("oathtool on %q: %v, table says ok=%v", tc.secret, err, tc.ok)
		}
	}
}

func TestCodeChecks(t *testing.T) {
	t.Parallel()
	at := time.Unix(59, 0)
	tests := []struct {
		name   string
		query  string
		field  string // CodeError field; "" = success; "alg" = URIError ReasonAlgorithm
		digits int
		period int
	}{
		{"defaults", "", "", 6, 30},
		{"digits 7", "&digits=7", "", 7, 30},
		{"digits 08 is decimal", "&digits=08", "", 8, 30},
		{"digits 5", "&digits=5", "digits", 0, 0},
		{"digits 9", "&digits=9", "digits", 0, 0},
		{"digits junk", "&digits=6a", "digits", 0, 0},
		{"digits huge", "&digits=99999999999999999999999", "digits", 0, 0},
		{"period 0 is 30", "&period=0", "", 6, 30},
		{"period 15", "&period=15", "", 6, 15},
		{"period 1e9", "&period=1000000000", "", 6, 1000000000},
		{"period negative", "&period=-30", "period", 0, 0},
		{"period junk", "&period=30s", "period", 0, 0},
		{"period overflow", "&period=99999999999999999999999", "period", 0, 0},
		{"algorithm lower", "&algorithm=sha512", "", 6, 30},
		{"algorithm mixed", "&algorithm=ShA256", "", 6, 30},
		{"algorithm md5", "&algorithm=MD5", "alg", 0, 0},
		{"algorithm sha-1", "&algorithm=SHA-1", "alg", 0, 0},
		{"steam ignores digits", "&encoder=steam&digits=5", "", 5, 30},
		{"steam upper", "&encoder=Steam&digits=9", "", 5, 30},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := mustParse(t, "otpauth://totp/a?secret="+testSecret+tc.query)
			c, err := k.TOTP(at)
			switch tc.field {
			case "":
				if err != nil {
					t.Fatal(err)
				}
				if c.Digits != tc.digits || c.Period != tc.period || len(c.Value) != tc.digits {
					t.Errorf("code %+v, want %d digits period %d", c, tc.digits, tc.period)
				}
			case "alg":
				var ue *URIError
				if !errors.As(err, &ue) || ue.Reason != ReasonAlgorithm {
					t.Fatalf("err = %v, want URIError ReasonAlgorithm", err)
				}
				want := "Invalid key URI (unsupported algorithm): otpauth://totp/a?secret=REDACTED" + tc.query
				if ue.Message() != want {
					t.Errorf("Message() = %q, want %q", ue.Message(), want)
				}
			default:
				var ce *CodeError
				if !errors.As(err, &ce) || ce.Field != tc.field {
					t.Fatalf("err = %v, want CodeError on %s", err, tc.field)
				}
				if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q shows the secret or spans lines", err)
				}
			}
		})
	}
}

func TestSteam(t *testing.T) {
	t.Parallel()
	// Reference: pquerna/otp's Steam encoder, which gopass uses, with
	// digits=5 (the only case where gopass and passotp agree).
	k := mustParse(t, "otpauth://totp/Steam:me?secret="+testSecret+"&encoder=steam&digits=5")
	c, err := k.TOTP(time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Value) != 5 || strings.Trim(c.Value, steamAlphabet) != "" {
		t.Errorf("steam code %q", c.Value)
	}
	// Steam's algorithm by hand: HMAC-SHA1 truncation, then base-26 digits.
	if want := steamByHand(t, testSecret, 1700000000/30); c.Value != want {
		t.Errorf("steam code %q, want %q", c.Value, want)
	}
}

func steamByHand(t *testing.T, secret string, step uint64) string {
	return steamFromHMAC(mustParse(t, "otpauth://totp/x?secret="+secret), step)
}

func TestNextHOTPRewrite(t *testing.T) {
	t.Parallel()
	s := testSecret
	tests := []struct{ in, want string }{
		{"otpauth://hotp/a?secret=" + s + "&counter=5", "otpauth://hotp/a?secret=" + s + "&counter=6"},
		{"otpauth://hotp/a?counter=5&secret=" + s, "otpauth://hotp/a?counter=6&secret=" + s},
		{"otpauth://hotp/a?secret=" + s + "&counter=9&issuer=x", "otpauth://hotp/a?secret=" + s + "&counter=10&issuer=x"},
		{"otpauth://hotp/a?secret=" + s + "&counter=010", "otpauth://hotp/a?secret=" + s + "&counter=11"},
		{"otpauth://hotp/a?counter=1&secret=" + s + "&counter=99", "otpauth://hotp/a?counter=1&secret=" + s + "&counter=100"},
		{"otpauth://hotp/a?secret=" + s + "&counter=10&x=counter=10", "otpauth://hotp/a?secret=" + s + "&counter=11&x=counter=10"},
		{"otpauth://hotp/counter=3?secret=" + s + "&counter=3", "otpauth://hotp/counter=3?secret=" + s + "&counter=4"},
		{"otpauth://hotp/a?secret=" + s + "&counter=18446744073709551614", "otpauth://hotp/a?secret=" + s + "&counter=18446744073709551615"},
		{"otpauth://hotp/a?secret=" + s + "&counter=5\nx&counter=7", "otpauth://hotp/a?secret=" + s + "&counter=6\nx&counter=7"},
	}
	for _, tc := range tests {
		k := mustParse(t, tc.in)
		_, uri, err := k.NextHOTP()
		if err != nil || uri != tc.want {
			t.Errorf("NextHOTP(%q) uri = %q, %v; want %q", tc.in, uri, err, tc.want)
		}
	}
	for _, bad := range []string{"18446744073709551615", "99999999999999999999"} {
		k := mustParse(t, "otpauth://hotp/a?secret="+s+"&counter="+bad)
		if _, _, err := k.NextHOTP(); err == nil {
			t.Errorf("counter %s: no error", bad)
		}
	}
	if _, _, err := mustParse(t, "otpauth://totp/a?secret="+s).NextHOTP(); err == nil {
		t.Error("NextHOTP on totp: no error")
	}
	if _, err := mustParse(t, "otpauth://hotp/a?counter=1&secret="+s).TOTP(time.Unix(0, 0)); err == nil {
		t.Error("TOTP on hotp: no error")
	}
}
