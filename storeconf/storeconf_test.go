package storeconf_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/passotp/passotp/storeconf"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// gopass writes its config like this (tabs, recipients hashes beside mounts).
const sampleConfig = `[core]
	autopush = false
[mounts]
	path = ~/.password-store
[recipients]
	hash = 6466821fdeadbeef
[mounts "team"]
	path = ~/src/team-store
[mounts "team/eu"]
	path = /srv/eu
[mounts "age"]
	path = ~/.local/share/gopass/stores/age
[mounts "Nopath"]
	path =
`

func TestLoadGopass(t *testing.T) {
	home := t.TempDir()
	noSys := filepath.Join(home, "nosystem")
	tests := []struct {
		name     string
		files    map[string]string // relative to home
		env      []string          // HOME is added
		sys      string            // relative to home
		wantRoot string
		wantMnts []storeconf.Store
		wantErr  error
	}{
		{
			name:     "xdg default",
			files:    map[string]string{".config/gopass/config": sampleConfig},
			wantRoot: "$H/.password-store",
			wantMnts: []storeconf.Store{{"team/eu", "/srv/eu"}, {"Nopath", "$H/.local/share/gopass/stores/Nopath"}, {"team", "$H/src/team-store"}, {"age", "$H/.local/share/gopass/stores/age"}},
		},
		{
			name:     "XDG_CONFIG_HOME",
			files:    map[string]string{"x/gopass/config": "[mounts]\npath = /r\n[mounts \"a\"]\npath = /a\n"},
			env:      []string{"XDG_CONFIG_HOME=$H/x"},
			wantRoot: "/r",
			wantMnts: []storeconf.Store{{"a", "/a"}},
		},
		{
			name:     "GOPASS_HOMEDIR relocates config, data and ~",
			files:    map[string]string{"g/.config/gopass/config": "[mounts \"m\"]\npath = ~/m\n[mounts \"n\"]\npath =\n[mounts \"nokey\"]\n"},
			env:      []string{"GOPASS_HOMEDIR=$H/g", "XDG_CONFIG_HOME=$H/x"},
			wantRoot: "$H/g/.local/share/gopass/stores/root",
			wantMnts: []storeconf.Store{{"m", "$H/g/m"}, {"n", "$H/g/.local/share/gopass/stores/n"}},
		},
		{
			name:     "GOPASS_CONFIG absolute",
			files:    map[string]string{"elsewhere/cfg": "[mounts]\n\tpath = /root-store\n"},
			env:      []string{"GOPASS_CONFIG=$H/elsewhere/cfg"},
			wantRoot: "/root-store",
		},
		{
			name:     "GOPASS_CONFIG joined to home, as gopass does",
			files:    map[string]string{"rel/cfg": "[mounts]\n\tpath = /rel-store\n"},
			env:      []string{"GOPASS_CONFIG=rel/cfg"},
			wantRoot: "/rel-store",
		},
		{
			name:     "env layer wins, system layer fills in",
			files:    map[string]string{".config/gopass/config": "[mounts]\npath = /user\n", "sys": "[mounts]\npath = /sys\n[mounts \"s\"]\npath = /s\n"},
			env:      []string{"GOPASS_CONFIG_COUNT=1", "GOPASS_CONFIG_KEY_0=mounts.path", "GOPASS_CONFIG_VALUE_0=/env"},
			sys:      "sys",
			wantRoot: "/env",
			wantMnts: []storeconf.Store{{"s", "/s"}},
		},
		{
			name:    "GOPASS_CONFIG_NOSYSTEM",
			files:   map[string]string{"sys": "[mounts]\npath = /sys\n"},
			env:     []string{"GOPASS_CONFIG_NOSYSTEM=1"},
			sys:     "sys",
			wantErr: storeconf.ErrNoConfig,
		},
		{
			name:     "system only; root from PASSWORD_STORE_DIR",
			files:    map[string]string{"sys": "[mounts \"x\"]\npath = /x\n"},
			env:      []string{"PASSWORD_STORE_DIR=/pw"},
			sys:      "sys",
			wantRoot: "/pw",
			wantMnts: []storeconf.Store{{"x", "/x"}},
		},
		{
			name:    "broken file skipped like gopass",
			files:   map[string]string{".config/gopass/config": "[mounts\npath = /x\n"},
			wantErr: storeconf.ErrNoConfig,
		},
		{
			name:    "nothing",
			wantErr: storeconf.ErrNoConfig,
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := filepath.Join(home, string(rune('a'+i)))
			sub := func(s string) string { return strings.ReplaceAll(s, "$H", h) }
			for f, data := range tt.files {
				write(t, filepath.Join(h, f), data)
			}
			env := []string{"HOME=" + h}
			for _, e := range tt.env {
				env = append(env, sub(e))
			}
			sys := noSys
			if tt.sys != "" {
				sys = filepath.Join(h, tt.sys)
			}
			c, err := storeconf.LoadGopass(storeconf.Options{Env: env, SystemConfig: sys})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c.Root.Dir, sub(tt.wantRoot); got != want {
				t.Errorf("root = %q, want %q", got, want)
			}
			var want []storeconf.Store
			for _, m := range tt.wantMnts {
				want = append(want, storeconf.Store{Mount: m.Mount, Dir: sub(m.Dir)})
			}
			if !reflect.DeepEqual(c.Mounts, want) {
				t.Errorf("mounts = %q\nwant     %q", c.Mounts, want)
			}
		})
	}
}

func TestDefaultRootPrefersPasswordStore(t *testing.T) {
	h := t.TempDir()
	write(t, filepath.Join(h, ".config/gopass/config"), "[mounts \"a\"]\npath = /a\n")
	opts := storeconf.Options{Env: []string{"HOME=" + h}, SystemConfig: filepath.Join(h, "none")}
	c, err := storeconf.LoadGopass(opts)
	if err != nil || c.Root.Dir != filepath.Join(h, ".local/share/gopass/stores/root") {
		t.Fatalf("root = %v, %v", c, err)
	}
	if err := os.Mkdir(filepath.Join(h, ".password-store"), 0o700); err != nil {
		t.Fatal(err)
	}
	if c, _ = storeconf.LoadGopass(opts); c.Root.Dir != filepath.Join(h, ".password-store") {
		t.Errorf("root = %q, want ~/.password-store once it exists", c.Root.Dir)
	}
	if !storeconf.GopassEnabled(opts) {
		t.Errorf("GopassEnabled = false with a config")
	}
	opts.Env = append(opts.Env, "PASSWORD_STORE_DIR=/x")
	if storeconf.GopassEnabled(opts) {
		t.Errorf("GopassEnabled = true with PASSWORD_STORE_DIR")
	}
}

func TestResolve(t *testing.T) {
	d := t.TempDir()
	root, team, eu, ag := filepath.Join(d, "root"), filepath.Join(d, "team"), filepath.Join(d, "eu"), filepath.Join(d, "age")
	write(t, filepath.Join(root, ".gpg-id"), "0x4DE0461C409E5236\n")
	write(t, filepath.Join(team, ".gpg-id"), "x\n")
	write(t, filepath.Join(ag, ".age-recipients"), "age1x\n")
	c := &storeconf.Config{
		Root:   storeconf.Store{Dir: root},
		Mounts: []storeconf.Store{{"team/eu", eu}, {"team", team}, {"age", ag}},
	}
	tests := []struct {
		name, mount, dir, inner string
		backend                 storeconf.Backend
	}{
		{"foo", "", root, "foo", storeconf.GPG},
		{"team/aws/alice", "team", team, "aws/alice", storeconf.GPG},
		{"team", "team", team, "", storeconf.GPG},
		{"team/", "team", team, "", storeconf.GPG},
		{"teamx/foo", "", root, "teamx/foo", storeconf.GPG},
		{"team/eu/bob", "team/eu", eu, "bob", storeconf.GPG},
		{"team/euro/bob", "team", team, "euro/bob", storeconf.GPG},
		{"age/x", "age", ag, "x", storeconf.Age},
		{"arn:aws:iam::1:mfa/alice", "", root, "arn:aws:iam::1:mfa/alice", storeconf.GPG},
	}
	for _, tt := range tests {
		l := c.Resolve(tt.name)
		if l.Store.Mount != tt.mount || l.Store.Dir != tt.dir || l.Name != tt.inner || l.Backend != tt.backend {
			t.Errorf("Resolve(%q) = %+v; want mount %q dir %q name %q %v", tt.name, l, tt.mount, tt.dir, tt.inner, tt.backend)
		}
	}
	if got := c.Resolve("age/x").Backend.Ext(); got != ".age" {
		t.Errorf("age ext = %q", got)
	}
}

func TestDetectBackendGPGFirst(t *testing.T) {
	d := t.TempDir()
	write(t, filepath.Join(d, ".age-recipients"), "age1x\n")
	if b := storeconf.DetectBackend(d); b != storeconf.Age {
		t.Errorf("only .age-recipients: %v", b)
	}
	write(t, filepath.Join(d, ".gpg-id"), "x\n")
	if b := storeconf.DetectBackend(d); b != storeconf.GPG {
		t.Errorf("both files: %v, want gpg (tried first)", b)
	}
}

func TestPassage(t *testing.T) {
	h := t.TempDir()
	p, err := storeconf.LoadPassage(storeconf.Options{Env: []string{"HOME=" + h}})
	if err != nil || p.Dir != filepath.Join(h, ".passage/store") || p.IdentitiesFile != filepath.Join(h, ".passage/identities") {
		t.Fatalf("defaults = %+v, %v", p, err)
	}
	if r, err := p.Recipients(); r != nil || err != nil {
		t.Errorf("Recipients without overrides = %q, %v", r, err)
	}
	rf := filepath.Join(h, "rcp")
	write(t, rf, "# team\nage1aaa\n\nssh-ed25519 AAAA bob\n")
	env := []string{"HOME=" + h, "PASSAGE_DIR=/s", "PASSAGE_IDENTITIES_FILE=/i", "PASSAGE_RECIPIENTS=age1x age1y", "PASSAGE_RECIPIENTS_FILE=" + rf}
	p, err = storeconf.LoadPassage(storeconf.Options{Env: env})
	if err != nil || p.Dir != "/s" || p.IdentitiesFile != "/i" {
		t.Fatalf("from env = %+v, %v", p, err)
	}
	if r, err := p.Recipients(); err != nil || !reflect.DeepEqual(r, []string{"age1aaa", "ssh-ed25519 AAAA bob"}) {
		t.Errorf("file recipients = %q, %v", r, err)
	}
	p.RecipientsFile = ""
	if r, _ := p.Recipients(); !reflect.DeepEqual(r, []string{"age1x", "age1y"}) {
		t.Errorf("env recipients = %q", r)
	}
	if !storeconf.PassageEnabled(storeconf.Options{Env: env}) || storeconf.PassageEnabled(storeconf.Options{Env: []string{"HOME=/h"}}) {
		t.Errorf("PassageEnabled wrong")
	}
	if _, err := storeconf.LoadPassage(storeconf.Options{}); err == nil {
		t.Errorf("LoadPassage without HOME: no error")
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(sampleConfig))
	f.Add([]byte("[mounts]\npath = \"~/x\" ; comment\n"))
	f.Add([]byte("[a \"b\\\"c\"]\nk\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := storeconf.ParseConfig(data)
		if err != nil && m != nil {
			t.Fatalf("error with a value")
		}
	})
}

// FuzzResolve: resolution never panics, the chosen mount prefixes the name
// at a slash boundary, the longest such mount wins, and mount + "/" +
// inner name gives the name back.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"team/aws/alice", "team", "team/", "teamx/a", "team/eu/bob", "a//b", "/x", ""} {
		f.Add(s)
	}
	c := &storeconf.Config{
		Root:   storeconf.Store{Dir: "/nonexistent/root"},
		Mounts: []storeconf.Store{{Mount: "team/eu", Dir: "/nonexistent/eu"}, {Mount: "team", Dir: "/nonexistent/team"}, {Mount: "a", Dir: "/nonexistent/a"}},
	}
	f.Fuzz(func(t *testing.T, name string) {
		l := c.Resolve(name)
		n := strings.TrimSuffix(name, "/")
		if l.Store.Mount == "" {
			if l.Name != n || l.Store.Dir != c.Root.Dir {
				t.Fatalf("root resolution of %q = %+v", name, l)
			}
			for _, m := range c.Mounts {
				if strings.HasPrefix(n+"/", m.Mount+"/") {
					t.Fatalf("%q matches mount %q but went to the root", name, m.Mount)
				}
			}
			return
		}
		if !strings.HasPrefix(n+"/", l.Store.Mount+"/") {
			t.Fatalf("%q resolved to mount %q", name, l.Store.Mount)
		}
		back := l.Store.Mount
		if l.Name != "" {
			back += "/" + l.Name
		}
		if back != n && !(l.Name == "" && n == l.Store.Mount+"/") {
			t.Fatalf("%q -> %q + %q", name, l.Store.Mount, l.Name)
		}
		for _, m := range c.Mounts {
			if len(m.Mount) > len(l.Store.Mount) && strings.HasPrefix(n+"/", m.Mount+"/") {
				t.Fatalf("%q: %q chosen over the longer %q", name, l.Store.Mount, m.Mount)
			}
		}
	})
}
