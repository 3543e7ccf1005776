package gpgio

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/passotp/passotp/internal/testkeys"
)

// TestPinentryOnOurTerminal: with Options.TTY naming a real terminal and
// nothing cached, the agent's pinentry-curses asks on that terminal (the
// OPTION ttyname/ttytype forwarding of §8.3), and typing the passphrase
// there decrypts the entry.
func TestPinentryOnOurTerminal(t *testing.T) {
	testkeys.RequireGPG(t)
	testkeys.Require(t, "pinentry-curses")
	home := testkeys.Home(t)
	ct := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.Protected.Fpr)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80})

	// Answer the prompt once it shows up on the terminal.
	var mu sync.Mutex
	var screen bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		answered := false
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			seen := strings.Contains(screen.String(), "Passphrase")
			mu.Unlock()
			if seen && !answered {
				answered = true
				time.Sleep(100 * time.Millisecond) // let pinentry finish drawing
				io.WriteString(ptmx, testkeys.Passphrase+"\r")
			}
			if err != nil {
				return
			}
		}
	}()

	c := openTest(t, home, NativeOnly, func(o *Options) {
		o.TTY = tty.Name()
		o.Env = append(o.Env, "TERM=xterm")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard, not a timing check
	defer cancel()
	got, err := c.Decrypt(ctx, bytes.NewReader(ct))
	if err != nil || string(got) != testEntry {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("Decrypt = %q, %v; terminal showed %q", got, err, screen.String())
	}
}
