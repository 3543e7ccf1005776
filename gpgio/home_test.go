package gpgio

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

func TestZB32(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		// Vectors from the z-base-32 specification (whole bytes).
		{"\x00", "yy"},
		{"\xf0\xbf\xc7", "6n9hq"},
		{"\xd4\x7a\x04", "4t7ye"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := zb32([]byte(tt.in)); got != tt.want {
			t.Errorf("zb32(%x) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHomeHash(t *testing.T) {
	// Reference values from `GNUPGHOME=... gpgconf --list-dirs agent-socket`
	// (gpg 2.2.40) run with a /run/user/0 directory.
	tests := []struct{ home, want string }{
		{"/tmp/pokXYZ", "awsjakpfsdk5tn8b4cirjgkh"},
	}
	for _, tt := range tests {
		if got := homeHash(tt.home); got != tt.want {
			t.Errorf("homeHash(%q) = %q, want %q", tt.home, got, tt.want)
		}
	}
}

func gpgconfSocket(t *testing.T, env []string, item string) string {
	t.Helper()
	cmd := exec.Command("gpgconf", "--list-dirs", item)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gpgconf: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestSocketPathMatchesGpgconf(t *testing.T) {
	testkeys.RequireGPG(t)
	fakeHOME := t.TempDir()
	nonDefault := testkeys.Home(t)
	path := os.Getenv("PATH")
	tests := []struct {
		name string
		env  []string
		opt  string // Options.Home
	}{
		{"non-default GNUPGHOME", []string{"PATH=" + path, "HOME=" + fakeHOME, "GNUPGHOME=" + nonDefault}, ""},
		{"trailing slash", []string{"PATH=" + path, "HOME=" + fakeHOME, "GNUPGHOME=" + nonDefault + "/"}, ""},
		{"default home", []string{"PATH=" + path, "HOME=" + fakeHOME}, ""},
		{"GNUPGHOME is the default", []string{"PATH=" + path, "HOME=" + fakeHOME, "GNUPGHOME=" + fakeHOME + "/.gnupg"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := newHome(tt.opt, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []struct{ sock, item string }{{"S.gpg-agent", "agent-socket"}, {"S.keyboxd", "keyboxd-socket"}} {
				if s.sock == "S.keyboxd" {
					continue // gpgconf 2.2 has no keyboxd-socket
				}
				got, err := h.socketPath(s.sock)
				if err != nil {
					t.Fatal(err)
				}
				if want := gpgconfSocket(t, tt.env, s.item); got != want {
					t.Errorf("socketPath(%s) = %q, gpgconf says %q", s.sock, got, want)
				}
			}
		})
	}
}

// TestSocketDirRunUser checks the /run/user logic with an injected base.
func TestSocketDirRunUser(t *testing.T) {
	base := filepath.Join(t.TempDir(), "run", "user", strconv.Itoa(os.Getuid()))
	if err := os.MkdirAll(base, 0o700); err != nil {
		t.Fatal(err)
	}
	fakeHOME := t.TempDir()
	tests := []struct {
		name  string
		home  string
		setup func(t *testing.T)
		want  string
	}{
		{"default home", fakeHOME + "/.gnupg", nil, base + "/gnupg"},
		{"non-default home", "/tmp/pokXYZ", nil, base + "/gnupg/d.awsjakpfsdk5tn8b4cirjgkh"},
		{"gnupg dir with group bits", "/tmp/pokXYZ", func(t *testing.T) {
			os.MkdirAll(base+"/gnupg", 0o700)
			os.Chmod(base+"/gnupg", 0o750)
		}, "/tmp/pokXYZ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
			}
			h, err := newHome(tt.home, []string{"HOME=" + fakeHOME})
			if err != nil {
				t.Fatal(err)
			}
			h.runBases = []string{filepath.Join(base, "missing"), base}
			if got := h.socketDir(); got != tt.want {
				t.Errorf("socketDir = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSocketDirRunUserLive compares with gpgconf in a private mount
// namespace that has a /run/user/UID directory (root only; skipped where
// unshare is not permitted, since that is a privilege, not a tool).
func TestSocketDirRunUserLive(t *testing.T) {
	testkeys.RequireGPG(t)
	if os.Getuid() != 0 {
		t.Skip("needs root for a private mount namespace")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare not installed")
	}
	home := "/tmp/pokLiveHash"
	script := `mount -t tmpfs none /run && mkdir -p /run/user/0 && chmod 700 /run/user/0 && gpgconf --list-dirs agent-socket`
	cmd := exec.Command("unshare", "--mount", "sh", "-c", script)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "GNUPGHOME=" + home, "HOME=/nonexistent"}
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("unshare not permitted here: %v", err)
	}
	want := strings.TrimSpace(string(out))
	h, err := newHome(home, []string{"HOME=/nonexistent"})
	if err != nil {
		t.Fatal(err)
	}
	h.runBases = []string{t.TempDir()} // an empty, private base standing for /run/user/0
	got := filepath.Join(h.socketDir(), "S.gpg-agent")
	got = "/run/user/0" + strings.TrimPrefix(got, h.runBases[0])
	if got != want {
		t.Errorf("socket = %q, gpgconf in a namespace says %q", got, want)
	}
}

func TestRedirectFile(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string
		ok   bool
	}{
		{"plain", "%Assuan%\nsocket=/tmp/sock\n", "/tmp/sock", true},
		{"variable", "%Assuan%\nsocket=${XDG}/S.gpg-agent\n", "/x/y/S.gpg-agent", true},
		{"no newline", "%Assuan%\nsocket=/tmp/sock", "", false},
		{"bad magic", "%assuan%\nsocket=/tmp/sock\n", "", false},
		{"empty", "%Assuan%\nsocket=\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRedirect([]byte(tt.file), []string{"XDG=/x/y"})
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseRedirect = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "S.gpg-agent"), []byte("%Assuan%\nsocket=/elsewhere/S\n"), 0o600)
	h := &home{dir: dir, sockDir: dir}
	if got, err := h.socketPath("S.gpg-agent"); err != nil || got != "/elsewhere/S" {
		t.Errorf("socketPath with redirect = %q, %v", got, err)
	}
}

func TestConfFlags(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "common.conf"), []byte("# comment\n  use-keyboxd\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "gpg.conf"), []byte("armor\ngroup friends = alice@x bob@y\ngroup  team=0xDEAD\n#keyring foo\n"), 0o600)
	h, err := newHome(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !h.useKeyboxd() || h.keyringOptions() {
		t.Errorf("useKeyboxd = %v, keyringOptions = %v", h.useKeyboxd(), h.keyringOptions())
	}
	if g := h.groups(); len(g) != 2 || !g["friends"] || !g["team"] {
		t.Errorf("groups = %v", g)
	}
	for _, line := range []string{"keyring /x/pub.gpg", "primary-keyring x", "no-default-keyring"} {
		os.WriteFile(filepath.Join(dir, "gpg.conf"), []byte(line+"\n"), 0o600)
		h, _ := newHome(dir, nil)
		if !h.keyringOptions() {
			t.Errorf("%q: keyringOptions = false", line)
		}
	}
}

func TestHomeLocation(t *testing.T) {
	wd, _ := os.Getwd()
	tests := []struct {
		name, opt string
		env       []string
		want      string
		def       bool
	}{
		{"option wins", "/a/b", []string{"GNUPGHOME=/c", "HOME=/h"}, "/a/b", false},
		{"GNUPGHOME", "", []string{"GNUPGHOME=/c//", "HOME=/h"}, "/c", false},
		{"HOME", "", []string{"HOME=/h"}, "/h/.gnupg", true},
		{"relative", "rel/g", []string{"HOME=/h"}, wd + "/rel/g", false},
		{"explicit default", "/h/.gnupg", []string{"HOME=/h"}, "/h/.gnupg", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := newHome(tt.opt, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if h.dir != tt.want || h.defaultHome != tt.def {
				t.Errorf("home = %q default %v, want %q default %v", h.dir, h.defaultHome, tt.want, tt.def)
			}
		})
	}
}
