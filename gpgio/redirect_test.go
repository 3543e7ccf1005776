package gpgio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestAgentRedirectFile: a regular file S.gpg-agent holding an Assuan
// redirect ("%Assuan%\nsocket=${VAR}/S.gpg-agent\n") leads the agent path
// to the agent it names, with ${VAR} expanded from Options.Env; no gpgconf
// is on PATH, so nothing else could have found that agent.
func TestAgentRedirectFile(t *testing.T) {
	testkeys.RequireGPG(t)
	real := testkeys.Home(t)
	launch := exec.Command("gpgconf", "--launch", "gpg-agent")
	launch.Env = append(os.Environ(), "GNUPGHOME="+real)
	if out, err := launch.CombinedOutput(); err != nil {
		t.Fatalf("gpgconf --launch: %v %s", err, out)
	}
	list := exec.Command("gpgconf", "--list-dirs", "socketdir")
	list.Env = launch.Env
	out, err := list.Output()
	if err != nil {
		t.Fatal(err)
	}
	agentDir := string(bytes.TrimSpace(out))

	home := testkeys.Home(t)
	ct := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.RSA.Fpr)
	testkeys.KillAgent(home)
	h, err := newHome(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	sockDir := h.socketDir()
	if err := os.MkdirAll(sockDir, 0o700); err != nil {
		t.Fatal(err)
	}
	redirect := filepath.Join(sockDir, "S.gpg-agent")
	os.Remove(redirect)
	if err := os.WriteFile(redirect, []byte("%Assuan%\nsocket=${PASSOTP_TEST_AGENT}/S.gpg-agent\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := openTest(t, home, NativeOnly, func(o *Options) {
		o.Env = []string{"PATH=/nonexistent", "HOME=/nonexistent", "PASSOTP_TEST_AGENT=" + agentDir}
	})
	c.agentOnly = true
	got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || string(got) != testEntry {
		t.Fatalf("Decrypt through the redirect = %q, %v", got, err)
	}
	// Without the variable the redirect names no agent: ErrNoAgent.
	c2 := openTest(t, home, NativeOnly, func(o *Options) { o.Env = []string{"PATH=/nonexistent", "HOME=/nonexistent"} })
	c2.agentOnly = true
	if _, err := c2.Decrypt(context.Background(), bytes.NewReader(ct)); !errors.Is(err, ErrNoAgent) {
		t.Fatalf("redirect to /S.gpg-agent: %v, want ErrNoAgent", err)
	}
}
