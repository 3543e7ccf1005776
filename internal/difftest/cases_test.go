package difftest

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// Public test secrets only: "Hello!\xde\xad\xbe\xef" and RFC 4226's
// "12345678901234567890" (prefixes), in base32.
const (
	sec1 = "JBSWY3DPEHPK3PXP"
	sec2 = "GEZDGNBVGY3TQOJQ"
	sec3 = "JBSWY3DPEHPK3PXQ"
)

// templateEntries is the store every case starts from (.gpg-id: the
// cv25519 key; team/ has its own .gpg-id, the RSA key, and its own git
// repository).
var templateEntries = []entry{
	{"totp.gpg", "otpauth://totp/Example:alice@example.com?secret=" + sec1 + "&issuer=Example\n", testkeys.Cv25519},
	{"web/login.gpg", "hunter2\nuser: bob\notpauth://totp/Web:bob?secret=" + sec2 + "&digits=8&algorithm=SHA256\n", testkeys.Cv25519},
	{"hotp.gpg", "otpauth://hotp/Hot:carol?secret=" + sec3 + "&counter=5&issuer=Hot\n", testkeys.Cv25519},
	{"hotp-first.gpg", "otpauth://hotp/Hot:dan?counter=5&secret=" + sec3 + "\n", testkeys.Cv25519},
	{"hotp-octal.gpg", "otpauth://hotp/Hot:eve?secret=" + sec3 + "&counter=010\n", testkeys.Cv25519},
	{"hotp-multi.gpg", "pw\n\notpauth://hotp/Hot:fay?secret=" + sec3 + "&counter=7\notpauth://totp/Second:gus?secret=" + sec1 + "\n\n", testkeys.Cv25519},
	{"hotp-dup.gpg", "otpauth://hotp/Hot:dup?secret=" + sec3 + "&counter=1&counter=9\n", testkeys.Cv25519},
	{"hotp-lead0.gpg", "otpauth://hotp/Hot:lz?secret=" + sec3 + "&counter=007&digits=8\n", testkeys.Cv25519},
	{"hotp-indented.gpg", "pw\n  otpauth://hotp/Hot:ind?secret=" + sec3 + "&counter=2\nnote\n", testkeys.Cv25519},
	{"hotp-big.gpg", "otpauth://hotp/Hot:big?secret=" + sec3 + "&counter=18446744073709551615\n", testkeys.Cv25519},
	{"hotp-sha256.gpg", "otpauth://hotp/Hot:hal?secret=" + sec2 + "&counter=1&algorithm=SHA256\n", testkeys.Cv25519},
	{"nootp.gpg", "just-a-password\nuser: x\n", testkeys.Cv25519},
	{"indented.gpg", "pw\n   otpauth://totp/Ind:ivy?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"two-otp.gpg", "otpauth://totp/One:a?secret=" + sec1 + "\notpauth://totp/Two:b?secret=" + sec2 + "\n", testkeys.Cv25519},
	{"My Entry/with spaces.gpg", "otpauth://totp/Spaced:sue?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"arn:aws:iam::123456789012:mfa/alice.gpg", "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=" + sec2 + "&issuer=Amazon%20Web%20Services\n", testkeys.Cv25519},
	{"label-space.gpg", "otpauth://totp/Big%20Corp:grace h?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"port.gpg", "otpauth://totp/Issuer:alice@x:443?secret=" + sec1 + "&issuer=Issuer\n", testkeys.Cv25519},
	{"badsecret.gpg", "otpauth://totp/B:b?secret=!!!!!!!!\n", testkeys.Cv25519},
	{"digits5.gpg", "otpauth://totp/D:d?secret=" + sec1 + "&digits=5\n", testkeys.Cv25519},
	{"algo-md5.gpg", "otpauth://totp/A:a?secret=" + sec1 + "&algorithm=MD5\n", testkeys.Cv25519},
	{"period60.gpg", "otpauth://totp/P:p?secret=" + sec1 + "&period=60&digits=7\n", testkeys.Cv25519},
	{"leading-blank.gpg", "\n\npw\nuser: z\n", testkeys.Cv25519},
	{"no-newline.gpg", "pw\nuser: z", testkeys.Cv25519},
	{"spaced-secret.gpg", "otpauth://totp/S:s?secret=JBSW Y3DP EHPK 3PXP\n", testkeys.Cv25519},
	{"padded.gpg", "otpauth://totp/Pad:p?secret=" + sec1 + "%3D\n", testkeys.Cv25519},
	{"gopass-key.gpg", "pw\notpauth: otpauth://totp/G:g?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"missing-counter.gpg", "otpauth://hotp/H:x?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"no-account.gpg", "otpauth://totp/?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"unparsable.gpg", "pw\notpauth://totp/x\n", testkeys.Cv25519},
	{"no-secret.gpg", "otpauth://totp/I:a?issuer=I&secretx=" + sec1 + "\n", testkeys.Cv25519},
	{"migration.gpg", "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8\n", testkeys.Cv25519},
	{"first-bad.gpg", "otpauth://totp/x\notpauth://totp/A:a?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"embedded.gpg", "url: otpauth://totp/A:a?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"trailing-space.gpg", "\totpauth://totp/T:t?secret=" + sec1 + "  \t\nnext\n", testkeys.Cv25519},
	{"crlf.gpg", "otpauth://totp/C:c?secret=" + sec1 + "\r\n", testkeys.Cv25519},
	{"corrupt.gpg", "this is not OpenPGP\n", testkeys.Cv25519},
	{"aws/x.gpg", "otpauth://totp/AWS:x?secret=" + sec1 + "\n", testkeys.Cv25519},
	{"team/svc.gpg", "otpauth://hotp/Team:svc?secret=" + sec3 + "&counter=0\n", testkeys.RSA},
	{"otp-no-newline.gpg", "pw\notpauth://totp/NN:n?secret=" + sec1, testkeys.Cv25519},
	{"hotp-no-newline.gpg", "pw\notpauth://hotp/NN:h?secret=" + sec3 + "&counter=3", testkeys.Cv25519},
	{"team/web.gpg", "pw\notpauth://totp/Team:web?secret=" + sec1 + "\n", testkeys.RSA},
}

// templateFiles are the store's other files.
var templateFiles = map[string]string{
	".gpg-id":      testkeys.Cv25519.Email + "\n",
	"team/.gpg-id": testkeys.RSA.Email + "\n",
}

// Setups shared by several cases.

func rm(paths ...string) func(string) error {
	return func(store string) error {
		for _, p := range paths {
			if err := os.RemoveAll(filepath.Join(store, p)); err != nil {
				return err
			}
		}
		return nil
	}
}

func write(path, content string) func(string) error {
	return func(store string) error {
		return os.WriteFile(filepath.Join(store, path), []byte(content), 0o600)
	}
}

// reencrypt replaces an entry's plaintext (the oracle runs pass-otp on an
// equivalent entry that 1.2.0 can read).
func reencrypt(f func() *fixture, path, plain string) func(string) error {
	return func(store string) error {
		fx := f()
		_, err := testkeys.RunGPG(fx.gnupg, []byte(plain), "--yes", "--compress-algo=none",
			"--no-encrypt-to", "--trust-model=always", "-r", testkeys.Cv25519.Fpr, "-o",
			filepath.Join(store, path), "-e")
		return err
	}
}

// rmStore removes the whole store directory.
func rmStore(store string) error { return os.RemoveAll(store) }

// chmod changes a path's mode.
func chmod(path string, mode os.FileMode) func(string) error {
	return func(store string) error { return os.Chmod(filepath.Join(store, path), mode) }
}

// symlink makes name a symbolic link to target inside the store.
func symlink(name, target string) func(string) error {
	return func(store string) error { return os.Symlink(target, filepath.Join(store, name)) }
}

// signGPGID writes path.sig, a detached signature of path by key.
// Both stores get the same signature (made once: a signature holds its
// creation time).
func signGPGID(f func() *fixture, path string, key testkeys.Key) func(string) error {
	var once sync.Once
	var sig []byte
	var err error
	return func(store string) error {
		p := filepath.Join(store, path)
		once.Do(func() {
			sig, err = testkeys.RunGPG(f().gnupg, nil, "-u", key.Fpr, "--detach-sign", "-o", "-", p)
		})
		if err != nil {
			return err
		}
		return os.WriteFile(p+".sig", sig, 0o644)
	}
}

// hotpRef is RFC 4226 HOTP, written here independently of otp/.
func hotpRef(secret string, counter uint64, digits int, alg string) string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		panic(err)
	}
	var h func() hash.Hash
	switch alg {
	case "sha256":
		h = sha256.New
	case "sha512":
		h = sha512.New
	default:
		h = sha1.New
	}
	mac := hmac.New(h, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0xf
	v := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	mod := uint32(1)
	for i := 0; i < digits; i++ {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, v%mod)
}

// cases builds the table; fx gives the fixture to setups that need gpg.
func cases(fx func() *fixture) []tcase {
	uri1 := "otpauth://totp/Example:alice@example.com?secret=" + sec1 + "&issuer=Example"
	newURI := "otpauth://totp/NewCo:nina@example.com?secret=" + sec2 + "&issuer=NewCo"
	badSig := signGPGID(fx, ".gpg-id", testkeys.RSA)
	return []tcase{
		// --- code: dispatch and option spellings (§4.1, §4.3)
		{name: "code/default", args: []string{"totp"}},
		{name: "code/code", args: []string{"code", "totp"}},
		{name: "code/show", args: []string{"show", "totp"}},
		{name: "code/dashdash", args: []string{"--", "totp"}},
		{name: "code/code-dashdash", args: []string{"code", "--", "totp"}},
		{name: "code/dashdash-dash-c", args: []string{"--", "-c"}},
		{name: "code/c-no-display", args: []string{"-c", "totp"}},
		{name: "code/c-after", args: []string{"totp", "-c"}},
		{name: "code/clip", args: []string{"code", "--clip", "totp"}},
		{name: "code/clip-abbrev", args: []string{"--cl", "totp"}},
		{name: "code/clip-arg", args: []string{"--clip=1", "totp"}},
		{name: "code/bad-short", args: []string{"-x", "totp"}},
		{name: "code/bad-shorts", args: []string{"-x", "-y", "totp"}},
		{name: "code/bad-grouped", args: []string{"-cx", "totp"}},
		{name: "code/bad-long", args: []string{"--bogus", "totp"}},
		{name: "code/bad-long-value", args: []string{"--bogus=1", "totp"}},
		{name: "code/no-operand", args: nil},
		{name: "code/code-no-operand", args: []string{"code"}},
		{name: "code/two-operands", args: []string{"totp", "web/login"}},
		{name: "code/posix-operand-first", args: []string{"totp", "-c"}, env: []string{"POSIXLY_CORRECT=1"}},
		{name: "code/posix-option-first", args: []string{"-c", "totp"}, env: []string{"POSIXLY_CORRECT=1"}},
		{name: "code/quiet", args: []string{"-q", "totp"}, rules: []rule{withoutArg("debianNoQuiet", "-q")}},
		{name: "code/quiet-long", args: []string{"code", "totp", "--quiet"}, rules: []rule{withoutArg("debianNoQuiet", "--quiet")}},
		{name: "code/stdin-pipe", args: []string{"totp"}, stdin: in("ignored\n")},
		// --- code: entries
		{name: "code/password-line", args: []string{"web/login"}},
		{name: "code/trailing-slash", args: []string{"web/login/"}},
		{name: "code/double-slash", args: []string{"web//login"}},
		{name: "code/spaces", args: []string{"My Entry/with spaces"}},
		{name: "code/arn", args: []string{"arn:aws:iam::123456789012:mfa/alice"}},
		{name: "code/indented", args: []string{"indented"}},
		{name: "code/two-otp", args: []string{"two-otp"}},
		{name: "code/period60", args: []string{"period60"}},
		{name: "code/team", args: []string{"team/web"}},
		{name: "code/missing", args: []string{"missing"}},
		{name: "code/missing-nested", args: []string{"no/such/entry"}},
		{name: "code/dir", args: []string{"aws"}},
		{name: "code/dir-slash", args: []string{"aws/"}},
		{name: "code/nootp", args: []string{"nootp"}},
		{name: "code/no-account", args: []string{"no-account"}},
		{name: "code/missing-counter", args: []string{"missing-counter"}},
		{name: "code/unparsable", args: []string{"unparsable"}},
		{name: "code/first-bad", args: []string{"first-bad"}},
		{name: "code/embedded", args: []string{"embedded"}},
		{name: "code/trailing-space", args: []string{"trailing-space"}},
		{name: "uri/first-bad", args: []string{"uri", "first-bad"}},
		{name: "uri/trailing-space", args: []string{"uri", "trailing-space"}},
		{name: "append/trailing-space", args: []string{"append", "trailing-space"}, stdin: in(newURI + "\n")},
		{name: "code/no-secret", args: []string{"no-secret"}},
		{name: "code/migration", args: []string{"migration"}},
		{name: "uri/unparsable", args: []string{"uri", "unparsable"}},
		{name: "uri/no-secret", args: []string{"uri", "no-secret"}},
		{name: "uri/missing-counter", args: []string{"uri", "missing-counter"}},
		{name: "code/label-space", args: []string{"label-space"}, rules: []rule{
			oracleSetup("debianFirstWord", reencrypt(fx, "label-space.gpg", "otpauth://totp/Big%20Corp:grace%20h?secret="+sec1+"\n"), nil)}},
		{name: "code/port", args: []string{"port"}, rules: []rule{
			oracleSetup("debianNoPort", reencrypt(fx, "port.gpg", "otpauth://totp/Issuer:alice@x?secret="+sec1+"&issuer=Issuer\n"), nil)}},
		{name: "code/spaced-secret", args: []string{"spaced-secret"}, rules: []rule{
			oracleSetup("secretSpaces", reencrypt(fx, "spaced-secret.gpg", "otpauth://totp/S:s?secret="+sec1+"\n"), nil)}},
		{name: "code/gopass-key", args: []string{"gopass-key"}, rules: []rule{
			oracleSetup("gopassKeys", reencrypt(fx, "gopass-key.gpg", "pw\notpauth://totp/G:g?secret="+sec1+"\n"), nil)}},
		{name: "code/badsecret", args: []string{"badsecret"}, rules: []rule{lastLineKept("computeReason")}},
		{name: "code/digits5", args: []string{"digits5"}, rules: []rule{lastLineKept("computeReason")}},
		{name: "code/padded", args: []string{"padded"}, rules: []rule{lastLineKept("computeReason")}},
		{name: "code/crlf", args: []string{"crlf"}, rules: []rule{lastLineKept("crKept")}},
		{name: "code/algo-md5", args: []string{"algo-md5"}, rules: []rule{fails("unsupportedAlgorithm",
			"Invalid key URI (unsupported algorithm): otpauth://totp/A:a?secret=REDACTED&algorithm=MD5\nalgo-md5: failed to generate OTP code.\n")}},
		{name: "code/corrupt", args: []string{"corrupt"}, rules: []rule{lastLineKept("decryptWording")}},
		{name: "code/sneaky-dotdot", args: []string{".."}},
		{name: "code/sneaky-prefix", args: []string{"../totp"}},
		{name: "code/sneaky-middle", args: []string{"web/../totp"}},
		{name: "code/sneaky-suffix", args: []string{"web/.."}},
		{name: "code/c-missing", args: []string{"-c", "missing"}},
		{name: "code/c-nootp", args: []string{"-c", "nootp"}},
		{name: "code/c-badsecret", args: []string{"-c", "badsecret"}, rules: []rule{lastLineKept("computeReason")}},
		{name: "code/c-no-account", args: []string{"--clip", "no-account"}},
		{name: "validate/secret-off-boundary", args: []string{"validate", "otpauth://totp/a?b?secret=" + sec1}},
		{name: "validate/secret-no-slash", args: []string{"validate", "otpauth://totpa?b?secret=" + sec1}},
		{name: "insert/secret-off-boundary", args: []string{"insert", "new"}, stdin: in("otpauth://totp/a?x=1?secret=" + sec1 + "\n")},
		// --- code: HOTP (§10.1, §11.1)
		{name: "hotp/basic", args: []string{"hotp"}, rules: []rule{entryPlain("hotpCounter", "hotp.gpg",
			"otpauth://hotp/Hot:carol?secret="+sec3+"&counter=6&issuer=Hot\n", nil)}},
		{name: "hotp/counter-first", args: []string{"code", "hotp-first"}, rules: []rule{entryPlain("hotpCounter", "hotp-first.gpg",
			"otpauth://hotp/Hot:dan?counter=6&secret="+sec3+"\n", nil)}},
		{name: "hotp/octal", args: []string{"hotp-octal"}, rules: []rule{entryPlain("hotpCounter", "hotp-octal.gpg",
			"otpauth://hotp/Hot:eve?secret="+sec3+"&counter=11\n", func(x *expect) { x.want.stdout = hotpRef(sec3, 11, 6, "") + "\n" })}},
		{name: "hotp/multi", args: []string{"hotp-multi"}, rules: []rule{entryPlain("hotpCounter", "hotp-multi.gpg",
			"pw\n\notpauth://hotp/Hot:fay?secret="+sec3+"&counter=8\notpauth://totp/Second:gus?secret="+sec1+"\n\n", nil)}},
		{name: "hotp/sha256", args: []string{"hotp-sha256"}, rules: []rule{
			entryPlain("hotpCounter", "hotp-sha256.gpg", "otpauth://hotp/Hot:hal?secret="+sec2+"&counter=2&algorithm=SHA256\n", nil),
			stdoutIs("hotpAlgorithm", hotpRef(sec2, 2, 6, "sha256")+"\n")}},
		{name: "hotp/duplicate-counter", args: []string{"hotp-dup"}, rules: []rule{entryPlain("hotpCounter", "hotp-dup.gpg",
			"otpauth://hotp/Hot:dup?secret="+sec3+"&counter=1&counter=10\n", nil)}},
		{name: "hotp/leading-zeros", args: []string{"hotp-lead0"}, rules: []rule{entryPlain("hotpCounter", "hotp-lead0.gpg",
			"otpauth://hotp/Hot:lz?secret="+sec3+"&counter=8&digits=8\n", func(x *expect) { x.want.stdout = hotpRef(sec3, 8, 8, "") + "\n" })}},
		{name: "hotp/indented", args: []string{"hotp-indented"}, rules: []rule{entryPlain("hotpCounter", "hotp-indented.gpg",
			"pw\n  otpauth://hotp/Hot:ind?secret="+sec3+"&counter=3\nnote\n", nil)}},
		{name: "hotp/max-counter", args: []string{"hotp-big"}, rules: []rule{newRule("counterOverflow", nil, func(x *expect) {
			x.want.exit, x.want.stdout = 1, ""
			x.want.stderrRE = regexpMust(`(?s)\A(?:[^\n]+\n)+hotp-big: failed to generate OTP code\.\n\z`)
			x.unchanged()
		})}},
		{name: "hotp/team-repo", args: []string{"team/svc"}, rules: []rule{entryPlain("hotpCounter", "team/svc.gpg",
			"otpauth://hotp/Team:svc?secret="+sec3+"&counter=1\n", nil)}},
		{name: "hotp/no-git", args: []string{"hotp"}, setup: rm(".git"), rules: []rule{entryPlain("hotpCounter", "hotp.gpg",
			"otpauth://hotp/Hot:carol?secret="+sec3+"&counter=6&issuer=Hot\n", nil)}},
		{name: "hotp/umask022", args: []string{"hotp"}, env: []string{"PASSWORD_STORE_UMASK=022"}, rules: []rule{entryPlain("hotpCounter", "hotp.gpg",
			"otpauth://hotp/Hot:carol?secret="+sec3+"&counter=6&issuer=Hot\n", nil)}},
		{name: "hotp/store-key", args: []string{"hotp"}, env: []string{"PASSWORD_STORE_KEY=" + testkeys.RSA.Email}, rules: []rule{entryPlain("hotpCounter", "hotp.gpg",
			"otpauth://hotp/Hot:carol?secret="+sec3+"&counter=6&issuer=Hot\n", nil)}},
		{name: "hotp/keeps-mode", args: []string{"hotp"}, setup: chmod("hotp.gpg", 0o644), rules: []rule{entryPlain("hotpCounter", "hotp.gpg",
			"otpauth://hotp/Hot:carol?secret="+sec3+"&counter=6&issuer=Hot\n", nil)}},
		{name: "hotp/no-gpg-id", args: []string{"hotp"}, setup: rm(".gpg-id")},
		{name: "hotp/clip-no-display", args: []string{"-c", "hotp"}, rules: []rule{fails("clipBeforeHOTP", noDisplay)}},
		{name: "hotp/missing-counter", args: []string{"missing-counter"}},
		// --- uri (§10.4, §11.6)
		{name: "uri/basic", args: []string{"uri", "totp"}},
		{name: "uri/password-line", args: []string{"uri", "web/login"}},
		{name: "uri/indented", args: []string{"uri", "indented"}},
		{name: "uri/two-otp", args: []string{"uri", "two-otp"}},
		{name: "uri/spaces", args: []string{"uri", "My Entry/with spaces"}},
		{name: "uri/arn", args: []string{"uri", "arn:aws:iam::123456789012:mfa/alice"}},
		{name: "uri/hotp", args: []string{"uri", "hotp"}},
		{name: "uri/qrcode", args: []string{"uri", "-q", "totp"}},
		{name: "uri/qrcode-long", args: []string{"uri", "--qrcode", "totp"}},
		{name: "uri/qrcode-abbrev", args: []string{"uri", "totp", "--qr"}},
		{name: "uri/clip", args: []string{"uri", "-c", "totp"}, rules: []rule{fails("debianNoURIClip", noDisplay)}},
		{name: "uri/clip-and-qrcode", args: []string{"uri", "-q", "-c", "totp"}, rules: []rule{fails("debianNoURIClip", noDisplay)}},
		{name: "uri/nootp-qrcode", args: []string{"uri", "-q", "nootp"}, rules: []rule{uriNoOTP("nootp")}},
		{name: "uri/nootp", args: []string{"uri", "nootp"}, rules: []rule{uriNoOTP("nootp")}},
		{name: "uri/missing", args: []string{"uri", "missing"}},
		{name: "uri/dir", args: []string{"uri", "aws"}},
		{name: "uri/trailing-slash", args: []string{"uri", "web/login/"}},
		{name: "uri/no-operand", args: []string{"uri"}},
		{name: "uri/two-operands", args: []string{"uri", "totp", "hotp"}},
		{name: "uri/bad-option", args: []string{"uri", "-x", "totp"}},
		{name: "uri/sneaky", args: []string{"uri", "../totp"}},
		{name: "uri/no-account", args: []string{"uri", "no-account"}},
		{name: "uri/label-space", args: []string{"uri", "label-space"}, rules: []rule{
			oracleSetup("debianFirstWord", reencrypt(fx, "label-space.gpg", "otpauth://totp/Big%20Corp:grace%20h?secret="+sec1+"\n"),
				replaceOut("grace%20h", "grace h"))}},
		{name: "uri/port", args: []string{"uri", "port"}, rules: []rule{
			oracleSetup("debianNoPort", reencrypt(fx, "port.gpg", "otpauth://totp/Issuer:alice@x?secret="+sec1+"&issuer=Issuer\n"),
				replaceOut("alice@x?", "alice@x:443?"))}},
		{name: "uri/corrupt", args: []string{"uri", "corrupt"}, rules: []rule{
			newRule("decryptWording", nil, func(x *expect) {
				// pass-otp prints an empty line; §11.6 then applies too.
				x.want.exit, x.want.stdout = 1, ""
				x.want.stderrRE = regexpMust(`(?s)\A(?:[^\n]+\n)+corrupt: OTP secret not found\.\n\z`)
			})}},
		// --- validate (§6, §10.6)
		{name: "validate/ok", args: []string{"validate", uri1}},
		{name: "validate/hotp", args: []string{"validate", "otpauth://hotp/H:x?secret=" + sec1 + "&counter=3"}},
		{name: "validate/hotp-no-counter", args: []string{"validate", "otpauth://hotp/H:x?secret=" + sec1}},
		{name: "validate/hotp-bad-counter", args: []string{"validate", "otpauth://hotp/H:x?secret=" + sec1 + "&counter=1a"}},
		{name: "validate/upper-type", args: []string{"validate", "otpauth://TOTP/H:x?secret=" + sec1}},
		{name: "validate/no-account", args: []string{"validate", "otpauth://totp/?secret=" + sec1}},
		{name: "validate/issuer-only", args: []string{"validate", "otpauth://totp/Issuer:?secret=" + sec1}},
		{name: "validate/no-secret", args: []string{"validate", "otpauth://totp/I:a?digits=6"}},
		{name: "validate/empty-secret", args: []string{"validate", "otpauth://totp/I:a?secret=&digits=6"}},
		{name: "validate/no-query", args: []string{"validate", "otpauth://totp/I:a"}},
		{name: "validate/double-colon", args: []string{"validate", "otpauth://totp/I:a:b?secret=" + sec1}},
		{name: "validate/port", args: []string{"validate", "otpauth://totp/I:a@x:443?secret=" + sec1}, rules: []rule{
			oracleArgs("debianNoPort", "validate", "otpauth://totp/I:a@x?secret="+sec1)}},
		{name: "validate/port-no-account", args: []string{"validate", "otpauth://totp/I::443?secret=" + sec1}, rules: []rule{
			newRule("debianNoPort", func(c *tcase) { c.args = []string{"validate", "otpauth://totp/I:?secret=" + sec1} },
				replaceOut("I:?", "I::443?"))}},
		{name: "validate/bare-secret", args: []string{"validate", sec1}},
		{name: "validate/migration", args: []string{"validate", "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8"}},
		{name: "validate/empty", args: []string{"validate", ""}},
		{name: "validate/none", args: []string{"validate"}},
		{name: "validate/extra-args", args: []string{"validate", uri1, "junk"}},
		{name: "validate/dash-x", args: []string{"validate", "-x"}},
		{name: "validate/backtick-quote", args: []string{"validate", "otpauth://totp/I:a`b\"c?secret=" + sec1}},
		{name: "validate/backtick-bad", args: []string{"validate", "otpauth://totp/`?digits=6"}},
		{name: "validate/escapes-empty", args: []string{"validate", `otpauth://totp/I:\c?secret=` + sec1}},
		{name: "validate/percent-empty", args: []string{"validate", "otpauth://totp/%00?secret=" + sec1}},
		{name: "validate/spaces", args: []string{"validate", "otpauth://totp/Big Corp:grace h?secret=" + sec1}},
		{name: "validate/secret-case", args: []string{"validate", "otpauth://totp/I:a?SECRET=" + sec1}},
		{name: "validate/secret-dup", args: []string{"validate", "otpauth://totp/I:a?secret=" + sec1 + "&secret="}},
		{name: "validate/issuer-param-only", args: []string{"validate", "otpauth://totp/?issuer=X&secret=" + sec1}},
		// --- help and version (§10.6)
		{name: "help/help", args: []string{"help"}, rules: []rule{helpRule()}},
		{name: "help/long", args: []string{"--help"}, rules: []rule{helpRule()}},
		{name: "help/short", args: []string{"-h", "extra"}, rules: []rule{helpRule()}},
		{name: "help/clip-time", args: []string{"help"}, env: []string{"PASSWORD_STORE_CLIP_TIME=7"}, rules: []rule{helpRule()}},
		{name: "version/version", args: []string{"version"}, rules: []rule{versionRule()}},
		{name: "version/long", args: []string{"--version", "x"}, rules: []rule{versionRule()}},
		// --- insert (§4.2, §7, §8, §9, §10.2)
		{name: "insert/new", args: []string{"insert", "new"}, stdin: in(newURI + "\n")},
		{name: "insert/add", args: []string{"add", "new"}, stdin: in(newURI + "\n")},
		{name: "insert/derived", args: []string{"insert"}, stdin: in(newURI + "\n")},
		{name: "insert/derived-issuer-param", args: []string{"insert"}, stdin: in("otpauth://totp/nina?secret=" + sec2 + "&issuer=Org%2FTeam\n")},
		{name: "insert/derived-no-issuer", args: []string{"insert"}, stdin: in("otpauth://totp/nina%20x?secret=" + sec2 + "\n")},
		{name: "insert/two-names", args: []string{"insert", "a", "b"}, stdin: in(newURI + "\n")},
		{name: "insert/deep", args: []string{"insert", "new/deep/er"}, stdin: in(newURI + "\n")},
		{name: "insert/trailing-slash", args: []string{"insert", "new/"}, stdin: in(newURI + "\n")},
		{name: "insert/overwrite", args: []string{"insert", "totp"}, stdin: in(newURI + "\n")},
		{name: "insert/overwrite-f", args: []string{"insert", "-f", "web/login"}, stdin: in(newURI + "\n")},
		{name: "insert/echo", args: []string{"insert", "-e", "new"}, stdin: in(newURI + "\n")},
		{name: "insert/grouped-fe", args: []string{"insert", "-fe", "new"}, stdin: in(newURI + "\n")},
		{name: "insert/long-opts", args: []string{"insert", "--force", "--echo", "new"}, stdin: in(newURI + "\n")},
		{name: "insert/abbrev", args: []string{"insert", "--for", "--ec", "new"}, stdin: in(newURI + "\n")},
		{name: "insert/name-first", args: []string{"insert", "new", "-f"}, stdin: in(newURI + "\n")},
		{name: "insert/posix", args: []string{"insert", "new", "-f"}, stdin: in(newURI + "\n"), env: []string{"POSIXLY_CORRECT=1"}},
		{name: "insert/dashdash", args: []string{"insert", "--", "-f"}, stdin: in(newURI + "\n")},
		{name: "insert/spaces", args: []string{"insert", "My Entry/new one"}, stdin: in(newURI + "\n")},
		{name: "insert/arn", args: []string{"insert", "arn:aws:iam::123456789012:mfa/bob"}, stdin: in(newURI + "\n")},
		{name: "insert/beside-dir", args: []string{"insert", "aws"}, stdin: in(newURI + "\n")},
		{name: "insert/team", args: []string{"insert", "team/new"}, stdin: in(newURI + "\n")},
		{name: "insert/no-git", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"), setup: rm(".git")},
		{name: "insert/umask022", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_UMASK=022"}},
		{name: "insert/umask027", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_UMASK=027"}},
		{name: "insert/umask022-overwrite", args: []string{"insert", "totp"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_UMASK=022"}},
		{name: "insert/overwrite-keeps-mode", args: []string{"insert", "-f", "totp"}, stdin: in(newURI + "\n"), setup: chmod("totp.gpg", 0o640)},
		{name: "insert/overwrite-keeps-mode-umask022", args: []string{"insert", "-f", "totp"}, stdin: in(newURI + "\n"), setup: chmod("totp.gpg", 0o604),
			env: []string{"PASSWORD_STORE_UMASK=022"}},
		{name: "insert/store-key", args: []string{"insert", "new"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_KEY=" + testkeys.RSA.Email + " " + testkeys.P256.Email}},
		{name: "insert/store-key-no-gpg-id", args: []string{"insert", "new"}, stdin: in(newURI + "\n"), setup: rm(".gpg-id"), env: []string{"PASSWORD_STORE_KEY=" + testkeys.RSA.Email}},
		{name: "insert/no-gpg-id", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"), setup: rm(".gpg-id")},
		{name: "insert/gpg-id-fpr-comments", args: []string{"insert", "new"}, stdin: in(newURI + "\n"),
			setup: write(".gpg-id", "# team keys\n"+testkeys.RSA.Fpr+" # rsa\n\n  "+testkeys.P256.Email+"  \n")},
		{name: "insert/gpg-id-last-line", args: []string{"insert", "new"}, stdin: in(newURI + "\n"),
			setup: write(".gpg-id", testkeys.RSA.Email+"\n"+testkeys.Cv25519.Email), rules: []rule{
				newRule("gpgIDLastLine", nil, func(x *expect) {
					st := x.want.files["new.gpg"]
					st.recips = x.ours.out.files["new.gpg"].recips
					if !strings.Contains(st.recips, testkeys.Cv25519.SubID) {
						x.t.Errorf("gpgIDLastLine: passotp did not encrypt to the last .gpg-id line (%s)", st.recips)
					}
					x.want.files["new.gpg"] = st
				})}},
		{name: "insert/stdin-trim", args: []string{"insert", "new"}, stdin: in(" \t" + newURI + " \t\nsecond line\n")},
		{name: "insert/stdin-no-newline", args: []string{"insert", "new"}, stdin: in(newURI)},
		{name: "insert/stdin-crlf", args: []string{"insert", "new"}, stdin: in(newURI + "\r\n")},
		{name: "insert/stdin-backslash", args: []string{"insert", "new"}, stdin: in(`otpauth://totp/a\x41:b\tc?secret=` + sec1 + "\n")},
		{name: "insert/derived-backslash", args: []string{"insert"}, stdin: in(`otpauth://totp/a\x41:b\x42?secret=` + sec1 + "\n")},
		{name: "insert/stdin-blank", args: []string{"insert", "new"}, stdin: in("  \t \n" + newURI + "\n")},
		{name: "insert/echo-devnull", args: []string{"insert", "-e", "new"}},
		{name: "insert/stdin-devnull", args: []string{"insert", "new"}},
		{name: "insert/bad-uri", args: []string{"insert", "new"}, stdin: in("otpauth://totp/x\n")},
		{name: "insert/bare-secret", args: []string{"insert", "new"}, stdin: in(sec1 + "\n")},
		{name: "insert/no-account", args: []string{"insert", "new"}, stdin: in("otpauth://totp/?secret=" + sec1 + "\n")},
		{name: "insert/no-secret", args: []string{"insert", "new"}, stdin: in("otpauth://totp/a:b?issuer=x\n")},
		{name: "insert/hotp-no-counter", args: []string{"insert", "new"}, stdin: in("otpauth://hotp/a:b?secret=" + sec1 + "\n")},
		{name: "insert/port", args: []string{"insert", "new"}, stdin: in("otpauth://totp/I:a@x:443?secret=" + sec1 + "\n"), rules: []rule{
			oracleStdin("debianNoPort", "otpauth://totp/I:a@x?secret="+sec1+"\n", func(x *expect) {
				x.setPlain("new.gpg", "otpauth://totp/I:a@x:443?secret="+sec1+"\n")
			})}},
		{name: "insert/sneaky", args: []string{"insert", "../evil"}, stdin: in(newURI + "\n")},
		{name: "insert/sneaky-middle", args: []string{"insert", "a/../../evil"}, stdin: in(newURI + "\n")},
		{name: "insert/sneaky-bad-uri", args: []string{"insert", "../evil"}, stdin: in("nope\n")},
		{name: "insert/bad-option", args: []string{"insert", "-x", "new"}, stdin: in(newURI + "\n")},
		{name: "insert/issuer-missing-arg", args: []string{"insert", "-s", "--issuer"}, stdin: in(sec1 + "\n")},
		{name: "insert/i-missing-arg", args: []string{"insert", "-s", "-i"}, stdin: in(sec1 + "\n")},
		{name: "insert/force-arg", args: []string{"insert", "--force=yes", "new"}, stdin: in(newURI + "\n")},
		{name: "insert/path", args: []string{"insert", "-p", "work"}, stdin: in(newURI + "\n"), rules: []rule{
			oracleArgs("debianNoPath", "insert", "work/NewCo/nina@example.com")}},
		{name: "insert/path-long", args: []string{"insert", "--path=work/"}, stdin: in(newURI + "\n"), rules: []rule{
			oracleArgs("debianNoPath", "insert", "work/NewCo/nina@example.com")}},
		// --- insert -s (§8)
		{name: "secret/issuer-account", args: []string{"insert", "-s", "-i", "ACME", "-a", "john", "acme"}, stdin: in(sec1 + "\n")},
		{name: "secret/derived", args: []string{"insert", "-s", "-i", "My Issuer", "-a", "me@x.y"}, stdin: in(sec1 + "\n")},
		{name: "secret/issuer-only", args: []string{"insert", "-s", "-i", "OnlyIssuer"}, stdin: in(sec1 + "\n")},
		{name: "secret/account-only", args: []string{"add", "-s", "-a", "acct"}, stdin: in(sec1 + "\n")},
		{name: "secret/attached", args: []string{"insert", "-siACME", "-aбоб"}, stdin: in(sec1 + "\n")},
		{name: "secret/long-eq", args: []string{"insert", "--secret", "--issuer=A&B Co", "--account=x+y"}, stdin: in(sec1 + "\n")},
		{name: "secret/abbrev", args: []string{"insert", "--sec", "--iss", "ACME", "--acc", "z"}, stdin: in(sec1 + "\n")},
		{name: "secret/if", args: []string{"insert", "-s", "-if", "-a", "q"}, stdin: in(sec1 + "\n")},
		{name: "secret/empty-issuer", args: []string{"insert", "-s", "-i", "", "-a", "x"}, stdin: in(sec1 + "\n")},
		{name: "secret/neither", args: []string{"insert", "-s", "new"}, stdin: in(sec1 + "\n")},
		{name: "secret/both-empty", args: []string{"insert", "-s", "--issuer=", "--account=", "new"}, stdin: in(sec1 + "\n")},
		{name: "secret/spaces", args: []string{"insert", "-s", "-a", "sp", "new"}, stdin: in("JBSW Y3DP\n")},
		{name: "secret/empty", args: []string{"insert", "-s", "-a", "sp", "new"}, stdin: in("\n")},
		{name: "secret/utf8-c-utf8", args: []string{"insert", "-s", "-i", "Café", "-a", "x"}, stdin: in(sec1 + "\n"), env: []string{"LC_ALL=C.UTF-8"},
			rules: []rule{newRule("utf8Labels", func(c *tcase) { c.env = nil }, nil)}},
		// --- environment and store situations (§2, §9)
		{name: "env/store-dir-slash", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"), storeSuffix: "/"},
		{name: "env/store-dir-slash-code", args: []string{"missing"}, storeSuffix: "/"},
		{name: "env/store-dir-relative", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"), relative: true,
			rules: []rule{committed("relativePrefixGit", "Add OTP secret for new/x to store.")}},
		{name: "env/store-dir-relative-code", args: []string{"nootp"}, relative: true},
		{name: "env/store-dir-relative-hotp", args: []string{"hotp"}, relative: true, rules: []rule{entryPlain("hotpCounter", "hotp.gpg",
			"otpauth://hotp/Hot:carol?secret="+sec3+"&counter=6&issuer=Hot\n", nil), committed("relativePrefixGit", "Increment HOTP counter for hotp.")}},
		{name: "env/umask-invalid", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_UMASK=999"},
			rules: []rule{passOwnLine(`(?m)^/usr/bin/pass: line \d+: umask: .*\n`)}},
		{name: "env/no-store-code", args: []string{"totp"}, setup: rmStore},
		{name: "env/no-store-insert", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"), setup: rmStore},
		{name: "env/no-store-key", args: []string{"insert", "new"}, stdin: in(newURI + "\n"), setup: rmStore,
			env: []string{"PASSWORD_STORE_KEY=" + testkeys.Cv25519.Email}},
		{name: "env/unknown-recipient", args: []string{"insert", "new/x"}, stdin: in(newURI + "\n"),
			env: []string{"PASSWORD_STORE_KEY=nobody@nowhere.test"}, rules: []rule{lastLineKept("encryptWording")}},
		{name: "env/unknown-recipient-overwrite", args: []string{"insert", "totp"}, stdin: in(newURI + "\n"),
			env: []string{"PASSWORD_STORE_KEY=nobody@nowhere.test"}, rules: []rule{lastLineKept("encryptWording")}},
		{name: "env/gpg-opts-armor", args: []string{"insert", "new"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_GPG_OPTS=--armor"}},
		{name: "env/gpg-opts-armor-hotp", args: []string{"hotp"}, env: []string{"PASSWORD_STORE_GPG_OPTS=--armor"}, rules: []rule{entryPlain("hotpCounter", "hotp.gpg",
			"otpauth://hotp/Hot:carol?secret="+sec3+"&counter=6&issuer=Hot\n", nil)}},
		{name: "env/signing-no-sig", args: []string{"insert", "new"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_SIGNING_KEY=" + testkeys.RSA.Fpr}},
		{name: "env/signing-valid", args: []string{"insert", "new"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_SIGNING_KEY=" + testkeys.RSA.Fpr},
			setup: signGPGID(fx, ".gpg-id", testkeys.RSA)},
		{name: "env/signing-other-key", args: []string{"insert", "new"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_SIGNING_KEY=" + testkeys.RSA.Fpr},
			setup: signGPGID(fx, ".gpg-id", testkeys.P256)},
		{name: "env/signing-bad-sig", args: []string{"insert", "new"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_SIGNING_KEY=" + testkeys.RSA.Fpr},
			setup: func(store string) error {
				if err := badSig(store); err != nil {
					return err
				}
				return os.WriteFile(filepath.Join(store, ".gpg-id"), []byte(testkeys.P256.Email+"\n"), 0o600)
			}},
		{name: "env/signing-code", args: []string{"totp"}, env: []string{"PASSWORD_STORE_SIGNING_KEY=" + testkeys.RSA.Fpr}},
		{name: "env/symlink-code", args: []string{"link"}, setup: symlink("link.gpg", "totp.gpg")},
		{name: "env/symlink-insert", args: []string{"insert", "link"}, stdin: in(newURI + "\n"), setup: symlink("link.gpg", "totp.gpg"),
			rules: []rule{knownBug("insert into a symlinked entry: pass-otp writes the target and stages the link (NAME.gpg), " +
				"leaving the target modified; passotp stages the target and leaves the link untracked. compat §9 says " +
				"'stage the entry file' and 'a symlinked entry is replaced at its target': the git side is not specified")}},
		{name: "env/clip-time-help", args: []string{"--help"}, env: []string{"PASSWORD_STORE_CLIP_TIME=0"}, rules: []rule{helpRule()}},
		// --- empty and odd names (§7)
		{name: "names/empty-code", args: []string{"code", ""}},
		{name: "names/empty-uri", args: []string{"uri", ""}},
		{name: "names/empty-insert", args: []string{"insert", ""}, stdin: in(newURI + "\n")},
		{name: "names/gpg-suffix", args: []string{"totp.gpg"}},
		{name: "names/dot", args: []string{"./totp"}},
		{name: "names/leading-slash", args: []string{"/totp"}},
		{name: "names/code-word", args: []string{"code", "insert"}},
		// --- last line without a newline (§9, §10.3, §11.1, §13 #100)
		{name: "nonl/code", args: []string{"otp-no-newline"}},
		{name: "nonl/uri", args: []string{"uri", "otp-no-newline"}},
		{name: "nonl/hotp", args: []string{"hotp-no-newline"}, rules: []rule{entryPlain("hotpCounter", "hotp-no-newline.gpg",
			"pw\notpauth://hotp/NN:h?secret="+sec3+"&counter=4", nil)}},
		{name: "nonl/append-replace", args: []string{"append", "otp-no-newline"}, stdin: in(newURI + "\n"), rules: []rule{
			// §13 #100: the last line is kept, so the otpauth line exists
			// and is replaced ("Replace…"); pass-otp loses it and appends.
			entryPlain("appendKeepsLines", "otp-no-newline.gpg", "pw\n"+newURI+"\n", func(x *expect) {
				x.want.git["."] = strings.Replace(x.want.git["."], "Append OTP secret", "Replace OTP secret", 1)
			})}},
		// --- append (§10.3)
		{name: "append/nootp", args: []string{"append", "nootp"}, stdin: in(newURI + "\n")},
		{name: "append/replace", args: []string{"append", "totp"}, stdin: in(newURI + "\n")},
		{name: "append/replace-f", args: []string{"append", "-f", "web/login"}, stdin: in(newURI + "\n")},
		{name: "append/replace-all", args: []string{"append", "two-otp"}, stdin: in(newURI + "\n")},
		{name: "append/hotp-multi", args: []string{"append", "hotp-multi"}, stdin: in(newURI + "\n")},
		{name: "append/indented", args: []string{"append", "indented"}, stdin: in(newURI + "\n")},
		{name: "append/trailing-slash", args: []string{"append", "nootp/"}, stdin: in(newURI + "\n")},
		{name: "append/spaces", args: []string{"append", "My Entry/with spaces"}, stdin: in(newURI + "\n")},
		{name: "append/team", args: []string{"append", "team/web"}, stdin: in(newURI + "\n")},
		{name: "append/leading-blank", args: []string{"append", "leading-blank"}, stdin: in(newURI + "\n"), rules: []rule{
			entryPlain("appendKeepsLines", "leading-blank.gpg", "\n\npw\nuser: z\n"+newURI+"\n", nil)}},
		{name: "append/no-newline", args: []string{"append", "no-newline"}, stdin: in(newURI + "\n"), rules: []rule{
			entryPlain("appendKeepsLines", "no-newline.gpg", "pw\nuser: z\n"+newURI+"\n", nil)}},
		{name: "append/secret", args: []string{"append", "-s", "-a", "acct", "nootp"}, stdin: in(sec1 + "\n")},
		{name: "append/secret-grouped", args: []string{"append", "-sa", "acct", "nootp"}, stdin: in(sec1 + "\n")},
		{name: "append/secret-replace", args: []string{"append", "--secret", "--issuer=Re Co", "totp"}, stdin: in(sec2 + "\n")},
		{name: "append/secret-neither", args: []string{"append", "-s", "nootp"}, stdin: in(sec1 + "\n")},
		{name: "append/echo", args: []string{"append", "-e", "nootp"}, stdin: in(newURI + "\n")},
		{name: "append/missing", args: []string{"append", "missing"}, stdin: in(newURI + "\n")},
		{name: "append/dir", args: []string{"append", "aws"}, stdin: in(newURI + "\n")},
		{name: "append/no-operand", args: []string{"append"}, stdin: in(newURI + "\n")},
		{name: "append/two-operands", args: []string{"append", "nootp", "totp"}, stdin: in(newURI + "\n")},
		{name: "append/path-option", args: []string{"append", "-p", "x", "nootp"}, stdin: in(newURI + "\n")},
		{name: "append/bad-uri", args: []string{"append", "nootp"}, stdin: in("otpauth://totp/a:b?secret=\n")},
		{name: "append/devnull", args: []string{"append", "nootp"}},
		{name: "append/sneaky", args: []string{"append", "../template/nootp"}, stdin: in(newURI + "\n")},
		{name: "append/no-gpg-id", args: []string{"append", "nootp"}, stdin: in(newURI + "\n"), setup: rm(".gpg-id")},
		{name: "append/umask022", args: []string{"append", "nootp"}, stdin: in(newURI + "\n"), env: []string{"PASSWORD_STORE_UMASK=022"}},
		{name: "append/corrupt", args: []string{"append", "corrupt"}, stdin: in(newURI + "\n"), rules: []rule{
			newRule("appendDecryptFails", nil, func(x *expect) {
				x.want.exit, x.want.stdout = 1, ""
				x.want.stderrRE = regexpMust(`(?s)\A.+\n\z`)
				x.unchanged()
			})}},
	}
}

// helpRule: help is checked for its shape (§10.6), not compared.
func helpRule() rule {
	return newRule("helpText", nil, func(x *expect) {
		got := x.ours.out.stdout
		clip := "45"
		for _, e := range x.c.env {
			if v, ok := strings.CutPrefix(e, "PASSWORD_STORE_CLIP_TIME="); ok {
				clip = v
			}
		}
		for _, want := range []string{"Usage:\n\n", "    pass otp [code] [--clip,-c] [--quiet,-q]",
			"    pass otp insert ", "--path,-p", "    pass otp append ", "    pass otp uri [--clip,-c] [--qrcode,-q]",
			"    pass otp validate uri", "cleared in " + clip + " seconds",
			"\nMore information may be found in the passotp(1) man page.\n"} {
			if !strings.Contains(got, want) {
				x.t.Errorf("helpText: help lacks %q", want)
			}
		}
		if !strings.HasPrefix(got, "Usage:\n\n") || !strings.HasSuffix(got, "man page.\n") {
			x.t.Errorf("helpText: help does not start with Usage: and end with the man page line:\n%s", got)
		}
		x.want.stdout = got
	})
}

// versionRule: version prints one non-empty line (§10.6).
func versionRule() rule {
	return newRule("version", nil, func(x *expect) {
		got := x.ours.out.stdout
		if strings.Count(got, "\n") != 1 || len(got) < 2 || !strings.HasSuffix(got, "\n") {
			x.t.Errorf("version: want one line, got %q", got)
		}
		x.want.stdout = got
	})
}

// viaShim and viaDirect name the cases that are also run through the real
// pass with scripts/otp.bash as extension, and as `passotp ARGS`.
var (
	viaShim = []string{"env/umask-invalid", "code/default", "code/bad-shorts", "code/missing", "code/posix-operand-first", "hotp/basic",
		"insert/new", "insert/derived", "insert/no-gpg-id", "append/nootp", "uri/qrcode", "validate/no-account", "help/help"}
	viaDirect = []string{"code/default", "code/bad-shorts", "code/no-operand", "code/clip-arg", "insert/bad-option",
		"insert/issuer-missing-arg", "uri/two-operands", "append/no-operand", "insert/no-gpg-id", "validate/bare-secret"}
)

// withVariants adds the shim and direct variants of the named cases.
func withVariants(t *testing.T, table []tcase) []tcase {
	byName := map[string]tcase{}
	for _, c := range table {
		byName[c.name] = c
	}
	for _, v := range []struct {
		via   string
		names []string
	}{{"shim", viaShim}, {"direct", viaDirect}} {
		for _, n := range v.names {
			c, ok := byName[n]
			if !ok {
				t.Fatalf("variant of unknown case %s", n)
			}
			c.name, c.via = v.via+"/"+n, v.via
			table = append(table, c)
		}
	}
	return table
}

func TestCases(t *testing.T) {
	f := getFixture(t)
	table := withVariants(t, cases(func() *fixture { return f }))
	seen := map[string]bool{}
	for i := range table {
		c := &table[i]
		if seen[c.name] {
			t.Fatalf("duplicate case %s", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			runCase(t, f, c)
		})
	}
	t.Cleanup(func() {
		appliedMu.Lock()
		defer appliedMu.Unlock()
		var b strings.Builder
		for _, n := range unionKeys(applied, map[string]int{}) {
			fmt.Fprintf(&b, "\n  %-22s %3d  (%s)", n, applied[n], ruleDocs[n].section)
		}
		t.Logf("documented differences applied:%s", b.String())
	})
}

// TestShimIsUsed makes sure the shim variants really run passotp: through
// scripts/otp.bash, `pass otp version` is passotp's version, not pass-otp's.
func TestShimIsUsed(t *testing.T) {
	f := getFixture(t)
	c := &tcase{args: []string{"version"}, via: "shim"}
	r, err := f.side(t, filepath.Join(scratchDir(t), "shim"), c, false)
	if err != nil {
		t.Fatal(err)
	}
	real, err := f.side(t, filepath.Join(scratchDir(t), "real"), c, true)
	if err != nil {
		t.Fatal(err)
	}
	if r.out.exit != 0 || r.out.stdout == real.out.stdout {
		t.Errorf("pass otp version through the shim: exit %d stdout %q (pass-otp says %q): the extension was not used",
			r.out.exit, r.out.stdout, real.out.stdout)
	}
}
