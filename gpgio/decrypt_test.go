package gpgio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

const testEntry = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"

// openTest opens a client on home with a test environment.
func openTest(t testing.TB, home string, mode Mode, mod func(*Options)) *Client {
	t.Helper()
	o := Options{Home: home, Mode: mode, Env: testEnv(t, home)}
	if mod != nil {
		mod(&o)
	}
	c, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestDecryptInterop decrypts entries written by the real gpg 2.2 with
// the native path only (NativeOnly never runs gpg).
func TestDecryptInterop(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	tests := []struct {
		name string
		args []string // gpg arguments after -e (plus --trust-model always --compress-algo none)
	}{
		{"rsa", []string{"-r", testkeys.RSA.Fpr}},
		{"cv25519", []string{"-r", testkeys.Cv25519.Fpr}},
		{"p256", []string{"-r", testkeys.P256.Fpr}},
		{"multi-recipient", []string{"-r", testkeys.Protected.Fpr, "-r", testkeys.P256.Fpr, "-r", testkeys.RSA.Fpr}},
		{"hidden recipient", []string{"-R", testkeys.Cv25519.Fpr}},
		{"hidden among others", []string{"-R", testkeys.Protected.Fpr, "-R", testkeys.RSA.Fpr}},
		{"zlib", []string{"--compress-algo", "zlib", "-r", testkeys.Cv25519.Fpr}},
		{"bzip2", []string{"--compress-algo", "bzip2", "-r", testkeys.RSA.Fpr}},
		{"zip", []string{"--compress-algo", "zip", "-r", testkeys.P256.Fpr}},
		{"signed", []string{"-s", "-u", testkeys.RSA.Fpr, "-r", testkeys.Cv25519.Fpr}},
		{"signed and compressed", []string{"-s", "-u", testkeys.P256.Fpr, "--compress-algo", "zlib", "-r", testkeys.RSA.Fpr}},
		{"armored", []string{"-a", "-r", testkeys.Cv25519.Fpr}},
		{"3des", []string{"--cipher-algo", "3DES", "-r", testkeys.RSA.Fpr}},
		{"cast5", []string{"--cipher-algo", "CAST5", "-r", testkeys.Cv25519.Fpr}},
		{"aes128", []string{"--cipher-algo", "AES", "-r", testkeys.P256.Fpr}},
	}
	c := openTest(t, home, NativeOnly, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := encryptWithGPG(t, home, []byte(testEntry), tt.args...)
			got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(got) != testEntry {
				t.Errorf("Decrypt = %q", got)
			}
		})
	}
}

// TestDecryptLargePiped checks partial body lengths and a multi-chunk body.
func TestDecryptLargePiped(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	msg := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	ct := encryptWithGPG(t, home, msg, "-r", testkeys.Cv25519.Fpr)
	c := openTest(t, home, NativeOnly, nil)
	got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("Decrypt = %d bytes, %v", len(got), err)
	}
}

// TestDecryptLegacyPubring uses a home with only pubring.gpg.
func TestDecryptLegacyPubring(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ct := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.RSA.Fpr)
	legacy, err := testkeys.NewDir("pol")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testkeys.KillAgent(legacy); os.RemoveAll(legacy) })
	if err := testkeys.CopyTo(legacy); err != nil {
		t.Fatal(err)
	}
	pub := testkeys.GPG(t, home, nil, "--export")
	os.Remove(filepath.Join(legacy, "pubring.kbx"))
	if err := os.WriteFile(filepath.Join(legacy, "pubring.gpg"), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	c := openTest(t, legacy, NativeOnly, nil)
	got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || string(got) != testEntry {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
}

// TestDecryptFallback covers the Auto/NativeOnly split of gpgio.md §10.
func TestDecryptFallback(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	tests := []struct {
		name   string
		args   []string
		reason string
	}{
		{"twofish", []string{"--cipher-algo", "TWOFISH", "-r", testkeys.Cv25519.Fpr}, "TWOFISH"},
		{"camellia", []string{"--cipher-algo", "CAMELLIA256", "-r", testkeys.RSA.Fpr}, "CAMELLIA256"},
		{"idea", []string{"--cipher-algo", "IDEA", "-r", testkeys.RSA.Fpr}, "IDEA"},
		{"blowfish", []string{"--cipher-algo", "BLOWFISH", "-r", testkeys.P256.Fpr}, "BLOWFISH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := encryptWithGPG(t, home, []byte(testEntry), tt.args...)
			native := openTest(t, home, NativeOnly, nil)
			_, err := native.Decrypt(context.Background(), bytes.NewReader(ct))
			var ue *UnsupportedError
			if !errors.As(err, &ue) || !strings.Contains(ue.Reason, tt.reason) {
				t.Fatalf("NativeOnly error = %v, want *UnsupportedError naming %s", err, tt.reason)
			}
			auto := openTest(t, home, Auto, nil)
			got, err := auto.Decrypt(context.Background(), bytes.NewReader(ct))
			if err != nil || string(got) != testEntry {
				t.Fatalf("Auto = %q, %v", got, err)
			}
			noGPG := openTest(t, home, Auto, func(o *Options) { o.Env = []string{"PATH=" + t.TempDir()} })
			_, err = noGPG.Decrypt(context.Background(), bytes.NewReader(ct))
			if !errors.Is(err, ErrNoGPG) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("Auto without gpg = %v, want ErrNoGPG naming %s", err, tt.reason)
			}
		})
	}
	t.Run("no secret key", func(t *testing.T) {
		other := testkeys.EmptyHome(t)
		ct := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.RSA.Fpr)
		// The other home has the public key but no secret key.
		testkeys.GPG(t, other, testkeys.GPG(t, home, nil, "--export", testkeys.RSA.Fpr), "--import")
		native := openTest(t, other, NativeOnly, nil)
		if _, err := native.Decrypt(context.Background(), bytes.NewReader(ct)); !errors.Is(err, ErrNoSecretKey) {
			t.Errorf("NativeOnly error = %v, want ErrNoSecretKey", err)
		}
		noGPG := openTest(t, other, Auto, func(o *Options) { o.Env = []string{"PATH=" + t.TempDir()} })
		if _, err := noGPG.Decrypt(context.Background(), bytes.NewReader(ct)); !errors.Is(err, ErrNoSecretKey) {
			t.Errorf("Auto without gpg = %v, want ErrNoSecretKey", err)
		}
		dir, log := fakeGPG(t, "gpg")
		auto := openTest(t, other, Auto, func(o *Options) { o.Env = append(o.Env, "PATH="+dir) })
		auto.Decrypt(context.Background(), bytes.NewReader(ct))
		if _, err := os.Stat(log); err != nil {
			t.Errorf("Auto did not fall back to gpg after NO_SECKEY: %v", err)
		}
	})
}

// TestTamperedNoGPG: an integrity failure is reported and never retried
// with gpg (a fake gpg records calls).
func TestTamperedNoGPG(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	for _, key := range []testkeys.Key{testkeys.RSA, testkeys.Cv25519} {
		t.Run(key.Name, func(t *testing.T) {
			ct := encryptWithGPG(t, home, []byte(testEntry), "-r", key.Fpr)
			for _, off := range []int{1, 5, 30} {
				bad := append([]byte(nil), ct...)
				bad[len(bad)-off] ^= 0x01
				dir, log := fakeGPG(t, "gpg", "gpg2")
				c := openTest(t, home, Auto, func(o *Options) { o.Env = []string{"PATH=" + dir, "HOME=/nonexistent"} })
				got, err := c.Decrypt(context.Background(), bytes.NewReader(bad))
				if !errors.Is(err, ErrIntegrity) || got != nil {
					t.Errorf("offset -%d: Decrypt = %q, %v; want ErrIntegrity", off, got, err)
				}
				if _, err := os.Stat(log); err == nil {
					t.Errorf("offset -%d: gpg was run after an integrity failure", off)
				}
			}
		})
	}
}

// TestNativeWithoutGPG: with PATH stripped of gpg and gpgconf, an
// unprotected key decrypts natively, and a protected one through an
// already running agent.
func TestNativeWithoutGPG(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ctRSA := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.RSA.Fpr)
	ctProt := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.Protected.Fpr)
	// Start the agent (as a user's session would have) and cache the passphrase.
	presetPassphrase(t, home, testkeys.Protected.SubGrip)
	empty := t.TempDir()
	for _, ct := range [][]byte{ctRSA, ctProt} {
		c := openTest(t, home, Auto, func(o *Options) { o.Env = []string{"PATH=" + empty, "HOME=/nonexistent"} })
		got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
		if err != nil || string(got) != testEntry {
			t.Fatalf("Decrypt without gpg on PATH = %q, %v", got, err)
		}
	}
}

// presetPassphrase caches the test passphrase for grip in home's agent
// with gpg-preset-passphrase (passphrase on stdin, never in argv).
func presetPassphrase(t testing.TB, home, grip string) {
	t.Helper()
	env := append(os.Environ(), "GNUPGHOME="+home)
	launch := exec.Command("gpgconf", "--launch", "gpg-agent")
	launch.Env = env
	if out, err := launch.CombinedOutput(); err != nil {
		t.Fatalf("gpgconf --launch: %v %s", err, out)
	}
	libexec, err := exec.Command("gpgconf", "--list-dirs", "libexecdir").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(strings.TrimSpace(string(libexec)), "gpg-preset-passphrase"), "--preset", grip)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(testkeys.Passphrase + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gpg-preset-passphrase: %v %s", err, out)
	}
}

// TestAgentPaths decrypts through gpg-agent: unprotected keys (key files
// skipped), the protected key with loopback and with a preset passphrase.
func TestAgentPaths(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ctx := context.Background()
	for _, key := range []testkeys.Key{testkeys.RSA, testkeys.Cv25519, testkeys.P256} {
		t.Run("unprotected "+key.Name, func(t *testing.T) {
			ct := encryptWithGPG(t, home, []byte(testEntry), "-r", key.Fpr)
			c := openTest(t, home, NativeOnly, nil)
			c.agentOnly = true
			for i := 0; i < 2; i++ { // the second run reuses the connection (RESET)
				got, err := c.Decrypt(ctx, bytes.NewReader(ct))
				if err != nil || string(got) != testEntry {
					t.Fatalf("run %d: Decrypt = %q, %v", i, got, err)
				}
			}
		})
	}
	ct := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.Protected.Fpr)
	t.Run("loopback", func(t *testing.T) {
		var descs []string
		var trace bytes.Buffer
		c := openTest(t, home, NativeOnly, func(o *Options) {
			o.Trace = &trace
			o.Passphrase = func(ctx context.Context, desc string) ([]byte, error) {
				descs = append(descs, desc)
				return []byte(testkeys.Passphrase), nil
			}
		})
		got, err := c.Decrypt(ctx, bytes.NewReader(ct))
		if err != nil || string(got) != testEntry {
			t.Fatalf("Decrypt = %q, %v", got, err)
		}
		if len(descs) != 1 || !strings.Contains(descs[0], `"`+testkeys.Protected.UID+`"`) ||
			!strings.Contains(descs[0], "\n255-bit ECDH key, ID "+testkeys.Protected.SubID+",\ncreated ") ||
			!strings.HasSuffix(descs[0], " (main key ID 614A9E54457E0F8D).\n") {
			t.Errorf("passphrase prompt = %q", descs)
		}
		// The protocol trace shows D payloads as sizes, never secrets.
		for _, secret := range []string{testkeys.Passphrase, "JBSWY3DPEHPK3PXP", "(5:value"} {
			if strings.Contains(trace.String(), secret) {
				t.Errorf("trace contains %q:\n%s", secret, trace.String())
			}
		}
		if !strings.Contains(trace.String(), "PKDECRYPT") || !strings.Contains(trace.String(), "-> D [") {
			t.Errorf("trace lacks the exchange:\n%s", trace.String())
		}
	})
	t.Run("bad passphrase", func(t *testing.T) {
		bad := testkeys.Home(t)
		c := openTest(t, bad, Auto, func(o *Options) {
			o.Passphrase = func(context.Context, string) ([]byte, error) { return []byte("wrong"), nil }
			o.GPG = "/nonexistent/gpg" // a fallback would show as ErrNoGPG
		})
		_, err := c.Decrypt(ctx, bytes.NewReader(ct))
		if !errors.Is(err, ErrBadPassphrase) {
			t.Fatalf("Decrypt error = %v, want ErrBadPassphrase", err)
		}
	})
	t.Run("cancelled by the callback", func(t *testing.T) {
		other := testkeys.Home(t)
		c := openTest(t, other, Auto, func(o *Options) {
			o.Passphrase = func(context.Context, string) ([]byte, error) { return nil, errors.New("user said no") }
			o.GPG = "/nonexistent/gpg"
		})
		_, err := c.Decrypt(ctx, bytes.NewReader(ct))
		if !errors.Is(err, ErrCanceled) {
			t.Fatalf("Decrypt error = %v, want ErrCanceled", err)
		}
	})
	t.Run("preset", func(t *testing.T) {
		presetPassphrase(t, home, testkeys.Protected.SubGrip)
		c := openTest(t, home, NativeOnly, nil)
		got, err := c.Decrypt(ctx, bytes.NewReader(ct))
		if err != nil || string(got) != testEntry {
			t.Fatalf("Decrypt = %q, %v", got, err)
		}
	})
}

// TestNoPinentryFailsFast: protected key, no terminal, empty cache: a
// clear error well within a second, never a hang, and no gpg fallback.
func TestNoPinentryFailsFast(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ct := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.Protected.Fpr)
	ctRSA := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.RSA.Fpr)
	for _, tty := range []string{"", "not a tty", "/dev/null"} {
		t.Run("tty="+tty, func(t *testing.T) {
			c := openTest(t, home, Auto, func(o *Options) {
				o.TTY = tty
				o.GPG = "/nonexistent/gpg"
				o.Env = append(o.Env, "GPG_TTY="+tty, "TERM=xterm")
			})
			c.agentOnly = true
			// Warm up: connect to (and maybe launch) the agent first.
			if _, err := c.Decrypt(context.Background(), bytes.NewReader(ctRSA)); err != nil {
				t.Fatal(err)
			}
			// The "< 1 s" guard: a hang fails here instead of blocking the suite.
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			_, err := c.Decrypt(ctx, bytes.NewReader(ct))
			if !errors.Is(err, ErrNoPinentry) {
				t.Fatalf("Decrypt error = %v after %v, want ErrNoPinentry within 1 s", err, time.Since(start))
			}
			t.Logf("failed in %v", time.Since(start))
		})
	}
}

// TestDecryptAllKeyTypes decrypts gpg 2.2 output for every key type of
// the generated home, from key files and through the agent (which
// exercises the ECDH KDF and PKCS#1 unwrapping of §8.4 per curve).
func TestDecryptAllKeyTypes(t *testing.T) {
	home, keys := generatedHome(t)
	for _, k := range keys {
		ct := encryptWithGPG(t, home, []byte(testEntry), "-r", k.fpr)
		for _, agent := range []bool{false, true} {
			name := k.name + "/keyfile"
			if agent {
				name = k.name + "/agent"
			}
			t.Run(name, func(t *testing.T) {
				c := openTest(t, home, NativeOnly, nil)
				c.agentOnly = agent
				got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
				if err != nil || string(got) != testEntry {
					t.Fatalf("Decrypt = %q, %v", got, err)
				}
			})
		}
	}
}

// TestHiddenRecipientAgent: with key id 0, the agent pass tries every held
// key; unlocking the wrong one must not end the search.
func TestHiddenRecipientAgent(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	for _, key := range []testkeys.Key{testkeys.P256, testkeys.RSA, testkeys.Protected} {
		t.Run(key.Name, func(t *testing.T) {
			ct := encryptWithGPG(t, home, []byte(testEntry), "-R", key.Fpr)
			c := openTest(t, home, NativeOnly, func(o *Options) {
				if key.Name == "protected" {
					o.Passphrase = func(context.Context, string) ([]byte, error) { return []byte(testkeys.Passphrase), nil }
				}
				// Otherwise the locked key cannot be unlocked (no
				// terminal): the search must go on past it.
			})
			c.agentOnly = true
			got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
			if err != nil || string(got) != testEntry {
				t.Fatalf("Decrypt = %q, %v", got, err)
			}
		})
	}
}

// TestNoAgentFallback: a protected key with no agent reachable (nothing
// listening and no gpgconf to launch one) is ErrNoAgent natively, and gpg's
// job in Auto mode.
func TestNoAgentFallback(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ct := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.Protected.Fpr)
	testkeys.KillAgent(home)
	dir, log := fakeGPG(t, "gpg")
	env := []string{"PATH=" + dir, "HOME=/nonexistent"}
	native := openTest(t, home, NativeOnly, func(o *Options) { o.Env = env })
	if _, err := native.Decrypt(context.Background(), bytes.NewReader(ct)); !errors.Is(err, ErrNoAgent) {
		t.Fatalf("NativeOnly error = %v, want ErrNoAgent", err)
	}
	auto := openTest(t, home, Auto, func(o *Options) { o.Env = env })
	got, err := auto.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || !bytes.Equal(got, ct) { // the fake gpg echoes its input
		t.Fatalf("Auto = %d bytes, %v", len(got), err)
	}
	if _, err := os.Stat(log); err != nil {
		t.Errorf("gpg was not run: %v", err)
	}
}
