package gpgio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/passotp/passotp/internal/testkeys"
)

const testPlaintext = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"

func nativeEncrypt(t *testing.T, dir string, recipients ...string) []byte {
	t.Helper()
	c, err := Open(Options{Home: dir, Mode: NativeOnly, Env: []string{"HOME=" + dir}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var buf bytes.Buffer
	w, err := c.Encrypt(context.Background(), &buf, recipients)
	if err != nil {
		t.Fatalf("Encrypt(%q): %v", recipients, err)
	}
	if _, err := w.Write([]byte(testPlaintext)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkPacketShape asserts gpg --list-packets shows n PKESKs, then SEIPD
// v1 (tag 18) with mdc_method 2, then a literal packet, and no compression.
func checkPacketShape(t *testing.T, dir string, msg []byte, n int, pass string) {
	t.Helper()
	out, err := runGPGAll(dir, msg, "--passphrase", pass, "--list-packets")
	if err != nil {
		t.Fatalf("gpg --list-packets: %v", err)
	}
	var kinds []string
	re := regexp.MustCompile(`^# off=\d+ ctb=[0-9a-f]+ tag=(\d+)`)
	for _, line := range strings.Split(out, "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			kinds = append(kinds, "tag"+m[1])
		}
	}
	want := strings.Repeat("tag1 ", n) + "tag18 tag11"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("packets %q, want %q\n%s", got, want, out)
	}
	if !strings.Contains(out, "mdc_method: 2") {
		t.Fatalf("no MDC:\n%s", out)
	}
	if strings.Contains(out, "compressed packet") {
		t.Fatalf("compressed:\n%s", out)
	}
	if !strings.Contains(out, "mode b (62), created 0, name=\"\"") {
		t.Fatalf("literal packet is not binary, unnamed, date 0:\n%s", out)
	}
}

// runGPGAll runs gpg and returns stdout and stderr together (list-packets
// writes its dump to stdout and notes to stderr).
func runGPGAll(dir string, stdin []byte, args ...string) (string, error) {
	out, err := testkeys.RunGPG(dir, stdin, append([]string{"--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
	return string(out), err
}

func TestEncryptDecryptsWithGPG(t *testing.T) {
	dir, keys := generatedHome(t)
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			msg := nativeEncrypt(t, dir, k.email)
			checkPacketShape(t, dir, msg, 1, "")
			pt, err := testkeys.RunGPG(dir, msg, "--pinentry-mode", "loopback", "--passphrase", "", "-d")
			if err != nil {
				t.Fatalf("gpg -d: %v", err)
			}
			if string(pt) != testPlaintext {
				t.Fatal("gpg decrypted something else")
			}
			out, _ := runGPGAll(dir, msg, "--list-packets")
			if !strings.Contains(out, "encrypted data packet") || !strings.Contains(out, "keyid "+strings.ToUpper(subIDOf(t, dir, k.fpr))) {
				t.Fatalf("not encrypted to the subkey:\n%s", out)
			}
		})
	}
}

func subIDOf(t *testing.T, dir, fpr string) string {
	pubs := exportedKeys(t, dir, fpr)
	return strings.ToUpper(fprHex(pubs[1])[24:])
}

func TestEncryptFourRecipients(t *testing.T) {
	dir, keys := generatedHome(t)
	var lines []string
	for _, k := range keys[:4] {
		lines = append(lines, k.fpr)
	}
	msg := nativeEncrypt(t, dir, lines...)
	checkPacketShape(t, dir, msg, 4, "")
	pt, err := testkeys.RunGPG(dir, msg, "--pinentry-mode", "loopback", "--passphrase", "", "-d")
	if err != nil || string(pt) != testPlaintext {
		t.Fatalf("gpg -d: %v", err)
	}
	// Every PKESK opens with its own recipient's key file, to one session key.
	kr, err := openKeyring(&home{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var session []byte
	n := 0
	r := packet.NewReader(bytes.NewReader(msg))
	for {
		p, err := r.Next()
		if err != nil {
			break
		}
		ek, ok := p.(*packet.EncryptedKey)
		if !ok {
			break
		}
		cs, err := kr.candidates(ek.KeyId)
		if err != nil || len(cs) != 1 {
			t.Fatalf("candidates(%X): %d, %v", ek.KeyId, len(cs), err)
		}
		g, _ := keygrip(cs[0].pub)
		priv, _, err := loadKeyFile(&home{dir: dir}, g, cs[0].pub)
		if err != nil {
			t.Fatal(err)
		}
		if err := ek.Decrypt(priv, nil); err != nil {
			t.Fatalf("PKESK %X: %v", ek.KeyId, err)
		}
		if session != nil && !bytes.Equal(session, ek.Key) {
			t.Fatal("PKESKs carry different session keys")
		}
		session = ek.Key
		n++
	}
	if n != 4 {
		t.Fatalf("%d PKESKs opened, want 4", n)
	}
}

func TestEncryptCommittedKeys(t *testing.T) {
	dir := testkeys.Home(t)
	// The protected key's message decrypts with its passphrase.
	for _, k := range testkeys.All {
		t.Run(k.Name, func(t *testing.T) {
			msg := nativeEncrypt(t, dir, k.Email)
			checkPacketShape(t, dir, msg, 1, testkeys.Passphrase)
			pt, err := testkeys.RunGPG(dir, msg, "--pinentry-mode", "loopback", "--passphrase", testkeys.Passphrase, "-d")
			if err != nil || string(pt) != testPlaintext {
				t.Fatalf("gpg -d: %v", err)
			}
		})
	}
}

// TestEncryptExactSubkey: a '!' line encrypts to exactly that subkey, even
// the older of two; without '!' the newest is used.
func TestEncryptExactSubkey(t *testing.T) {
	dir, two, _ := resolveHome(t)
	keys := exportedKeys(t, dir, two)
	tests := []struct {
		line string
		want uint64
	}{
		{fprHex(keys[1]) + "!", keys[1].KeyId},
		{fprHex(keys[1]), keys[2].KeyId},
		{two, keys[2].KeyId},
	}
	for _, tt := range tests {
		msg := nativeEncrypt(t, dir, tt.line)
		if ek := firstPKESK(t, msg); ek.KeyId != tt.want {
			t.Errorf("%s: PKESK for %X, want %X", tt.line, ek.KeyId, tt.want)
		}
		pt, err := testkeys.RunGPG(dir, msg, "--pinentry-mode", "loopback", "--passphrase", "", "-d")
		if err != nil || string(pt) != testPlaintext {
			t.Errorf("%s: gpg -d: %v", tt.line, err)
		}
	}
}

func TestGPGConfEncryptOption(t *testing.T) {
	tests := []struct{ conf, want string }{
		{"", ""},
		{"# armor\nkeyserver x\n", ""},
		{"armor\n", "armor"},
		{"armor\nno-armor\n", ""},
		{"  throw-keyids\n", "throw-keyids"},
		{"cipher-algo TWOFISH\n", "cipher-algo"},
		{"personal-cipher-preferences AES256\narmor\n", "armor"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if tt.conf != "" {
			os.WriteFile(dir+"/gpg.conf", []byte(tt.conf), 0o600)
		}
		got, err := gpgConfEncryptOption(&home{dir: dir})
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.conf, got, err, tt.want)
		}
	}
}

func TestEncryptNotNative(t *testing.T) {
	dir := testkeys.Home(t)
	c, err := Open(Options{Home: dir, Mode: NativeOnly, Env: []string{"HOME=" + dir}, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var buf bytes.Buffer
	_, err = c.Encrypt(context.Background(), &buf, []string{"passotp.test"}) // four keys match
	var ue *UnsupportedError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want *UnsupportedError", err)
	}
	if buf.Len() != 0 {
		t.Fatal("something was written before falling back")
	}
	// gpg.conf says armor: pass would write an armored entry, so gpg must.
	os.WriteFile(dir+"/gpg.conf", []byte("armor\n"), 0o600)
	c2, err := Open(Options{Home: dir, Mode: NativeOnly, Env: []string{"HOME=" + dir}})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Encrypt(context.Background(), &buf, []string{testkeys.RSA.Email}); !errors.As(err, &ue) {
		t.Fatalf("armor in gpg.conf: got %v, want *UnsupportedError", err)
	}
	// In Auto mode gpg writes it, armored as pass would.
	c3, err := Open(Options{Home: dir, Env: []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	w, err := c3.Encrypt(context.Background(), &buf, []string{testkeys.RSA.Email})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(testPlaintext))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "-----BEGIN PGP MESSAGE-----") {
		t.Fatalf("gpg fallback output is not armored: %q", buf.String()[:min(40, buf.Len())])
	}
}
