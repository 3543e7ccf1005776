package storeconf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/passotp/passotp/internal/gitconfig"
)

// DefaultSystemConfig is gopass's system configuration file.
const DefaultSystemConfig = "/etc/gopass/config"

// ErrNoConfig means no gopass configuration exists (no per-user file, no
// system file, nothing in the environment).
var ErrNoConfig = errors.New("no gopass configuration")

// ConfigError reports a configuration file that cannot be parsed.
type ConfigError struct {
	File string
	Err  error
}

func (e *ConfigError) Error() string { return fmt.Sprintf("gopass config %s: %v", e.File, e.Err) }

func (e *ConfigError) Unwrap() error { return e.Err }

// Backend is the encryption a store uses.
type Backend int

// The back ends.
const (
	GPG Backend = iota // .gpg entries, .gpg-id recipients
	Age                // .age entries, .age-recipients recipients
)

func (b Backend) String() string {
	if b == Age {
		return "age"
	}
	return "gpg"
}

// Ext is the entry file extension of the back end.
func (b Backend) Ext() string {
	if b == Age {
		return ".age"
	}
	return ".gpg"
}

// RecipientsFile is the per-directory recipients file of the back end.
func (b Backend) RecipientsFile() string {
	if b == Age {
		return ".age-recipients"
	}
	return ".gpg-id"
}

// Store is one store of a gopass configuration.
type Store struct {
	Mount string // mount point, "" for the root store
	Dir   string // store directory (~ expanded, cleaned)
}

// Config is a gopass configuration: the root store and its mounts.
type Config struct {
	Files  []string // the configuration files read, most important first
	Root   Store
	Mounts []Store // sorted by mount point, longest first, then by name
}

// Location says where an entry lives.
type Location struct {
	Store   Store
	Name    string  // the entry name inside Store.Dir
	Backend Backend // by the store's recipients file
}

// layer is one configuration source as flat keys: "mounts.path",
// "mounts.NAME.path" (section and key lower-cased, subsection as written).
type layer map[string]string

// ParseConfig parses git-config syntax into flat "section.key" and
// "section.subsection.key" keys; the last assignment of a key wins, and a
// key written without "=" has the value "". Section and key names are
// case-insensitive (lower-cased), subsection names are kept as written.
// A malformed file gives a *[gitconfig.SyntaxError] ("bad config line N").
func ParseConfig(data []byte) (map[string]string, error) {
	out := map[string]string{}
	err := gitconfig.Parse(data, func(e gitconfig.Entry) error {
		out[e.Name()] = e.Value
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// envLayer reads GOPASS_CONFIG_COUNT/KEY_n/VALUE_n as gopass does: any
// missing pair voids the whole layer.
func envLayer(env []string) layer {
	n, err := strconv.Atoi(lookup(env, "GOPASS_CONFIG_COUNT"))
	if err != nil || n < 1 || n > 1000 {
		return nil
	}
	l := layer{}
	for i := 0; i < n; i++ {
		k := lookup(env, "GOPASS_CONFIG_KEY_"+strconv.Itoa(i))
		v, ok := lookupOK(env, "GOPASS_CONFIG_VALUE_"+strconv.Itoa(i))
		if k == "" || !ok {
			return nil
		}
		l[normalizeKey(k)] = v
	}
	return l
}

func lookupOK(env []string, name string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// normalizeKey lower-cases the section and key of a dotted key, keeping
// the subsection.
func normalizeKey(k string) string {
	first := strings.IndexByte(k, '.')
	last := strings.LastIndexByte(k, '.')
	if first < 0 {
		return strings.ToLower(k)
	}
	return strings.ToLower(k[:first]) + k[first:last] + strings.ToLower(k[last:])
}

// UserConfigFiles returns the candidate per-user config files, in gopass's
// order; the first that exists is used.
func UserConfigFiles(env []string) []string {
	var files []string
	if d := gopassConfigDir(env); d != "" {
		files = append(files, filepath.Join(d, "config"))
	}
	if gc := lookup(env, "GOPASS_CONFIG"); gc != "" {
		home := gopassHome(env)
		// gopass itself joins GOPASS_CONFIG to the home directory.
		if home != "" {
			files = append(files, filepath.Join(home, gc))
		}
		if filepath.IsAbs(gc) {
			files = append(files, gc)
		}
	}
	return files
}

func readLayer(file string) (layer, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m, err := ParseConfig(data)
	if err != nil {
		return nil, &ConfigError{File: file, Err: err}
	}
	return m, nil
}

// LoadGopass reads gopass's configuration. It returns [ErrNoConfig] when
// there is none at all.
func LoadGopass(o Options) (*Config, error) {
	env := o.Env
	c := &Config{}
	var layers []layer
	if l := envLayer(env); l != nil {
		layers = append(layers, l)
	}
	// Like gopass, a file that is missing, unreadable or unparsable is
	// skipped.
	for _, f := range UserConfigFiles(env) {
		l, err := readLayer(f)
		if err != nil {
			continue
		}
		layers = append(layers, l)
		c.Files = append(c.Files, f)
		break
	}
	if lookup(env, "GOPASS_CONFIG_NOSYSTEM") == "" {
		sys := o.SystemConfig
		if sys == "" {
			sys = DefaultSystemConfig
		}
		if l, err := readLayer(sys); err == nil {
			layers = append(layers, l)
			c.Files = append(c.Files, sys)
		}
	}
	if len(layers) == 0 {
		return nil, ErrNoConfig
	}
	get := func(k string) string {
		for _, l := range layers {
			if v, ok := l[k]; ok {
				return v
			}
		}
		return ""
	}
	home := gopassHome(env)
	data := gopassDataDir(env)

	root := expand(get("mounts.path"), home)
	if root == "" {
		root = defaultRoot(env, home, data)
	}
	c.Root = Store{Dir: root}

	seen := map[string]bool{}
	for _, l := range layers {
		for k := range l {
			if !strings.HasPrefix(k, "mounts.") || !strings.HasSuffix(k, ".path") || k == "mounts.path" {
				continue
			}
			mp := strings.Trim(k[len("mounts."):len(k)-len(".path")], "/")
			if mp == "" || seen[mp] {
				continue
			}
			seen[mp] = true
			dir := expand(get(k), home)
			if dir == "" && data != "" {
				dir = filepath.Join(data, "stores", strings.ReplaceAll(mp, "/", "-"))
			}
			c.Mounts = append(c.Mounts, Store{Mount: mp, Dir: dir})
		}
	}
	sort.Slice(c.Mounts, func(i, j int) bool {
		a, b := c.Mounts[i].Mount, c.Mounts[j].Mount
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
	return c, nil
}

// defaultRoot is gopass's PwStoreDir("").
func defaultRoot(env []string, home, data string) string {
	if d := lookup(env, "PASSWORD_STORE_DIR"); d != "" {
		return expand(d, home)
	}
	if home != "" {
		ld := filepath.Join(home, ".password-store")
		if fi, err := os.Stat(ld); err == nil && fi.IsDir() {
			return ld
		}
	}
	if data == "" {
		return ""
	}
	return filepath.Join(data, "stores", "root")
}

// GopassEnabled reports whether gopass mounts apply by default: no explicit
// PASSWORD_STORE_DIR and a gopass configuration exists. The command adds its
// own conditions (direct invocation, or a flag).
func GopassEnabled(o Options) bool {
	if lookup(o.Env, "PASSWORD_STORE_DIR") != "" {
		return false
	}
	_, err := LoadGopass(o)
	return err == nil
}

// Resolve maps an entry name to its store: the longest mount point MP with
// MP+"/" a prefix of name+"/" wins; otherwise the root store. The name may
// keep one trailing slash (as pass does); it is removed before matching.
func (c *Config) Resolve(name string) Location {
	n := strings.TrimSuffix(name, "/")
	for _, m := range c.Mounts {
		if strings.HasPrefix(n+"/", m.Mount+"/") {
			rest := strings.TrimPrefix(strings.TrimPrefix(n, m.Mount), "/")
			return Location{Store: m, Name: rest, Backend: DetectBackend(m.Dir)}
		}
	}
	return Location{Store: c.Root, Name: n, Backend: DetectBackend(c.Root.Dir)}
}

// Stores returns the root store followed by the mounts, for listing.
func (c *Config) Stores() []Store {
	return append([]Store{c.Root}, c.Mounts...)
}

// DetectBackend returns the back end of the store in dir, as gopass
// detects it: .gpg-id means gpg, else .age-recipients means age, else gpg.
func DetectBackend(dir string) Backend {
	if isFile(filepath.Join(dir, ".gpg-id")) {
		return GPG
	}
	if isFile(filepath.Join(dir, ".age-recipients")) {
		return Age
	}
	return GPG
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
