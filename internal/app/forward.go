package app

// The `pass` drop-in (compat §3, issue 5): invoked as `pass` with a
// subcommand other than `otp`, passotp replaces itself with the real pass.

import (
	"debug/buildinfo"
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
	bi, err := buildinfo.ReadFile(r)
	return err == nil && (bi.Main.Path == modulePath || strings.HasPrefix(bi.Path, modulePath+"/"))
}

// isExecutableFile reports whether p is a regular file with an execute bit.
func isExecutableFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
