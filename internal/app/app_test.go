package app

import (
	"bytes"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// keepUmask restores the process umask, which Main sets from
// PASSWORD_STORE_UMASK, when the test ends.
func keepUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	syscall.Umask(old)
	t.Cleanup(func() { syscall.Umask(old) })
}

// TestModes checks compat §3: how argv[0] and argv[1] choose the mode and
// the D and G prefixes (seen in help's first synopsis and getopt errors).
func TestModes(t *testing.T) {
	keepUmask(t)
	tests := []struct {
		name     string
		argv     []string
		synopsis string // help's first synopsis line, trimmed
		getoptG  string // prefix of the error for -x
	}{
		{"direct", []string{"passotp", "help"}, "passotp [code]", "passotp: "},
		{"direct by path", []string{"/usr/local/bin/passotp", "help"}, "passotp [code]", "passotp: "},
		{"pass symlink", []string{"/home/u/bin/pass", "otp", "help"}, "pass otp [code]", "pass: "},
		{"shim exec -a", []string{"pass", "otp", "help"}, "pass otp [code]", "pass: "},
		{"other name with otp", []string{"gpass", "otp", "help"}, "gpass otp [code]", "gpass: "},
		{"other name direct", []string{"otp-code", "help"}, "otp-code [code]", "otp-code: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			env := []string{"HOME=/nonexistent", "PASSWORD_STORE_DIR=/nonexistent/store"}
			if st := Main(tt.argv, nil, &stdout, &stderr, env); st != 0 {
				t.Fatalf("help exited %d: %s", st, stderr.String())
			}
			lines := strings.Split(stdout.String(), "\n")
			if len(lines) < 3 || !strings.HasPrefix(strings.TrimSpace(lines[2]), tt.synopsis) {
				t.Errorf("help synopsis %q, want prefix %q", lines[2], tt.synopsis)
			}
			stdout.Reset()
			argv := slices.Clone(tt.argv)
			argv[len(argv)-1] = "-x"
			if st := Main(argv, nil, &stdout, &stderr, env); st != 1 {
				t.Errorf("-x exited %d, want 1", st)
			}
			if !strings.HasPrefix(stderr.String(), tt.getoptG+"invalid option -- 'x'\n") {
				t.Errorf("-x: stderr %q, want prefix %q", stderr.String(), tt.getoptG)
			}
			if stdout.Len() > 0 {
				t.Errorf("-x: stdout %q", stdout.String())
			}
		})
	}
}

// TestChildEnv checks the environment children get (compat §1, §2).
func TestChildEnv(t *testing.T) {
	a := &App{Environ: []string{
		"PATH=/bin", "GIT_DIR=/x", "GIT_WORK_TREE=/y", "GIT_INDEX_FILE=i", "GIT_CEILING_DIRECTORIES=/old",
		"GIT_AUTHOR_NAME=A", "GPG_TTY=", "HOME=/h",
	}, Prefix: "/h/.password-store"}
	a.env = map[string]string{"GPG_TTY": ""}
	a.Getenv = func(k string) string { return a.env[k] }
	got := a.ChildEnv()
	want := []string{"PATH=/bin", "GIT_AUTHOR_NAME=A", "HOME=/h",
		"GIT_CEILING_DIRECTORIES=/h/.password-store/..", "GPG_TTY=not a tty"}
	if !slices.Equal(got, want) {
		t.Errorf("ChildEnv() = %q\nwant %q", got, want)
	}
}

// TestSetupEnvironment checks PREFIX, CLIP_TIME and the state directory
// defaults (compat §2, issue 7).
func TestSetupEnvironment(t *testing.T) {
	keepUmask(t)
	tests := []struct {
		env                   []string
		prefix, clip, stateIn string
	}{
		{[]string{"HOME=/h"}, "/h/.password-store", "45", "/h/.local/state/passotp"},
		{[]string{"HOME=/h", "PASSWORD_STORE_DIR=", "PASSWORD_STORE_CLIP_TIME="}, "/h/.password-store", "45", "/h/.local/state/passotp"},
		{[]string{"HOME=/h", "PASSWORD_STORE_DIR=rel//dir/", "PASSWORD_STORE_CLIP_TIME=10", "XDG_STATE_HOME=/s"}, "rel//dir/", "10", "/s/passotp"},
		{[]string{"HOME=/h", "XDG_STATE_HOME=relative"}, "/h/.password-store", "45", "/h/.local/state/passotp"},
	}
	for _, tt := range tests {
		a := &App{Environ: tt.env, env: map[string]string{}}
		for _, kv := range tt.env {
			k, v, _ := strings.Cut(kv, "=")
			a.env[k] = v
		}
		a.Getenv = func(k string) string { return a.env[k] }
		if err := a.setup(); err != nil {
			t.Fatalf("setup(%q): %v", tt.env, err)
		}
		if a.Prefix != tt.prefix || a.clipTime() != tt.clip || a.stateDir() != tt.stateIn {
			t.Errorf("env %q: prefix %q clip %q state %q, want %q %q %q", tt.env, a.Prefix, a.clipTime(), a.stateDir(), tt.prefix, tt.clip, tt.stateIn)
		}
	}
}

func TestParseBool(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "No": false, "1": true, "TRUE": true, "yes": true, "on": true} {
		if got, ok := parseBool(v); !ok || got != want {
			t.Errorf("parseBool(%q) = %v, %v", v, got, ok)
		}
	}
	if _, ok := parseBool("maybe"); ok {
		t.Errorf("parseBool(maybe) accepted")
	}
}
