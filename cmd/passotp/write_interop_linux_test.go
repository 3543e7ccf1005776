package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// TestHiddenPromptInterrupt: echo is off while the hidden prompt waits and
// back on after Ctrl-C, which ends passotp as SIGINT ends bash's read.
func TestHiddenPromptInterrupt(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, false)
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	defer tty.Close()
	cmd := exec.Command(s.bin, "insert", "sig")
	cmd.Env = s.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var out []byte
	deadline := time.Now().Add(10 * time.Second) // a hang guard
	for !bytes.Contains(out, []byte("Enter otpauth:// URI for sig: ")) {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt; output %q", out)
		}
		b := make([]byte, 256)
		n, err := ptm.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b[:n]...)
	}
	echo := func() bool {
		tios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		return tios.Lflag&unix.ECHO != 0
	}
	// The prompt is written just before echo goes off: wait for it.
	for echo() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if echo() {
		t.Fatal("echo is on at the hidden prompt")
	}
	ptm.Write([]byte{3}) // Ctrl-C
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("exit: %v, want an interrupted process", err)
	}
	if !echo() {
		t.Error("echo is still off after Ctrl-C")
	}
	if _, err := os.Stat(filepath.Join(s.store, "sig.gpg")); err == nil {
		t.Error("an entry was written")
	}
}
