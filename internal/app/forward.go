package app

// The `pass` drop-in (compat §3, issue 5): invoked as `pass` with a
// subcommand other than `otp`, passotp replaces itself with the real pass.

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// modulePath identifies passotp binaries, which are never forwarded to.
const modulePath = "github.com/passotp/passotp"

// forward execs the real pass with the original argv and environment. It
// returns only on failure.
func (a *App) forward(args []string) error {
	sub := ""
	if len(args) > 1 {
		sub = args[1]
	}
	target := a.realPass()
	if target == "" {
		return &forwardError{sub: sub}
	}
	return syscall.Exec(target, args, a.Environ)
}

// realPass returns $PASSOTP_PASS, or the first `pass` on PATH that is an
// executable regular file and not a passotp binary (this one, compared
// after resolving symlinks, or another copy, told by its Go build info),
// or "" if there is none. Refusing every passotp binary rules out
// recursion even with two copies named pass on PATH.
func (a *App) realPass() string {
	self := selfPath()
	if p := a.Getenv("PASSOTP_PASS"); p != "" {
		if isExecutableFile(p) && !isPassotp(p, self) {
			return p
		}
		return ""
	}
	for _, dir := range filepath.SplitList(a.Getenv("PATH")) {
		if dir == "" {
			dir = "." // an empty PATH entry is the current directory
		}
		p := filepath.Join(dir, "pass")
		if isExecutableFile(p) && !isPassotp(p, self) {
			if abs, err := filepath.Abs(p); err == nil {
				return abs
			}
			return p
		}
	}
	return ""
}

// selfPath is the running binary with symlinks resolved, or "".
func selfPath() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		return r
	}
	return exe
}

// isPassotp reports whether p is the running binary or another passotp.
func isPassotp(p, self string) bool {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return true // a dangling link is no real pass either
	}
	if r == self {
		return true
	}
	if fi, err := os.Stat(r); err == nil {
		if si, err := os.Stat(self); err == nil && os.SameFile(fi, si) {
			return true
		}
	}
	path, mod := goBuildInfo(r)
	return mod == modulePath || strings.HasPrefix(path, modulePath+"/")
}

// buildInfoMagic starts the build information block the Go linker writes
// into every binary (.go.buildinfo), 16-byte aligned.
const buildInfoMagic = "\xff Go buildinf:"

// goBuildInfo returns the package path and main module path recorded in
// the Go binary at p, or "" for a file that is none (a script, say). It
// reads the block debug/buildinfo reads, in the layout Go 1.18 and later
// write (strings inline: flags bit 2), scanning the file for it rather
// than parsing ELF, Mach-O or PE: debug/buildinfo links every one of those
// parsers, and with them it cost ~0.3 ms of start-up on every run of
// passotp (issue 3), for a check made only when pass is forwarded.
// TestGoBuildInfo compares it with debug/buildinfo.
func goBuildInfo(p string) (path, mod string) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", ""
	}
	for off := 0; ; off += 16 {
		i := bytes.Index(b[off:], []byte(buildInfoMagic))
		if i < 0 {
			return "", ""
		}
		off += i &^ 15
		if i%16 != 0 || off+32 > len(b) {
			continue
		}
		h := b[off : off+32]
		if ptr := h[14]; (ptr != 4 && ptr != 8) || h[15]&2 == 0 {
			continue
		}
		rest := b[off+32:]
		var info [2]string
		ok := true
		for k := range info {
			n, w := binary.Uvarint(rest)
			if w <= 0 || n > uint64(len(rest)-w) {
				ok = false
				break
			}
			info[k], rest = string(rest[w:w+int(n)]), rest[w+int(n):]
		}
		if !ok {
			continue
		}
		// modinfo: 16 bytes of sentinel, lines "path\tP", "mod\tM\tV\tSUM"...
		for _, line := range strings.Split(info[1], "\n") {
			f := strings.Split(line, "\t")
			switch {
			case len(f) >= 2 && strings.HasSuffix(f[0], "path"):
				path = f[1]
			case len(f) >= 2 && f[0] == "mod":
				mod = f[1]
			}
		}
		return path, mod
	}
}

// isExecutableFile reports whether p is a regular file with an execute bit.
func isExecutableFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
