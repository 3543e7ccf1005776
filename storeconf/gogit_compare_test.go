package storeconf_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	gogitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/passotp/passotp/storeconf"
)

// goGitParse is what ParseConfig did before internal/gitconfig replaced
// go-git's decoder (kept in the test only, to prove the same results).
func goGitParse(data []byte) (map[string]string, error) {
	cfg := gogitconfig.New()
	if err := gogitconfig.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, s := range cfg.Sections {
		sec := strings.ToLower(s.Name)
		for _, o := range s.Options {
			out[sec+"."+strings.ToLower(o.Key)] = o.Value
		}
		for _, ss := range s.Subsections {
			for _, o := range ss.Options {
				out[sec+"."+ss.Name+"."+strings.ToLower(o.Key)] = o.Value
			}
		}
	}
	return out, nil
}

// TestParseConfigLikeGoGit: on gopass configurations both parsers read the
// same keys; where go-git's decoder departed from git, ParseConfig now
// reads what git reads (internal/gitconfig checks that against git).
func TestParseConfigLikeGoGit(t *testing.T) {
	t.Parallel()
	same := []string{
		sampleConfig,
		"[mounts]\npath = \"~/x\" ; comment\n",
		"[a \"b\\\"c\"]\nk\n",
		"[Mounts \"Team\"]\n\tPath = \"/srv/with space\" # c\n[core]\n\tautosync = true\n\tnotifications\n",
		"# gopass\n\n[mounts]\n    path = /a\n[mounts]\n    path = /b\n[mounts \"x\"]\npath=/x\\\\y\n",
		"[age]\n\tusekeychain = false\n[generate]\n\tlength = 24\n[mounts \"a/b/c\"]\n\tpath = ~/s;x\n",
	}
	for _, in := range same {
		want, err := goGitParse([]byte(in))
		if err != nil {
			t.Fatalf("go-git: %q: %v", in, err)
		}
		got, err := storeconf.ParseConfig([]byte(in))
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ParseConfig(%q) = %v, %v; go-git decoder %v", in, got, err, want)
		}
	}
	departures := []struct {
		in, want string
	}{
		{"[mounts.team]\npath=/t\n", "map[mounts.team.path:/t]"}, // go-git: illegal character '.'
		{"path=/p\n", "map[path:/p]"},                            // go-git: expected section header
		{"[mounts]\npath = /a\tb\n", "map[mounts.path:/a b]"},    // go-git keeps the tab; git 2.39 writes a space
	}
	for _, d := range departures {
		got, err := storeconf.ParseConfig([]byte(d.in))
		if err != nil || fmt.Sprint(got) != d.want {
			t.Errorf("ParseConfig(%q) = %v, %v; want %s", d.in, got, err, d.want)
		}
	}
	if _, err := storeconf.ParseConfig([]byte("[mounts \"x\"]\npath = \"open\n")); err == nil || err.Error() != "bad config line 2" {
		t.Errorf("malformed: %v, want bad config line 2", err)
	}
}
