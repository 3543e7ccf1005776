package gpgio

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/passotp/passotp/internal/testkeys"
)

// TestAgentAcceptsForwardedOptions: with a real terminal and every
// variable of gpgio.md §8.3 set, the OPTION lines gpg would send reach the
// real gpg-agent (seen in the protocol trace) and the agent accepts them
// all: the decrypt through it succeeds.
func TestAgentAcceptsForwardedOptions(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ct := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.RSA.Fpr)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	vars := map[string]string{
		"TERM": "xterm-256color", "DISPLAY": ":99", "XAUTHORITY": "/tmp/passotp-xauth",
		"PINENTRY_USER_DATA": "passotp-test", "LC_ALL": "C.UTF-8",
		"WAYLAND_DISPLAY": "wayland-9", "XDG_SESSION_TYPE": "wayland", "QT_QPA_PLATFORM": "wayland",
		"XMODIFIERS": "@im=ibus", "GTK_IM_MODULE": "ibus", "QT_IM_MODULE": "ibus",
		"DBUS_SESSION_BUS_ADDRESS": "unix:path=/tmp/passotp-bus", "INSIDE_EMACS": "29.1,vterm",
		"PINENTRY_GEOM_HINT": "1",
	}
	want := []string{
		"OPTION ttyname=" + tty.Name(), "OPTION ttytype=xterm-256color", "OPTION display=:99",
		"OPTION xauthority=/tmp/passotp-xauth", "OPTION pinentry-user-data=passotp-test",
		"OPTION lc-ctype=C.UTF-8", "OPTION lc-messages=C.UTF-8",
	}
	for _, name := range []string{"WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "QT_QPA_PLATFORM", "XMODIFIERS",
		"GTK_IM_MODULE", "QT_IM_MODULE", "DBUS_SESSION_BUS_ADDRESS", "INSIDE_EMACS", "PINENTRY_GEOM_HINT"} {
		want = append(want, "OPTION putenv="+name+"="+vars[name])
	}
	var trace bytes.Buffer
	c := openTest(t, home, NativeOnly, func(o *Options) {
		o.TTY = tty.Name()
		o.Trace = &trace
		for k, v := range vars {
			o.Env = append(o.Env, k+"="+v)
		}
	})
	c.agentOnly = true
	got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || string(got) != testEntry {
		t.Fatalf("Decrypt = %q, %v\ntrace:\n%s", got, err, trace.String())
	}
	for _, w := range want {
		if !strings.Contains(trace.String(), "-> "+w+"\nassuan: <- OK") {
			t.Errorf("trace lacks %q answered with OK:\n%s", w, trace.String())
		}
	}
	if strings.Contains(trace.String(), "<- ERR") {
		t.Errorf("the agent refused something:\n%s", trace.String())
	}
}
