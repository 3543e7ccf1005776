package storeconf

import (
	"path/filepath"
	"strings"
)

// Options carry what the package must not look up itself.
type Options struct {
	// Env is the environment (os.Environ form; the last assignment wins).
	Env []string
	// SystemConfig overrides gopass's system config file
	// (/etc/gopass/config). Tests use it; "" means the default.
	SystemConfig string
}

// lookup finds name in env; the last assignment wins, as with getenv.
func lookup(env []string, name string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == name {
			return v
		}
	}
	return ""
}

// gopassHome is gopass's notion of the user's home directory.
func gopassHome(env []string) string {
	if hd := lookup(env, "GOPASS_HOMEDIR"); hd != "" {
		return hd
	}
	return lookup(env, "HOME")
}

// gopassConfigDir is gopass's per-user config directory.
func gopassConfigDir(env []string) string {
	if hd := lookup(env, "GOPASS_HOMEDIR"); hd != "" {
		return filepath.Join(hd, ".config", "gopass")
	}
	if x := lookup(env, "XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "gopass")
	}
	if h := lookup(env, "HOME"); h != "" {
		return filepath.Join(h, ".config", "gopass")
	}
	return ""
}

// gopassDataDir is gopass's per-user data directory.
func gopassDataDir(env []string) string {
	if hd := lookup(env, "GOPASS_HOMEDIR"); hd != "" {
		return filepath.Join(hd, ".local", "share", "gopass")
	}
	if x := lookup(env, "XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "gopass")
	}
	if h := lookup(env, "HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "gopass")
	}
	return ""
}

// expand replaces a leading ~/ with home and cleans the path.
func expand(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") && home != "" {
		return filepath.Join(home, p[2:])
	}
	if p == "" {
		return ""
	}
	return filepath.Clean(p)
}
