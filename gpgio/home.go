package gpgio

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/passotp/passotp/internal/sysread"
)

// home is a GnuPG home directory and what gpgio reads of its
// configuration: the common.conf and gpg.conf flags of gpgio.md §4 and §5,
// and the socket directory of §8.1. It never writes anything.
type home struct {
	dir         string   // absolute GNUPGHOME, trailing slashes stripped, symlinks kept
	defaultHome bool     // dir is ~/.gnupg
	env         []string // the caller's environment (for ${VAR} in redirect files, gpgconf)
	uid         int
	// runBases are the candidate runtime base directories, in order; a
	// test may replace them. The default is /run/user/UID, /var/run/user/UID.
	runBases []string

	keyboxd    bool            // common.conf: use-keyboxd
	kropts     bool            // gpg.conf: keyring, primary-keyring or no-default-keyring
	groupNames map[string]bool // gpg.conf: group NAME=...

	sockDir string // "" until computed
}

// newHome locates the home: dir if set, else GNUPGHOME from env, else
// $HOME/.gnupg. It reads common.conf and gpg.conf (both optional).
func newHome(dir string, env []string) (*home, error) {
	uid := os.Getuid()
	h := &home{env: env, uid: uid, runBases: []string{
		"/run/user/" + strconv.Itoa(uid),
		"/var/run/user/" + strconv.Itoa(uid),
	}}
	explicit := true
	if dir == "" {
		dir = getenv(env, "GNUPGHOME")
	}
	if dir == "" {
		explicit = false
		hd, err := homeDir(env)
		if err != nil {
			return nil, err
		}
		dir = hd + "/.gnupg"
	}
	abs, err := absName(dir)
	if err != nil {
		return nil, err
	}
	h.dir = abs
	h.defaultHome = !explicit
	if explicit {
		if hd, err := homeDir(env); err == nil {
			if def, err := absName(hd + "/.gnupg"); err == nil && def == abs {
				h.defaultHome = true
			}
		}
	}
	if err := h.readConf(); err != nil {
		return nil, err
	}
	return h, nil
}

// homeDir is $HOME from env, or the user database entry.
func homeDir(env []string) (string, error) {
	if hd := getenv(env, "HOME"); hd != "" {
		return hd, nil
	}
	hd, err := os.UserHomeDir() // only consulted when env has no HOME
	if err != nil || hd == "" {
		return "", errors.New("gnupg home: neither GNUPGHOME nor HOME is set")
	}
	return hd, nil
}

// absName makes name absolute the way GnuPG's make_absfilename does:
// prefix the working directory, keep "." and ".." and symlinks, and strip
// trailing slashes.
func absName(name string) (string, error) {
	if !strings.HasPrefix(name, "/") {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("gnupg home: %w", err)
		}
		name = strings.TrimRight(wd, "/") + "/" + name
	}
	for len(name) > 1 && strings.HasSuffix(name, "/") {
		name = name[:len(name)-1]
	}
	return name, nil
}

// readConf reads the few lines gpgio cares about.
func (h *home) readConf() error {
	if b, err := readSmall(filepath.Join(h.dir, "common.conf")); err != nil {
		return err
	} else if b != nil {
		eachOption(b, func(name, _ string) {
			if name == "use-keyboxd" {
				h.keyboxd = true
			}
		})
	}
	b, err := readSmall(filepath.Join(h.dir, "gpg.conf"))
	if err != nil || b == nil {
		return err
	}
	eachOption(b, func(name, arg string) {
		switch name {
		case "keyring", "primary-keyring", "no-default-keyring":
			h.kropts = true
		case "group":
			if i := strings.IndexByte(arg, '='); i > 0 {
				if g := strings.TrimSpace(arg[:i]); g != "" {
					if h.groupNames == nil {
						h.groupNames = map[string]bool{}
					}
					h.groupNames[g] = true
				}
			}
		}
	})
	return nil
}

// readSmall reads a configuration file; a missing file gives nil, nil.
func readSmall(name string) ([]byte, error) {
	b, err := sysread.ReadFile(name, 0, -1)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("gnupg home: %w", err)
	}
	return b, nil
}

// eachOption calls fn for every option line of a GnuPG configuration
// file: leading blanks are skipped, "#" lines are comments, and the option
// name ends at the first blank (or "=").
func eachOption(b []byte, fn func(name, arg string)) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, arg := line, ""
		if i := strings.IndexAny(line, " \t="); i >= 0 {
			name, arg = line[:i], strings.TrimLeft(line[i:], " \t=")
			if line[i] != '=' {
				arg = strings.TrimSpace(line[i:])
			}
		}
		fn(strings.ToLower(name), arg)
	}
}

// useKeyboxd reports whether common.conf says use-keyboxd.
func (h *home) useKeyboxd() bool { return h.keyboxd }

// keyringOptions reports whether gpg.conf has keyring, primary-keyring or
// no-default-keyring (then gpg decides which keys exist).
func (h *home) keyringOptions() bool { return h.kropts }

// groups returns the group names defined in gpg.conf.
func (h *home) groups() map[string]bool { return h.groupNames }

// socketDir returns the directory of the agent and keyboxd sockets,
// exactly as GnuPG's _gnupg_socketdir_internal computes it (§8.1), but
// without creating directories: one that does not exist yet is the one gpg
// would create.
func (h *home) socketDir() string {
	if h.sockDir == "" {
		h.sockDir = h.computeSocketDir()
	}
	return h.sockDir
}

func (h *home) computeSocketDir() string {
	var base string
	var st os.FileInfo
	for _, b := range h.runBases {
		if fi, err := os.Stat(b); err == nil && fi.IsDir() {
			base, st = b, fi
			break
		}
	}
	if base == "" || !ownedBy(st, h.uid) {
		return h.dir
	}
	dir := base + "/gnupg"
	if !privateDirOrAbsent(dir, h.uid) {
		return h.dir
	}
	if !h.defaultHome {
		dir += "/d." + homeHash(h.dir)
		if !privateDirOrAbsent(dir, h.uid) {
			return h.dir
		}
	}
	return dir
}

// homeHash is zb32(SHA1(dir))[:24], the d.<hash> name of a non-default home.
func homeHash(dir string) string {
	sum := sha1.Sum([]byte(dir))
	return zb32(sum[:15])
}

func ownedBy(fi os.FileInfo, uid int) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == uid
}

// privateDirOrAbsent: a missing directory would be created by gpg with
// mode 0700; an existing one must be a directory owned by uid with no
// group or other permissions.
func privateDirOrAbsent(dir string, uid int) bool {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	return fi.IsDir() && ownedBy(fi, uid) && fi.Mode().Perm()&0o077 == 0
}

// zb32 encodes b in z-base-32 (GnuPG's zb32_encode of len(b)*8 bits).
func zb32(b []byte) string {
	const alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769"
	var out []byte
	var acc uint32
	bits := 0
	for _, c := range b {
		acc = acc<<8 | uint32(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out = append(out, alphabet[(acc>>uint(bits))&31])
		}
	}
	if bits > 0 {
		out = append(out, alphabet[(acc<<uint(5-bits))&31])
	}
	return string(out)
}

// socketPath returns the path of socket name ("S.gpg-agent",
// "S.keyboxd") in the socket directory, following an Assuan redirect file
// (a regular file "%Assuan%\nsocket=NAME\n", ${VAR} expanded from env).
func (h *home) socketPath(name string) (string, error) {
	p := filepath.Join(h.socketDir(), name)
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return p, nil
	}
	b, err := readSmall(p)
	if err != nil {
		return "", err
	}
	target, ok := parseRedirect(b, h.env)
	if !ok {
		return "", fmt.Errorf("%s: not a socket and not an Assuan redirect file", p)
	}
	return target, nil
}

// parseRedirect parses an Assuan socket redirect file.
func parseRedirect(b []byte, env []string) (string, bool) {
	const magic = "%Assuan%\nsocket="
	if len(b) > 4096 || !bytes.HasPrefix(b, []byte(magic)) {
		return "", false
	}
	rest := string(b[len(magic):])
	i := strings.IndexByte(rest, '\n')
	if i < 0 {
		return "", false
	}
	name := rest[:i]
	var out strings.Builder
	for j := 0; j < len(name); j++ {
		if name[j] == '$' && j+1 < len(name) && name[j+1] == '{' {
			if k := strings.IndexByte(name[j:], '}'); k > 0 {
				out.WriteString(getenv(env, name[j+2:j+k]))
				j += k
				continue
			}
		}
		out.WriteByte(name[j])
	}
	if out.Len() == 0 {
		return "", false
	}
	return out.String(), true
}
