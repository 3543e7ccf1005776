package gpgio

import (
	"context"
	"strings"
	"testing"

	"github.com/creack/pty"
)

func TestAgentOptions(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	env := []string{"TERM=xterm-256color", "DISPLAY=:1", "LANG=C.UTF-8", "LC_MESSAGES=de_DE.UTF-8",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/bus", "XAUTHORITY=", "INSIDE_EMACS=29.1,vterm"}
	tests := []struct {
		name       string
		tty        string
		passphrase bool
		want       []string
	}{
		{"real terminal", tty.Name(), false, []string{
			"ttyname=" + tty.Name(), "ttytype=xterm-256color", "display=:1", "lc-ctype=C.UTF-8", "lc-messages=de_DE.UTF-8",
			"putenv=DBUS_SESSION_BUS_ADDRESS=unix:path=/run/bus", "putenv=INSIDE_EMACS=29.1,vterm"}},
		{"not a tty", "not a tty", false, []string{
			"ttytype=xterm-256color", "display=:1", "putenv=DBUS_SESSION_BUS_ADDRESS=unix:path=/run/bus", "putenv=INSIDE_EMACS=29.1,vterm"}},
		{"dev null", "/dev/null", true, []string{
			"ttytype=xterm-256color", "display=:1", "putenv=DBUS_SESSION_BUS_ADDRESS=unix:path=/run/bus", "putenv=INSIDE_EMACS=29.1,vterm", "pinentry-mode=loopback"}},
		{"none", "", false, []string{
			"ttytype=xterm-256color", "display=:1", "putenv=DBUS_SESSION_BUS_ADDRESS=unix:path=/run/bus", "putenv=INSIDE_EMACS=29.1,vterm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{TTY: tt.tty, Env: env}
			if tt.passphrase {
				o.Passphrase = func(context.Context, string) ([]byte, error) { return nil, nil }
			}
			c, _ := Open(o)
			got := c.agentOptions()
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("agentOptions =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	for _, tt := range []struct {
		name string
		want bool
	}{{tty.Name(), true}, {"/dev/null", false}, {"/dev/zero", false}, {"not a tty", false}, {"", false}, {"/etc/passwd", false}} {
		if got := isTerminal(tt.name); got != tt.want {
			t.Errorf("isTerminal(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCanPrompt(t *testing.T) {
	const grip = "961FF04BF75DDB3B4EFEA82107C5A647FEECF166"
	locked := "S KEYINFO " + grip + " D - - - P - - -\nOK\n"
	tests := []struct {
		name  string
		env   []string
		steps []step
		want  bool
	}{
		{"cached", nil, []step{{"KEYINFO " + grip, "S KEYINFO " + grip + " D - - 1 P - - -\nOK\n"}}, true},
		{"unprotected", nil, []step{{"KEYINFO " + grip, "S KEYINFO " + grip + " D - - - C - - -\nOK\n"}}, true},
		{"smartcard", nil, []step{{"KEYINFO " + grip, "S KEYINFO " + grip + " T D2760001240102 OPENPGP.2 - - - - -\nOK\n"}}, true},
		{"our display", []string{"DISPLAY=:0"}, []step{{"KEYINFO " + grip, locked}}, true},
		{"agent display", nil, []step{
			{"KEYINFO " + grip, locked},
			{"GETINFO std_session_env", "D TERM=xterm%00\nOK\n"},
			{"GETINFO std_startup_env", "D TERM=xterm%00\nD DISPLAY=:7%00\nOK\n"}}, true},
		{"nowhere to ask", nil, []step{
			{"KEYINFO " + grip, locked},
			{"GETINFO std_session_env", "D GPG_TTY=not a tty\x00\nD TERM=xterm\x00\nOK\n"},
			{"GETINFO std_startup_env", "D GPG_TTY=/dev/null\x00\nOK\n"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, errc := fakeServer(t, tt.steps)
			c, _ := Open(Options{Env: tt.env})
			got, err := c.canPrompt(context.Background(), a, grip)
			if err != nil || got != tt.want {
				t.Errorf("canPrompt = %v, %v; want %v", got, err, tt.want)
			}
			a.conn.Close()
			if err := <-errc; err != nil {
				t.Error(err)
			}
		})
	}
}
