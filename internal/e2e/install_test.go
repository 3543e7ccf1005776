package e2e

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

// installEnv is a clean environment for scripts/install.sh with the given
// variables; --bin is always given, so no go is needed.
func installEnv(home string, extra ...string) []string {
	return append([]string{"HOME=" + home, "PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"}, extra...)
}

func install(t *testing.T, env []string, args ...string) result {
	t.Helper()
	args = append([]string{filepath.Join(root, "scripts/install.sh"), "--bin", passotpBin}, args...)
	return runEnv(t, env, nil, "/bin/bash", args...)
}

// snapshot describes every file and symlink under dir: mode and content
// hash, or link target.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "-> " + target
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("%v %x", fi.Mode().Perm(), sha256.Sum256(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string]string) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

// TestInstallDestdir installs into a staging DESTDIR twice (same result),
// keeps and restores pass-otp's own extension, refuses to replace a pass
// that is not its symlink, and uninstalls everything.
func TestInstallDestdir(t *testing.T) {
	testkeys.Require(t, "bash")
	dest := t.TempDir()
	env := installEnv(t.TempDir(), "DESTDIR="+dest, "PREFIX=/usr/local",
		"SYSTEM_EXTENSION_DIR=/usr/lib/password-store/extensions")
	// pass-otp's extension is already there.
	passOTP := filepath.Join(dest, "usr/lib/password-store/extensions/otp.bash")
	copyFile(t, "/usr/lib/password-store/extensions/otp.bash", passOTP, 0o755)

	if r := install(t, env, "--as-pass"); r.code != 0 {
		t.Fatalf("install.sh --as-pass: %s", r)
	}
	first := snapshot(t, dest)
	want := map[string]string{
		"usr/local/bin/passotp":                                  "rwxr-xr-x",
		"usr/local/bin/pass":                                     "-> passotp",
		"usr/lib/password-store/extensions/otp.bash":             "rwxr-xr-x",
		"usr/lib/password-store/extensions/otp.bash.pass-otp":    "rwxr-xr-x",
		"usr/local/share/man/man1/passotp.1":                     "rw-r--r--",
		"etc/bash_completion.d/passotp":                          "rw-r--r--",
		"usr/local/share/zsh/site-functions/_passotp":            "rw-r--r--",
		"usr/local/share/fish/vendor_completions.d/passotp.fish": "rw-r--r--",
		"usr/local/share/fish/vendor_conf.d/passotp-pass.fish":   "rw-r--r--",
	}
	if got, w := strings.Join(keys(first), "\n"), strings.Join(keys(want), "\n"); got != w {
		t.Fatalf("installed files:\n%s\nwant:\n%s", got, w)
	}
	for p, w := range want {
		if !strings.HasPrefix(first[p], "-"+w) && first[p] != w {
			t.Errorf("%s: got %s, want %s", p, first[p], w)
		}
	}
	for _, f := range []struct{ installed, source string }{
		{"usr/local/share/man/man1/passotp.1", "man/passotp.1"},
		{"etc/bash_completion.d/passotp", "completions/passotp.bash"},
		{"usr/local/share/zsh/site-functions/_passotp", "completions/_passotp"},
		{"usr/local/share/fish/vendor_completions.d/passotp.fish", "completions/passotp.fish"},
		{"usr/local/share/fish/vendor_conf.d/passotp-pass.fish", "completions/passotp-pass.fish"},
	} {
		a, _ := os.ReadFile(filepath.Join(dest, f.installed))
		b, _ := os.ReadFile(filepath.Join(root, f.source))
		if string(a) != string(b) {
			t.Errorf("%s differs from %s", f.installed, f.source)
		}
	}
	shim, _ := os.ReadFile(filepath.Join(dest, "usr/lib/password-store/extensions/otp.bash"))
	if !strings.Contains(string(shim), `passotp_bin="/usr/local/bin/passotp"`) {
		t.Errorf("the shim does not name the installed binary (without DESTDIR):\n%s", shim)
	}
	if out, err := exec.Command("bash", "-n", filepath.Join(dest, "usr/lib/password-store/extensions/otp.bash")).CombinedOutput(); err != nil {
		t.Errorf("installed shim: bash -n: %v %s", err, out)
	}

	// Idempotent.
	if r := install(t, env, "--as-pass"); r.code != 0 {
		t.Fatalf("second install.sh --as-pass: %s", r)
	}
	if second := snapshot(t, dest); fmt.Sprint(second) != fmt.Sprint(first) {
		t.Errorf("second install changed the tree:\n%v\nfirst:\n%v", second, first)
	}

	// Uninstall restores pass-otp and removes everything else.
	if r := install(t, env, "--uninstall"); r.code != 0 {
		t.Fatalf("install.sh --uninstall: %s", r)
	}
	left := snapshot(t, dest)
	if got := strings.Join(keys(left), " "); got != "usr/lib/password-store/extensions/otp.bash" {
		t.Errorf("left after uninstall: %s", got)
	}
	orig, _ := os.ReadFile("/usr/lib/password-store/extensions/otp.bash")
	if b, _ := os.ReadFile(passOTP); string(b) != string(orig) {
		t.Error("uninstall did not restore pass-otp's otp.bash")
	}
	if r := install(t, env, "--uninstall"); r.code != 0 || r.stdout != "" {
		t.Errorf("second uninstall: %s", r)
	}

	// A pass that is not the symlink is never replaced.
	foreign := filepath.Join(dest, "usr/local/bin/pass")
	copyFile(t, "/usr/bin/pass", foreign, 0o755)
	r := install(t, env, "--as-pass")
	if r.code != 1 || !strings.Contains(r.stderr, "is not passotp's symlink") {
		t.Errorf("install.sh --as-pass over a real pass: %s", r)
	}
	if b, _ := os.ReadFile(foreign); len(b) == 0 {
		t.Error("the foreign pass was damaged")
	}
	if r := install(t, env, "--uninstall"); r.code != 0 {
		t.Fatalf("uninstall: %s", r)
	}
	if _, err := os.Lstat(foreign); err != nil {
		t.Errorf("uninstall removed a pass it did not install: %v", err)
	}
}

// TestInstallUser installs with --user into a sandbox HOME, adds the
// printed line to ~/.bashrc (Debian's skeleton ~/.profile and ~/.bashrc),
// and checks in a new login shell that `pass otp NAME` prints oathtool's
// code and that `pass otp arn:aws<TAB>` completes the ARN entry, both with
// the completion function and with a real TAB in an interactive bash under
// expect. Then it uninstalls.
func TestInstallUser(t *testing.T) {
	testkeys.Require(t, "expect", "oathtool")
	s := newSandbox(t)
	// The entry as a pass-otp user has it.
	if r := s.run(t, []byte(uriAWS+"\n"), "pass", "otp", "insert", arn); r.code != 0 {
		t.Fatalf("pass otp insert (pass-otp): %s", r)
	}
	env := installEnv(s.home, "GNUPGHOME="+s.gnupg)
	r := install(t, env, "--user")
	if r.code != 0 {
		t.Fatalf("install.sh --user: %s", r)
	}
	profile := filepath.Join(s.home, ".local/share/passotp/profile.sh")
	line := `. "` + profile + `"`
	if !strings.Contains(r.stdout, "\n  "+line+"\n") {
		t.Fatalf("install.sh --user does not print the profile line %q:\n%s", line, r.stdout)
	}
	for _, f := range []string{".local/bin/passotp", ".password-store/.extensions/otp.bash",
		".local/share/man/man1/passotp.1", ".local/share/bash-completion/completions/passotp",
		".local/share/zsh/site-functions/_passotp", ".config/fish/completions/passotp.fish",
		".config/fish/conf.d/passotp-pass.fish"} {
		if _, err := os.Stat(filepath.Join(s.home, f)); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}
	if again := install(t, env, "--user"); again.code != 0 || again.stdout != r.stdout {
		t.Errorf("second install.sh --user differs: %s", again)
	}
	for _, f := range []string{".profile", ".bashrc"} {
		copyFile(t, "/etc/skel/"+f, filepath.Join(s.home, f), 0o644)
	}
	rc, err := os.OpenFile(filepath.Join(s.home, ".bashrc"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(rc, line)
	rc.Close()

	// A new login shell: no PASSWORD_STORE_* or PATH additions from us.
	login := []string{"HOME=" + s.home, "GNUPGHOME=" + s.gnupg, "PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", "TERM=dumb"}
	at := time.Now().Unix()
	r = runEnv(t, login, nil, "/bin/bash", "-l", "-i", "-c", `pass otp --at `+fmt.Sprint(at)+` `+arn+`
COMP_LINE='pass otp arn:aws'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(pass otp arn : aws); COMP_CWORD=4; COMPREPLY=()
_pass
printf 'completion: %s\n' "${COMPREPLY[@]}"
command -v passotp`)
	want := oathtool(t, awsSecret, at) + "\ncompletion: aws:iam::123456789012:mfa/alice\n" + filepath.Join(s.home, ".local/bin/passotp") + "\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("login shell after install.sh --user:\n%s\nwant stdout %q", r, want)
	}

	// A real TAB in an interactive login bash.
	script := `
set timeout 30
log_user 1
spawn -noecho /bin/bash -l -i
expect -re {[$#] $}
send "PS1='READY> '\r"
expect "READY> "
send "pass otp arn:aws\t"
expect {
	-re {mfa/alice} {}
	timeout { puts "\nNO-COMPLETION"; exit 1 }
}
send "\r"
expect -re {\n([0-9]{6})\r\n}
send "exit\r"
expect eof
`
	before := time.Now().Unix()
	r = runEnv(t, login, nil, "expect", "-c", script)
	after := time.Now().Unix()
	m := regexp.MustCompile(`(?m)^([0-9]{6})\r?$`).FindStringSubmatch(r.stdout)
	ok := false
	for ts := before; m != nil && ts <= after+1; ts++ {
		ok = ok || m[1] == oathtool(t, awsSecret, ts)
	}
	if r.code != 0 || !ok {
		t.Errorf("interactive bash: pass otp arn:aws<TAB><RET>:\n%s", r)
	}
	t.Logf("expect transcript:\n%s", r.stdout)

	if r := install(t, env, "--user", "--uninstall"); r.code != 0 {
		t.Fatalf("install.sh --user --uninstall: %s", r)
	}
	for _, f := range []string{".local/bin/passotp", ".password-store/.extensions/otp.bash", ".local/share/passotp/profile.sh"} {
		if _, err := os.Lstat(filepath.Join(s.home, f)); err == nil {
			t.Errorf("%s left after uninstall", f)
		}
	}
	if _, err := os.Stat(filepath.Join(s.store, arn+".gpg")); err != nil {
		t.Errorf("uninstall touched the store: %v", err)
	}
}

// TestInstallUserAsPass: --user --as-pass puts the drop-in in ~/.local/bin,
// where aws-vault v6 finds it first.
func TestInstallUserAsPass(t *testing.T) {
	s := newSandbox(t)
	if r := s.run(t, []byte(uriAWS+"\n"), "pass", "otp", "insert", arn); r.code != 0 {
		t.Fatalf("pass otp insert: %s", r)
	}
	env := installEnv(s.home, "GNUPGHOME="+s.gnupg)
	if r := install(t, env, "--user", "--as-pass"); r.code != 0 {
		t.Fatalf("install.sh --user --as-pass: %s", r)
	}
	bin := filepath.Join(s.home, ".local/bin")
	if target, err := os.Readlink(filepath.Join(bin, "pass")); err != nil || target != "passotp" {
		t.Fatalf("~/.local/bin/pass: %q %v", target, err)
	}
	at := time.Now().Unix()
	r := runEnv(t, s.with("PATH="+bin+":/usr/bin:/bin"), nil, "/bin/sh", "-c", "pass otp --at "+fmt.Sprint(at)+" "+arn+" && pass ls")
	if r.code != 0 || !strings.HasPrefix(r.stdout, oathtool(t, awsSecret, at)+"\nPassword Store\n") {
		t.Errorf("got %s", r)
	}
	if r := install(t, env, "--user", "--uninstall"); r.code != 0 {
		t.Fatal(r)
	}
	if _, err := os.Lstat(filepath.Join(bin, "pass")); err == nil {
		t.Error("the pass symlink is left after uninstall")
	}
}

// TestInstallBuilds runs install.sh without --bin: it builds cmd/passotp
// itself (release flags, no man page renderer) and the result runs.
func TestInstallBuilds(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	env := append(os.Environ(), "DESTDIR="+dest, "PREFIX=/usr/local", "SYSTEM_EXTENSION_DIR=/usr/lib/password-store/extensions",
		"PATH="+filepath.Dir(goBin)+":/usr/bin:/bin")
	r := runEnv(t, env, nil, "/bin/bash", filepath.Join(root, "scripts/install.sh"))
	if r.code != 0 {
		t.Fatalf("install.sh: %s", r)
	}
	bin := filepath.Join(dest, "usr/local/bin/passotp")
	v := runEnv(t, []string{"PATH=/usr/bin:/bin"}, nil, bin, "version")
	if v.code != 0 || strings.TrimSpace(v.stdout) == "" {
		t.Errorf("installed passotp version: %s", v)
	}
	deps := runEnv(t, []string{"PATH=/usr/bin:/bin"}, nil, filepath.Join(filepath.Dir(goBin), "go"), "version", "-m", bin)
	if strings.Contains(deps.stdout, "go-md2man") || !strings.Contains(deps.stdout, "urfave_cli_no_docs") {
		t.Errorf("go version -m: the build is not a no-docs build:\n%s", deps.stdout)
	}
}

// TestInstallFindsPassExtensionDir: without SYSTEM_EXTENSION_DIR the
// directory comes from the real pass's script, even when passotp's own
// pass symlink is first on PATH (a reinstall).
func TestInstallFindsPassExtensionDir(t *testing.T) {
	testkeys.Require(t, "pass")
	dest := t.TempDir()
	drop := dropIn(t)
	env := []string{"HOME=" + t.TempDir(), "PATH=" + drop + ":/usr/bin:/bin", "DESTDIR=" + dest, "PREFIX=/opt/x"}
	if r := install(t, env); r.code != 0 {
		t.Fatalf("install.sh: %s", r)
	}
	if _, err := os.Stat(filepath.Join(dest, "usr/lib/password-store/extensions/otp.bash")); err != nil {
		t.Errorf("the shim is not in pass's own extension directory: %v", err)
	}
}
