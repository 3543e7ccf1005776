// Package child owns what gpgio and ageio share about the helper programs
// they fall back to (gpg, age): the capped buffer that keeps a child's
// stderr for the error, and the writer that streams plaintext into a
// running child and waits for it. It imports nothing of the module.
package child

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"sync"
)

// MaxStderr is how much of a child's stderr is kept for its error.
const MaxStderr = 64 << 10

// CappedBuffer keeps the first Max bytes written to it and discards the
// rest without failing the writer, so the child never sees EPIPE on its
// stderr. It is safe for concurrent use.
type CappedBuffer struct {
	Max int
	mu  sync.Mutex
	buf bytes.Buffer
}

// NewStderr returns a CappedBuffer of MaxStderr bytes.
func NewStderr() *CappedBuffer { return &CappedBuffer{Max: MaxStderr} }

func (b *CappedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.Max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// Bytes returns a copy of what was kept.
func (b *CappedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// Writer is the input side of a started command: Write feeds its stdin,
// Close ends the input and waits for it. A failed Wait goes through the
// fail function given to [NewWriter]; Close returns that result on every
// call, and a Write that finds the child gone (it stopped reading) closes
// and returns it too, since the exit status says why.
type Writer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	fail  func(waitErr error) error
	what  string
	done  bool
	err   error
}

// NewWriter returns the Writer of cmd, started, whose stdin pipe is stdin.
// what names the program in "write after close" errors.
func NewWriter(cmd *exec.Cmd, stdin io.WriteCloser, what string, fail func(waitErr error) error) *Writer {
	return &Writer{cmd: cmd, stdin: stdin, fail: fail, what: what}
}

func (w *Writer) Write(p []byte) (int, error) {
	if w.done {
		if w.err != nil {
			return 0, w.err
		}
		return 0, errors.New(w.what + ": write after close")
	}
	n, err := w.stdin.Write(p)
	if err != nil {
		if cerr := w.Close(); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

// Close ends the input and waits for the child.
func (w *Writer) Close() error {
	if w.done {
		return w.err
	}
	w.done = true
	w.stdin.Close()
	if err := w.cmd.Wait(); err != nil {
		w.err = w.fail(err)
	}
	return w.err
}
