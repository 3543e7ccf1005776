package main

// Signed commits through gpg-agent (issue 4, scope 5) at the level of the
// binary: a protected key whose passphrase the agent has cached signs the
// commit natively, with no gpg and no git program on PATH; the same key,
// locked, with no terminal, fails the commit at once with the reason and
// never hands it to gpg. commit-signing.txtar covers unprotected keys and
// the git commit -S fallback.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

// runStdin runs the binary with stdin, no terminal and a hang guard.
func runStdin(t *testing.T, bin string, env []string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a hang guard, not a timing check
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("passotp %s hangs", strings.Join(args, " "))
	}
	return out.String(), errb.String(), err
}

func TestSignedCommitThroughAgent(t *testing.T) {
	s := newSandbox(t, true)
	s.mustRun("", "git", "-C", s.store, "config", "pass.signcommits", "true")
	s.mustRun("", "git", "-C", s.store, "config", "user.signingkey", testkeys.Protected.Email)
	s.launchAgent()
	fake, log := recordingGPG(t, false)
	env := envWith(s.env, "PATH="+fake, "GPG_TTY=", "TERM=xterm")

	t.Run("cached passphrase", func(t *testing.T) {
		presetPassphraseBin(t, s, testkeys.Protected.Grip)
		out, errs, err := runStdin(t, s.bin, env, nativeURI, "insert", "agent/signed")
		if err != nil || !strings.HasPrefix(out, "mkdir: created directory ") || errs != "" {
			t.Fatalf("insert: %v, stdout %q, stderr %q", err, out, errs)
		}
		if c := calls(log); c != "" {
			t.Fatalf("gpg programs ran: %q", c)
		}
		s.mustRun("", "git", "-C", s.store, "verify-commit", "HEAD")
		got := s.mustRun("", "git", "-C", s.store, "log", "-1", "--format=%G?%n%GF%n%s")
		if want := "G\n" + testkeys.Protected.Fpr + "\nAdd OTP secret for agent/signed to store.\n"; got != want {
			t.Errorf("git log = %q, want %q", got, want)
		}

		// A HOTP increment of an entry for the protected key: one agent
		// connection decrypts, then signs (RESET in between).
		presetPassphraseBin(t, s, testkeys.Protected.SubGrip)
		if err := os.MkdirAll(filepath.Join(s.store, "prot"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.store, "prot", ".gpg-id"), []byte(testkeys.Protected.Fpr+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		hotp := "otpauth://hotp/ACME:h?secret=" + rfcSecret + "&counter=0\n"
		if _, errs, err := runStdin(t, s.bin, env, hotp, "insert", "prot/h"); err != nil || errs != "" {
			t.Fatalf("insert prot/h: %v, stderr %q", err, errs)
		}
		out, errs, err = runStdin(t, s.bin, env, "", "prot/h")
		if want := hotpCodes(t, 1, 1)[0] + "\n"; err != nil || out != want || errs != "" {
			t.Fatalf("HOTP code: %v, stdout %q, stderr %q; want %q", err, out, errs, want)
		}
		if c := calls(log); c != "" {
			t.Fatalf("gpg programs ran: %q", c)
		}
		s.mustRun("", "git", "-C", s.store, "verify-commit", "HEAD")
		got = s.mustRun("", "git", "-C", s.store, "log", "-2", "--format=%G? %GF %s")
		if want := "G " + testkeys.Protected.Fpr + " Increment HOTP counter for prot/h.\nG " + testkeys.Protected.Fpr + " Add OTP secret for prot/h to store.\n"; got != want {
			t.Errorf("git log = %q, want %q", got, want)
		}
	})

	t.Run("locked, no terminal", func(t *testing.T) {
		s.mustRun("", "gpgconf", "--reload", "gpg-agent") // forget the cached passphrase
		before := s.mustRun("", "git", "-C", s.store, "rev-parse", "HEAD")
		out, errs, err := runStdin(t, s.bin, env, nativeURI, "insert", "agent/locked")
		if err != nil || out != "" {
			t.Fatalf("insert: %v, stdout %q (exit 0 and no output expected)", err, out)
		}
		const want = "Error: the entry was written, but git could not record it: git: sign commit: no pinentry: inappropriate ioctl for device\n"
		if errs != want {
			t.Errorf("stderr %q, want %q", errs, want)
		}
		if c := calls(log); c != "" {
			t.Errorf("gpg programs ran after the agent could not ask: %q", c)
		}
		if after := s.mustRun("", "git", "-C", s.store, "rev-parse", "HEAD"); after != before {
			t.Errorf("a commit was made: %s -> %s", before, after)
		}
		if st := s.mustRun("", "git", "-C", s.store, "status", "--porcelain", "-uno"); st != "A  agent/locked.gpg\n" {
			t.Errorf("git status %q", st)
		}
	})
}
