package child

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

func TestCappedBuffer(t *testing.T) {
	b := &CappedBuffer{Max: 5}
	for _, p := range []string{"abc", "defg", "hij"} {
		if n, err := b.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v; want all of it, no error", p, n, err)
		}
	}
	if got := string(b.Bytes()); got != "abcde" {
		t.Errorf("kept %q, want %q", got, "abcde")
	}
	if NewStderr().Max != MaxStderr {
		t.Error("NewStderr is not MaxStderr bytes")
	}
}

// start runs sh -c script with a Writer on its stdin; its stdout goes to
// out. fail wraps the Wait error with the child's stderr.
func start(t *testing.T, script string, out *bytes.Buffer) *Writer {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	stderr := NewStderr()
	cmd.Stdout, cmd.Stderr = out, stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return NewWriter(cmd, stdin, "sh", func(err error) error {
		return fmt.Errorf("sh failed: %w: %s", err, strings.TrimSpace(string(stderr.Bytes())))
	})
}

func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w := start(t, "tr a-z A-Z", &out)
	if _, err := w.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil || out.String() != "HELLO\n" {
		t.Fatalf("Close = %v, output %q; want nil, HELLO", err, out.String())
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v, want nil again", err)
	}
	if _, err := w.Write([]byte("x")); err == nil || !strings.Contains(err.Error(), "sh: write after close") {
		t.Errorf("Write after Close = %v", err)
	}
}

// TestWriterChildFails: a child that stops reading and fails makes Write
// (or Close) return the fail function's error, and every later Close and
// Write returns it again.
func TestWriterChildFails(t *testing.T) {
	var out bytes.Buffer
	w := start(t, "echo no such key >&2; exit 3", &out)
	var err error
	for i := 0; i < 1000 && err == nil; i++ { // until the pipe breaks
		_, err = w.Write(bytes.Repeat([]byte("x"), 64<<10))
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	var ee *exec.ExitError
	if err == nil || !errors.As(err, &ee) || ee.ExitCode() != 3 || !strings.Contains(err.Error(), "no such key") {
		t.Fatalf("error %v; want the child's exit status 3 and its stderr", err)
	}
	if again := w.Close(); again == nil || again.Error() != err.Error() {
		t.Errorf("Close again = %v, want %v", again, err)
	}
	if _, again := w.Write([]byte("x")); again == nil || again.Error() != err.Error() {
		t.Errorf("Write again = %v, want %v", again, err)
	}
}
