package gpgio

import (
	"bytes"
	"context"
	"testing"
	"time"

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
	tty, screen := testkeys.PinentryTerminal(t) // answers the prompt once it shows up

	c := openTest(t, home, NativeOnly, func(o *Options) {
		o.TTY = tty
		o.Env = append(o.Env, "TERM=xterm")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard, not a timing check
	defer cancel()
	got, err := c.Decrypt(ctx, bytes.NewReader(ct))
	if err != nil || string(got) != testEntry {
		t.Fatalf("Decrypt = %q, %v; terminal showed %q", got, err, screen())
	}
}
