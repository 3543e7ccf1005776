package main

// Acceptance tests of the native decrypt path (issue 3) at the level of the
// passotp binary: `passotp NAME` with no gpg program on PATH, the fast
// failure of a locked key without a terminal, and the exit status and
// fallback behaviour for tampered and Twofish entries. gpgio's own tests
// prove the same at the library level; these prove what users run.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

// nativeURI is a throwaway TOTP URI (the RFC 6238 SHA1 seed).
const nativeURI = "otpauth://totp/ACME:alice@example.com?secret=" + rfcSecret + "&issuer=ACME\n"

// nativeAt is the --at time of the code checks.
const nativeAt = 1234567890

// recordingGPG writes programs named gpg, gpg2, gpgconf, gpg-agent and
// gpg-connect-agent into a new directory. Each appends its name and
// arguments to a log file; then it runs the real program when real is set,
// else fails with status 2. It returns the directory and the log path.
func recordingGPG(t *testing.T, real bool) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	log = filepath.Join(dir, "calls.log")
	for _, name := range []string{"gpg", "gpg2", "gpgconf", "gpg-agent", "gpg-connect-agent"} {
		target := name
		if name == "gpg2" {
			target = "gpg"
		}
		tail := "exit 2\n"
		if real {
			path, err := exec.LookPath(target)
			if err != nil {
				t.Fatalf("%s: %v", target, err)
			}
			tail = "exec " + path + " \"$@\"\n"
		}
		script := "#!/bin/sh\necho " + name + " \"$*\" >>" + log + "\n" + tail
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, log
}

// calls returns the programs logged by recordingGPG ("" when none ran).
func calls(log string) string {
	b, err := os.ReadFile(log)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// envWith returns env with the given variables replaced or added.
func envWith(env []string, kv ...string) []string {
	out := make([]string, 0, len(env)+len(kv))
	for _, e := range env {
		name, _, _ := strings.Cut(e, "=")
		keep := true
		for _, n := range kv {
			if strings.HasPrefix(n, name+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, e)
		}
	}
	return append(out, kv...)
}

// gnupgHome returns the sandbox's GNUPGHOME.
func (s *sandbox) gnupgHome() string {
	for _, e := range s.env {
		if v, ok := strings.CutPrefix(e, "GNUPGHOME="); ok {
			return v
		}
	}
	s.t.Fatal("no GNUPGHOME in the sandbox")
	return ""
}

// launchAgent starts the sandbox home's gpg-agent, as a user's session
// would have, with the real gpgconf.
func (s *sandbox) launchAgent() {
	s.t.Helper()
	s.mustRun("", "gpgconf", "--launch", "gpg-agent")
	s.mustRun("", "gpg-connect-agent", "/bye")
}

// addEntry writes NAME.gpg for key as pass does (a .gpg-id in the entry's
// directory, then gpg -e with pass's options), with one gpg run instead of
// a pass init and a pass insert.
func (s *sandbox) addEntry(name string, key testkeys.Key) {
	s.t.Helper()
	dir := filepath.Join(s.store, filepath.Dir(name))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".gpg-id"), []byte(key.Fpr+"\n"), 0o600); err != nil {
		s.t.Fatal(err)
	}
	s.mustRun(nativeURI, "gpg", "-e", "-r", key.Fpr, "-o", filepath.Join(s.store, name+".gpg"),
		"--quiet", "--yes", "--compress-algo=none", "--no-encrypt-to", "--batch", "--use-agent")
}

// runNoTTY runs the passotp binary with env, no terminal (a new session,
// stdin /dev/null) and a time limit; it returns stdout, stderr, the exit
// status (-1 when killed) and the elapsed time.
func runNoTTY(t *testing.T, bin string, env []string, limit time.Duration, args ...string) (string, string, int, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("passotp %s still running after %v (killed): a hang", strings.Join(args, " "), limit)
	}
	return out.String(), errb.String(), code, d
}

// totpAt is oathtool's TOTP code of rfcSecret at nativeAt.
func totpAt(t *testing.T) string {
	t.Helper()
	testkeys.Require(t, "oathtool")
	cmd := exec.Command("oathtool", "--totp", "-b", "-N", fmt.Sprintf("@%d", nativeAt), "-")
	cmd.Stdin = strings.NewReader(rfcSecret + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestNativeWithoutGPGOnPath (issue 3): with gpg-agent already running and
// PATH holding no gpg program (only recording stand-ins that fail), `passotp
// NAME` prints the right code for entries of the unprotected RSA-3072,
// cv25519 and P-256 keys, and for the protected key whose passphrase the
// agent has cached; none of the stand-ins is ever run. Control runs with
// PASSOTP_GPG=gpg and PASSWORD_STORE_GPG_OPTS show that a gpg call would
// have been recorded.
func TestNativeWithoutGPGOnPath(t *testing.T) {
	t.Parallel() // processes and agents of its own sandbox; overlaps with the waits of other tests
	s := newSandbox(t, false)
	want := totpAt(t)
	keys := []testkeys.Key{testkeys.RSA, testkeys.Cv25519, testkeys.P256, testkeys.Protected}
	for _, k := range keys {
		s.addEntry(k.Name+"/alice", k)
	}
	s.launchAgent()
	presetPassphraseBin(t, s, testkeys.Protected.SubGrip)

	fake, log := recordingGPG(t, false)
	env := envWith(s.env, "PATH="+fake)
	for _, k := range keys {
		t.Run(k.Name, func(t *testing.T) {
			out, errs, code, d := runNoTTY(t, s.bin, env, 20*time.Second, "code", "--at", fmt.Sprint(nativeAt), k.Name+"/alice")
			if code != 0 || out != want+"\n" || errs != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0, %q, nothing", code, out, errs, want+"\n")
			}
			if c := calls(log); c != "" {
				t.Fatalf("gpg programs ran on the native path: %q", c)
			}
			t.Logf("%s: %v", k.Name, d.Round(time.Millisecond))
		})
	}
	// Controls: where passotp must run gpg (PASSOTP_GPG=gpg, and any
	// PASSWORD_STORE_GPG_OPTS, gpgio.md §10), the stand-in is recorded.
	for _, extra := range []string{"PASSOTP_GPG=gpg", "PASSWORD_STORE_GPG_OPTS=--no-tty"} {
		t.Run("control "+extra, func(t *testing.T) {
			os.Remove(log)
			_, _, code, _ := runNoTTY(t, s.bin, envWith(env, extra), 20*time.Second, "cv25519/alice")
			if c := calls(log); code != 1 || !strings.HasPrefix(c, "gpg") || !strings.Contains(c, " -d ") {
				t.Fatalf("%s: exit %d, calls %q; want exit 1 and a recorded gpg -d call", extra, code, c)
			}
		})
	}
}

// presetPassphraseBin caches the protected test key's passphrase in the
// sandbox's agent (passphrase on stdin, never in argv).
func presetPassphraseBin(t *testing.T, s *sandbox, grip string) {
	t.Helper()
	libexec := strings.TrimSpace(s.mustRun("", "gpgconf", "--list-dirs", "libexecdir"))
	s.mustRun(testkeys.Passphrase+"\n", filepath.Join(libexec, "gpg-preset-passphrase"), "--preset", grip)
}

// TestLockedKeyNoTerminalFailsFast (issue 3): a protected key, no
// terminal, nothing in the agent's cache: passotp exits 1 with gpg's lines
// and the unlock hint, well within the one second (the process is
// killed after 1 s, which fails the test), and runs no gpg. Both with the
// agent already running and with passotp having to launch it.
func TestLockedKeyNoTerminalFailsFast(t *testing.T) {
	const wantErr = "gpg: public key decryption failed: Inappropriate ioctl for device\n" +
		"gpg: decryption failed: No secret key\n" +
		"hint: set GPG_TTY=$(tty) or unlock the key first\n" +
		"prot/alice: OTP secret not found.\n"
	for _, running := range []bool{true, false} {
		t.Run(fmt.Sprintf("agent running=%v", running), func(t *testing.T) {
			s := newSandbox(t, false)
			s.addEntry("prot/alice", testkeys.Protected)
			if running {
				s.launchAgent()
			} else {
				testkeys.KillAgent(s.gnupgHome())
			}
			// PATH: failing stand-ins for gpg and gpg2 first, and a
			// recording gpgconf that runs the real one (to launch the
			// agent); the real gpg-agent after them.
			fake, log := recordingGPG(t, false)
			wrap, wrapLog := recordingGPG(t, true)
			if err := os.Rename(filepath.Join(wrap, "gpgconf"), filepath.Join(fake, "gpgconf")); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"gpg-agent", "gpg-connect-agent"} {
				os.Remove(filepath.Join(fake, name))
			}
			env := envWith(s.env, "PATH="+fake+":/usr/bin:/bin", "TERM=xterm")
			out, errs, code, d := runNoTTY(t, s.bin, env, time.Second, "prot/alice")
			if code != 1 || out != "" || errs != wantErr {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 1, nothing,\n%s", code, out, errs, wantErr)
			}
			if c := calls(log); c != "" {
				t.Errorf("gpg ran after the agent could not ask: %q", c)
			}
			// A cold agent is started with gpgconf --launch, once; a
			// running one is just used.
			want := "gpgconf --launch gpg-agent"
			if running {
				want = ""
			}
			if c := calls(wrapLog); c != want {
				t.Errorf("gpgconf calls %q, want %q", c, want)
			}
			t.Logf("failed in %v", d.Round(time.Millisecond))
		})
	}
}

// TestTamperedAndTwofishEntries (issue 3): a tampered entry is an error
// with exit 1 and never a gpg retry; a Twofish entry is decrypted by the
// gpg fallback in auto mode (the recording wrapper shows gpg ran) and
// refused with a hint under PASSOTP_GPG=native.
func TestTamperedAndTwofishEntries(t *testing.T) {
	t.Parallel() // processes and agents of its own sandbox; overlaps with the waits of other tests
	s := newSandbox(t, false)
	want := totpAt(t)
	home := s.gnupgHome()
	for _, k := range []testkeys.Key{testkeys.RSA, testkeys.Cv25519} {
		s.addEntry(k.Name+"/alice", k)
	}
	wrap, log := recordingGPG(t, true)
	env := envWith(s.env, "PATH="+wrap+":"+os.Getenv("PATH"))

	for _, k := range []testkeys.Key{testkeys.RSA, testkeys.Cv25519} {
		t.Run("tampered "+k.Name, func(t *testing.T) {
			file := filepath.Join(s.store, k.Name, "alice.gpg")
			ct, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, off := range []int{1, 5, 30} {
				bad := append([]byte(nil), ct...)
				bad[len(bad)-off] ^= 0x01
				if err := os.WriteFile(file, bad, 0o600); err != nil {
					t.Fatal(err)
				}
				os.Remove(log)
				out, errs, code, _ := runNoTTY(t, s.bin, env, 20*time.Second, k.Name+"/alice")
				wantErr := "gpg: WARNING: encrypted message has been manipulated!\n" +
					k.Name + "/alice: OTP secret not found.\n"
				if code != 1 || out != "" || errs != wantErr {
					t.Errorf("offset -%d: exit %d, stdout %q, stderr %q; want 1, nothing,\n%s", off, code, out, errs, wantErr)
				}
				if c := calls(log); c != "" {
					t.Errorf("offset -%d: gpg ran after an integrity failure: %q", off, c)
				}
			}
			// gpg itself refuses the same entry.
			if _, _, err := s.run("", "pass", "otp", k.Name+"/alice"); err == nil {
				t.Errorf("pass otp accepted the tampered entry")
			}
		})
	}

	t.Run("twofish", func(t *testing.T) {
		cmd := exec.Command("gpg", "--batch", "--trust-model", "always", "--compress-algo", "none",
			"--cipher-algo", "TWOFISH", "-e", "-r", testkeys.RSA.Fpr, "-o", "-")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		cmd.Stdin = strings.NewReader(nativeURI)
		ct, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg -e: %v", err)
		}
		if err := os.WriteFile(filepath.Join(s.store, "rsa", "twofish.gpg"), ct, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(log)
		out, errs, code, _ := runNoTTY(t, s.bin, env, 20*time.Second, "code", "--at", fmt.Sprint(nativeAt), "rsa/twofish")
		if code != 0 || out != want+"\n" {
			t.Fatalf("auto: exit %d, stdout %q, stderr %q; want 0, %q", code, out, errs, want+"\n")
		}
		if c := calls(log); !strings.HasPrefix(c, "gpg") {
			t.Errorf("auto: no gpg fallback recorded (calls %q)", c)
		}
		os.Remove(log)
		out, errs, code, _ = runNoTTY(t, s.bin, envWith(env, "PASSOTP_GPG=native"), 20*time.Second, "rsa/twofish")
		wantErr := "gpg: decryption failed: cipher TWOFISH\n" +
			"hint: PASSOTP_GPG=native refuses what only gpg can decrypt; unset it to let passotp run gpg\n" +
			"rsa/twofish: OTP secret not found.\n"
		if code != 1 || out != "" || errs != wantErr {
			t.Errorf("native: exit %d, stdout %q, stderr %q; want 1, nothing,\n%s", code, out, errs, wantErr)
		}
		if c := calls(log); c != "" {
			t.Errorf("native: gpg ran: %q", c)
		}
	})
}

// TestPinentryOnUsersTerminal (issue 3): run interactively (the terminal on
// stdin, GPG_TTY unset, nothing cached), passotp forwards its terminal to
// gpg-agent as gpg does, the agent's pinentry-curses asks there, and
// typing the passphrase gives the code.
func TestPinentryOnUsersTerminal(t *testing.T) {
	t.Parallel() // processes and agents of its own sandbox; overlaps with the waits of other tests
	testkeys.Require(t, "pinentry-curses")
	s := newSandbox(t, false)
	s.addEntry("prot/alice", testkeys.Protected)
	want := totpAt(t)
	c := startConsole(t, envWith(s.env, "TERM=xterm"), s.bin, "code", "--at", fmt.Sprint(nativeAt), "prot/alice")
	c.expect("Passphrase")
	c.send(testkeys.Passphrase + "\r")
	code, out := c.wait()
	if code != 0 || !strings.Contains(out, want+"\n") {
		t.Fatalf("exit %d, want 0 and the code %s; transcript:\n%q", code, want, out)
	}
}

// TestPinentryOnGPGTTY (issue 3): with stdin and stdout not a terminal but
// GPG_TTY naming one (a script started from a shell that exports it, as
// pass's documentation asks), the pinentry asks on GPG_TTY's terminal.
func TestPinentryOnGPGTTY(t *testing.T) {
	t.Parallel() // processes and agents of its own sandbox; overlaps with the waits of other tests
	testkeys.Require(t, "pinentry-curses")
	s := newSandbox(t, false)
	s.addEntry("prot/alice", testkeys.Protected)
	want := totpAt(t)
	tty, screen := testkeys.PinentryTerminal(t) // answers the prompt once it shows up
	out, errs, code, _ := runNoTTY(t, s.bin, envWith(s.env, "GPG_TTY="+tty, "TERM=xterm"), 60*time.Second,
		"code", "--at", fmt.Sprint(nativeAt), "prot/alice")
	if code != 0 || out != want+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0, %q; terminal showed %q", code, out, errs, want+"\n", screen())
	}
}
