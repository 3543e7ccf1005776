package storeconf_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/passotp/passotp/storeconf"
)

// gopass's config names the root store and the mounts; the longest mount
// point that prefixes a name wins.
func ExampleConfig_Resolve() {
	home, _ := os.MkdirTemp("", "storeconf-example")
	defer os.RemoveAll(home)
	cfg := "[mounts]\n\tpath = ~/root\n[mounts \"team\"]\n\tpath = ~/team\n[mounts \"team/eu\"]\n\tpath = ~/eu\n"
	os.MkdirAll(filepath.Join(home, ".config", "gopass"), 0o700)
	os.WriteFile(filepath.Join(home, ".config", "gopass", "config"), []byte(cfg), 0o600)

	c, err := storeconf.LoadGopass(storeconf.Options{Env: []string{"HOME=" + home}, SystemConfig: "/nonexistent"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"team/aws/alice", "team/eu/bob", "teamx/carol"} {
		l := c.Resolve(name)
		rel, _ := filepath.Rel(home, l.Store.Dir)
		fmt.Printf("%s -> ~/%s: %s (%s)\n", name, rel, l.Name, l.Backend)
	}
	// Output:
	// team/aws/alice -> ~/team: aws/alice (gpg)
	// team/eu/bob -> ~/eu: bob (gpg)
	// teamx/carol -> ~/root: teamx/carol (gpg)
}
