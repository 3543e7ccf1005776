package testkeys

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// PinentryTerminal opens a pseudo-terminal (24x80) on which a pinentry can
// ask for the protected key's passphrase, and answers the first
// "Passphrase" prompt that shows up on it with [Passphrase]. It returns
// the terminal's name (for GPG_TTY or an OPTION ttyname) and a function
// that returns everything shown on it so far, for failure messages. The
// terminal is closed when the test ends.
func PinentryTerminal(t testing.TB) (name string, screen func() string) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() {
		tty.Close()
		ptmx.Close()
	})
	pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80})
	var mu sync.Mutex
	var shown bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		answered := false
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			shown.Write(buf[:n])
			seen := strings.Contains(shown.String(), "Passphrase")
			mu.Unlock()
			if seen && !answered {
				answered = true
				time.Sleep(100 * time.Millisecond) // let pinentry finish drawing
				io.WriteString(ptmx, Passphrase+"\r")
			}
			if err != nil {
				return
			}
		}
	}()
	return tty.Name(), func() string {
		mu.Lock()
		defer mu.Unlock()
		return shown.String()
	}
}
