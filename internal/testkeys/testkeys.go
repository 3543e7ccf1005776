// Package testkeys owns the throwaway GnuPG keyring that the tests of
// several packages share, and the helpers that give each test its own short
// GNUPGHOME with a copy of it.
//
// The keys in testdata/gnupg were generated with gpg 2.2.40 for tests only.
// They protect nothing; four of them have no passphrase, and the one named
// [Protected] uses the passphrase [Passphrase]. Never use them for anything
// else.
//
// Homes are created under os.TempDir with a short name, because gpg-agent's
// socket path must fit in 107 bytes. Only the agent of a home made here is
// ever stopped, with `gpgconf --homedir DIR --kill all`.
package testkeys

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed testdata/gnupg
var keyring embed.FS

// Key describes one throwaway key of the committed keyring.
type Key struct {
	Name    string // short name used in tests: "rsa", "cv25519", "p256", "protected"
	Email   string // the mailbox of its only user ID
	UID     string // the whole user ID
	Fpr     string // primary key fingerprint
	SubFpr  string // encryption subkey fingerprint
	SubID   string // encryption subkey long key id
	Grip    string // primary key keygrip
	SubGrip string // encryption subkey keygrip
}

// The committed keys. All but Protected have no passphrase.
var (
	RSA = Key{"rsa", "rsa@passotp.test", "Test RSA <rsa@passotp.test>",
		"EFACCB94397F560BFC1BD36AB3DBECEE4DBA88DA", "A1CD271EA4CA257BDE03C5B52C003500AF45B5F8", "2C003500AF45B5F8",
		"B28ADD0C5762DC39FB52071A1122001917F647FF", "E87284272E1D8172F165E512AD067CE4837B4653"}
	Cv25519 = Key{"cv25519", "cv25519@passotp.test", "Test Cv25519 <cv25519@passotp.test>",
		"17DA0DC5F5D88B73892E31412BA0A27AB5441B6F", "FE519C1D40EDE6B4E28F1785DFF12DF1FC44C096", "DFF12DF1FC44C096",
		"4531D4A25A588F18C42880952596D59615A2783F", "B42D5E167BAADC0E46E001F83E47E02640FE4CBB"}
	P256 = Key{"p256", "p256@passotp.test", "Test P256 <p256@passotp.test>",
		"E9D592B0BEE2EBCC231454AC28A69DD7B3F0372C", "D24C5B42353E6D7EDA451F7BC1B5CB62D877E1C4", "C1B5CB62D877E1C4",
		"DF3CF9A0BC37158EDEC1A55DE32A9F0B666C67EB", "595F9E676F5FA84B8B66F629845512EDC250C2ED"}
	Protected = Key{"protected", "protected@passotp.test", "Test Protected <protected@passotp.test>",
		"D78D5FF7A3A23DA8383E7196614A9E54457E0F8D", "E1BC624FEAA73419C35AA46226E8796911AC3D4F", "26E8796911AC3D4F",
		"8C935665743F1A195223C61C1E2A45FE8339D7F6", "961FF04BF75DDB3B4EFEA82107C5A647FEECF166"}
)

// All lists every committed key.
var All = []Key{RSA, Cv25519, P256, Protected}

// Passphrase protects the key [Protected].
const Passphrase = "passotp-test"

// CopyTo writes the committed keyring into dir (created 0700 if needed),
// with the modes gpg expects: 0700 directories and 0600 files.
func CopyTo(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	const root = "testdata/gnupg"
	return fs.WalkDir(keyring, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		if rel == "" {
			return nil
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		b, err := keyring.ReadFile(path.Clean(p))
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
}

// NewDir makes a new short temporary directory (for example /tmp/pok123456),
// suitable as a GNUPGHOME whose agent socket path fits in sun_path.
func NewDir(prefix string) (string, error) {
	if prefix == "" {
		prefix = "pok"
	}
	base := os.TempDir()
	if len(base) > 40 {
		base = "/tmp"
	}
	return os.MkdirTemp(base, prefix)
}

// KillAgent stops the gpg-agent (and any other daemon) of home only. It
// never touches agents of other homes.
func KillAgent(home string) {
	if _, err := exec.LookPath("gpgconf"); err != nil {
		return
	}
	cmd := exec.Command("gpgconf", "--homedir", home, "--kill", "all")
	cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
	_ = cmd.Run()
}

// Home returns a fresh short GNUPGHOME holding a copy of the committed
// keyring. Its agent is stopped and the directory removed when the test ends.
func Home(t testing.TB) string {
	t.Helper()
	dir, err := NewDir("pok")
	if err != nil {
		t.Fatalf("testkeys: %v", err)
	}
	t.Cleanup(func() {
		KillAgent(dir)
		os.RemoveAll(dir)
	})
	if err := CopyTo(dir); err != nil {
		t.Fatalf("testkeys: copy keyring: %v", err)
	}
	return dir
}

// EmptyHome returns a fresh short GNUPGHOME with only a gpg-agent.conf that
// allows loopback and preset passphrases, for tests that generate their own
// keys with the real gpg. Its agent is stopped when the test ends.
func EmptyHome(t testing.TB) string {
	t.Helper()
	dir, err := NewDir("pog")
	if err != nil {
		t.Fatalf("testkeys: %v", err)
	}
	t.Cleanup(func() {
		KillAgent(dir)
		os.RemoveAll(dir)
	})
	conf := "allow-loopback-pinentry\nallow-preset-passphrase\n"
	if err := os.WriteFile(filepath.Join(dir, "gpg-agent.conf"), []byte(conf), 0o600); err != nil {
		t.Fatalf("testkeys: %v", err)
	}
	return dir
}

// GPG runs the real gpg in home with --batch and the given arguments, and
// returns its stdout. stdin may be nil. It fails the test on error.
func GPG(t testing.TB, home string, stdin []byte, args ...string) []byte {
	t.Helper()
	out, err := RunGPG(home, stdin, args...)
	if err != nil {
		t.Fatalf("gpg %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// RunGPG is [GPG] without a testing.TB, for TestMain and setup code.
func RunGPG(home string, stdin []byte, args ...string) ([]byte, error) {
	full := append([]string{"--homedir", home, "--batch", "--no-tty", "--quiet"}, args...)
	cmd := exec.Command("gpg", full...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
	if stdin != nil {
		cmd.Stdin = strings.NewReader(string(stdin))
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%v: %s", err, stderr.String())
	}
	return out, nil
}

// Generate creates a passphrase-less key in home with the real gpg: a
// primary key of algorithm primary ("rsa3072", "ed25519", "nistp256", ...)
// and an encryption subkey of algorithm sub ("rsa3072", "cv25519", ...).
// It returns the primary fingerprint.
func Generate(t testing.TB, home, uid, primary, sub string) string {
	t.Helper()
	GPG(t, home, nil, "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-gen-key", uid, primary, "default", "never")
	fpr := Fingerprint(t, home, uid)
	GPG(t, home, nil, "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-add-key", fpr, sub, "encr", "never")
	return fpr
}

// Fingerprint returns the primary fingerprint of the only key matching spec.
func Fingerprint(t testing.TB, home, spec string) string {
	t.Helper()
	out := GPG(t, home, nil, "--with-colons", "--list-keys", spec)
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, ":")
		if len(f) > 9 && f[0] == "fpr" {
			return f[9]
		}
	}
	t.Fatalf("testkeys: no fingerprint for %q", spec)
	return ""
}

// HaveGPG reports whether gpg and gpgconf are on PATH.
func HaveGPG() bool {
	_, e1 := exec.LookPath("gpg")
	_, e2 := exec.LookPath("gpgconf")
	return e1 == nil && e2 == nil
}

// RequireGPG fails the test (it does not skip) when gpg is missing: CI
// installs gnupg, and a silently skipped interop test would hide a defect.
// Set PASSOTP_ALLOW_SKIP=1 to skip instead on a machine without gpg.
func RequireGPG(t testing.TB) {
	t.Helper()
	if HaveGPG() {
		return
	}
	if os.Getenv("PASSOTP_ALLOW_SKIP") == "1" {
		t.Skip("gpg not installed (PASSOTP_ALLOW_SKIP=1)")
	}
	t.Fatal("gpg and gpgconf are required; run .ci/run or apt-get install gnupg")
}

// Require fails the test when one of the named programs is not on PATH (or
// skips it when PASSOTP_ALLOW_SKIP=1), for interop tests with pass, oathtool,
// qrencode and the like, which .ci/run installs.
func Require(t testing.TB, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("PASSOTP_ALLOW_SKIP") == "1" {
				t.Skipf("%s not installed (PASSOTP_ALLOW_SKIP=1)", p)
			}
			t.Fatalf("%s is required; run .ci/run to install the test prerequisites", p)
		}
	}
}
