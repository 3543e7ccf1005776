package gpgio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// testEnv is a minimal environment for clients in tests: the process PATH
// and a HOME that is not the developer's.
func testEnv(t testing.TB, home string) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(home), "GNUPGHOME=" + home}
}

// encryptWithGPG makes an entry with the real gpg.
func encryptWithGPG(t testing.TB, home string, plaintext []byte, args ...string) []byte {
	t.Helper()
	full := append([]string{"--trust-model", "always", "--compress-algo", "none", "-e"}, args...)
	return testkeys.GPG(t, home, plaintext, full...)
}

func TestGPGDecryptModes(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	msg := []byte("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n")
	ct := encryptWithGPG(t, home, msg, "-r", testkeys.Cv25519.Fpr)
	for _, mode := range []Mode{GPGOnly, Auto} {
		t.Run(mode.String(), func(t *testing.T) {
			c, err := Open(Options{Home: home, Mode: mode, Env: testEnv(t, home)})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if !bytes.Equal(got, msg) {
				t.Errorf("Decrypt = %q, want %q", got, msg)
			}
		})
	}
}

func TestGPGEncryptRoundTrip(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	// The committed keys have no ownertrust; batch gpg needs trust.
	if err := os.WriteFile(filepath.Join(home, "gpg.conf"), []byte("trust-model always\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Open(Options{Home: home, Mode: GPGOnly, Env: testEnv(t, home)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out bytes.Buffer
	w, err := c.Encrypt(context.Background(), &out, []string{testkeys.RSA.Email, testkeys.Cv25519.Fpr})
	if err != nil {
		t.Fatal(err)
	}
	msg := bytes.Repeat([]byte("streamed plaintext\n"), 10000)
	if _, err := io.Copy(w, bytes.NewReader(msg)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	got := testkeys.GPG(t, home, out.Bytes(), "-d")
	if !bytes.Equal(got, msg) {
		t.Errorf("round trip mismatch: %d bytes, want %d", len(got), len(msg))
	}
}

func TestGPGErrorCarriesStderr(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	c, _ := Open(Options{Home: home, Mode: GPGOnly, Env: testEnv(t, home)})
	defer c.Close()
	_, err := c.Decrypt(context.Background(), strings.NewReader("not an openpgp message"))
	var ge *GPGError
	if !errors.As(err, &ge) {
		t.Fatalf("Decrypt error = %v, want *GPGError", err)
	}
	if ge.ExitCode != 2 || !bytes.Contains(ge.Stderr, []byte("gpg: ")) {
		t.Errorf("GPGError = exit %d stderr %q", ge.ExitCode, ge.Stderr)
	}
	if ge.Args[0] != "gpg" || ge.Args[1] != "-d" {
		t.Errorf("Args = %q", ge.Args)
	}
}

// fakeGPG installs a program named name in a new directory that records
// its arguments, GNUPGHOME and GPG_TTY in a log file and copies stdin to
// stdout. It returns the directory and the log path.
func fakeGPG(t *testing.T, names ...string) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	log = filepath.Join(dir, "calls.log")
	script := "#!/bin/sh\n" +
		"printf '%s|' \"$0\" \"$@\" >>" + log + "\n" +
		"printf '\\nGNUPGHOME=%s GPG_TTY=%s\\n' \"$GNUPGHOME\" \"$GPG_TTY\" >>" + log + "\n" +
		"exec /usr/bin/cat\n"
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, log
}

func TestGPGCommandLines(t *testing.T) {
	tests := []struct {
		name     string
		programs []string // fake programs on PATH
		gpg      string   // Options.GPG
		args     []string // Options.GPGArgs
		env      []string // extra environment
		decrypt  string   // expected decrypt argv after the program
		encrypt  string   // expected encrypt argv after the program
		prog     string   // expected basename of $0
	}{
		{
			name: "gpg", programs: []string{"gpg"},
			decrypt: "-d|--quiet|--yes|--compress-algo=none|--no-encrypt-to|",
			encrypt: "-e|-r|a@b|-r|0xDEADBEEF!|-o|-|--quiet|--yes|--compress-algo=none|--no-encrypt-to|",
			prog:    "gpg",
		},
		{
			name: "gpg2 preferred", programs: []string{"gpg", "gpg2"},
			decrypt: "-d|--quiet|--yes|--compress-algo=none|--no-encrypt-to|--batch|--use-agent|",
			encrypt: "-e|-r|a@b|-r|0xDEADBEEF!|-o|-|--quiet|--yes|--compress-algo=none|--no-encrypt-to|--batch|--use-agent|",
			prog:    "gpg2",
		},
		{
			name: "GPG_AGENT_INFO and opts", programs: []string{"gpg"}, args: []string{"--armor", "--trust-model", "always"},
			env:     []string{"GPG_AGENT_INFO=/x:1:1"},
			decrypt: "-d|--armor|--trust-model|always|--quiet|--yes|--compress-algo=none|--no-encrypt-to|--batch|--use-agent|",
			encrypt: "-e|-r|a@b|-r|0xDEADBEEF!|-o|-|--armor|--trust-model|always|--quiet|--yes|--compress-algo=none|--no-encrypt-to|--batch|--use-agent|",
			prog:    "gpg",
		},
		{
			name: "explicit program", programs: []string{"gpg2", "mygpg"}, gpg: "mygpg",
			decrypt: "-d|--quiet|--yes|--compress-algo=none|--no-encrypt-to|",
			encrypt: "-e|-r|a@b|-r|0xDEADBEEF!|-o|-|--quiet|--yes|--compress-algo=none|--no-encrypt-to|",
			prog:    "mygpg",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, log := fakeGPG(t, tt.programs...)
			env := append([]string{"PATH=" + dir, "GPG_TTY=not a tty"}, tt.env...)
			c, err := Open(Options{Home: "/tmp/h", GPG: tt.gpg, GPGArgs: tt.args, Mode: GPGOnly, Env: env, TTY: "/dev/pts/9"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Decrypt(context.Background(), strings.NewReader("ciphertext"))
			if err != nil || string(got) != "ciphertext" {
				t.Fatalf("Decrypt = %q, %v", got, err)
			}
			var out bytes.Buffer
			w, err := c.Encrypt(context.Background(), &out, []string{"a@b", "0xDEADBEEF!"})
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, "plain")
			if err := w.Close(); err != nil || out.String() != "plain" {
				t.Fatalf("Encrypt = %q, %v", out.String(), err)
			}
			b, _ := os.ReadFile(log)
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(lines) != 4 {
				t.Fatalf("log = %q", b)
			}
			for i, want := range []string{tt.decrypt, tt.encrypt} {
				argv := lines[2*i]
				prog, rest, _ := strings.Cut(argv, "|")
				if filepath.Base(prog) != tt.prog || rest != want {
					t.Errorf("call %d = %s|%s, want %s|%s", i, filepath.Base(prog), rest, tt.prog, want)
				}
				if envLine := lines[2*i+1]; envLine != "GNUPGHOME=/tmp/h GPG_TTY=/dev/pts/9" {
					t.Errorf("child env = %q", envLine)
				}
			}
		})
	}
}

func TestNoGPG(t *testing.T) {
	c, _ := Open(Options{Home: "/tmp/nonexistent-home", Mode: GPGOnly, Env: []string{"PATH=" + t.TempDir()}})
	_, err := c.Decrypt(context.Background(), strings.NewReader("x"))
	if !errors.Is(err, ErrNoGPG) {
		t.Errorf("Decrypt error = %v, want ErrNoGPG", err)
	}
	_, err = c.Encrypt(context.Background(), io.Discard, []string{"x"})
	if !errors.Is(err, ErrNoGPG) {
		t.Errorf("Encrypt error = %v, want ErrNoGPG", err)
	}
}

func TestParseMode(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Mode
		ok   bool
	}{{"", Auto, true}, {"auto", Auto, true}, {"native", NativeOnly, true}, {"gpg", GPGOnly, true}, {"GPG", Auto, false}} {
		got, err := ParseMode(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseMode(%q) = %v, %v", tt.in, got, err)
		}
	}
}
