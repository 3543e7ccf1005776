package gopasstest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/passotp/passotp/internal/testkeys"
)

// The throwaway secrets of these tests: RFC 4226's key and the usual demo
// key. They protect nothing.
const (
	rfcSecret  = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	demoSecret = "JBSWY3DPEHPK3PXP"
	agePass    = "gopass-age-test"
)

// entry is one entry gopass writes, and how to check it.
type entry struct {
	name    string
	body    string
	kind    string // "totp", "steam" or "hotp"
	secret  string // for oathtool
	digits  int
	alg     string // oathtool --totp=ALG ("" = sha1)
	counter uint64 // hotp: the code gopass gives first is HOTP(counter)
}

var entries = []entry{
	// pass-otp's own form: the URI on any line (gopass reads it as a body line).
	{name: "plain", kind: "totp", secret: demoSecret, digits: 6,
		body: "hunter1!\nlogin alice\notpauth://totp/Example:alice@example.com?secret=" + demoSecret + "&issuer=Example\n"},
	// AKV with a bare totp: secret (gopass's default writer).
	{name: "akv/totp", kind: "totp", secret: rfcSecret, digits: 6,
		body: "hunter1!\nuser: alice\ntotp: " + rfcSecret + "\n"},
	// otpauth: key whose value lacks the otpauth: prefix.
	{name: "akv/otpauth-key", kind: "totp", secret: demoSecret, digits: 6,
		body: "pw\nuser: bob\notpauth: //totp/Ex:bob?secret=" + demoSecret + "&issuer=Ex\n"},
	// totp: key holding a whole URI with parameters.
	{name: "akv/totp-uri", kind: "totp", secret: rfcSecret, digits: 8, alg: "sha256",
		body: "pw\ntotp: otpauth://totp/Ex:c?secret=" + rfcSecret + "&digits=8&algorithm=SHA256\n"},
	// YAML document after ---.
	{name: "yaml/totp", kind: "totp", secret: rfcSecret, digits: 6,
		body: "pw\n---\nuser: alice\ntotp: " + rfcSecret + "\n"},
	// Steam Guard (5 characters of gopass's alphabet).
	{name: "steam", kind: "steam", secret: demoSecret, digits: 5,
		body: "pw\notpauth://totp/Steam:me?secret=" + demoSecret + "&encoder=steam&digits=5\n"},
	// HOTP the gopass way: hotp: key and counter: key.
	{name: "hotp/akv", kind: "hotp", secret: rfcSecret, digits: 6, counter: 7,
		body: "pw\nhotp: " + rfcSecret + "\ncounter: 7\n"},
	{name: "hotp/yaml", kind: "hotp", secret: rfcSecret, digits: 6, counter: 7,
		body: "pw\n---\nhotp: " + rfcSecret + "\ncounter: 7\n"},
	// The gpg mount (another key) and an AWS-style name.
	{name: "team/aws/arn:aws:iam::123456789012:mfa/alice", kind: "totp", secret: rfcSecret, digits: 6,
		body: "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=" + rfcSecret + "&issuer=Amazon%20Web%20Services\n"},
	// The age mount.
	{name: "agem/web", kind: "totp", secret: demoSecret, digits: 6,
		body: "pw\notpauth://totp/Web:alice?secret=" + demoSecret + "\n"},
	{name: "agem/yaml", kind: "totp", secret: rfcSecret, digits: 6,
		body: "pw\n---\ntotp: " + rfcSecret + "\n"},
	{name: "agem/hotp", kind: "hotp", secret: rfcSecret, digits: 6, counter: 3,
		body: "pw\nhotp: " + rfcSecret + "\ncounter: 3\n"},
}

// sandbox is a HOME with gopass's config, a GnuPG home and the stores.
type sandbox struct {
	home, gnupg     string
	gopass, passotp string
	env             []string
}

// findGopass returns the gopass binary or skips the test, loudly.
func findGopass(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("gopass"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		f := strings.Split(strings.TrimSpace(string(out)), "\n")
		cands := []string{}
		if len(f) > 0 && f[0] != "" {
			cands = append(cands, filepath.Join(f[0], "gopass"))
		}
		if len(f) > 1 {
			cands = append(cands, filepath.Join(f[1], "bin", "gopass"))
		}
		for _, c := range cands {
			if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
				return c
			}
		}
	}
	t.Skip("SKIPPED, NOT PASSED: gopass is not installed; run scripts/ci-gopass.sh (go install github.com/gopasspw/gopass@v1.16.1) to run the gopass end-to-end tests")
	return ""
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// passotpBinary builds cmd/passotp once per test binary.
func passotpBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "gptbin")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(buildDir, "passotp"), "../../cmd/passotp").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "passotp")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// run runs bin with args and stdin in the sandbox's environment (plus
// extra) and returns stdout; stderr comes back in the error.
func (s *sandbox) run(extra []string, stdin, bin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(append([]string(nil), s.env...), extra...)
	cmd.Dir = s.home
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s %s: %v\nstdout: %s\nstderr: %s", filepath.Base(bin), strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), nil
}

func (s *sandbox) mustRun(t *testing.T, stdin, bin string, args ...string) string {
	t.Helper()
	out, err := s.run(nil, stdin, bin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// writeKeyring writes gopass's age keyring as gopass does (an scrypt-
// protected age file of identity lines), with a low work factor so the
// test does not spend seconds per gopass call; the format is the same.
func writeKeyring(t *testing.T, file string) string {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.NewScryptRecipient(agePass)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(12)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(w, id.String())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return id.Recipient().String()
}

// newSandbox creates the three stores with gopass and fills them.
func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	testkeys.RequireGPG(t)
	testkeys.Require(t, "oathtool")
	s := &sandbox{gopass: findGopass(t), passotp: passotpBinary(t)}
	s.home = t.TempDir()
	s.gnupg = testkeys.Home(t)
	s.env = []string{
		"HOME=" + s.home,
		"GNUPGHOME=" + s.gnupg,
		"PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(s.home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(s.home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(s.home, ".cache"),
		"GOPASS_CONFIG_NOSYSTEM=1",
		"GOPASS_NO_NOTIFY=true",
		"GOPASS_AGE_PASSWORD=" + agePass,
		"LC_ALL=C.UTF-8",
		"TERM=dumb",
	}
	v, _ := s.run(nil, "", s.gopass, "--version")
	t.Logf("using %s", strings.TrimSpace(strings.SplitN(v, "\n", 2)[0]))

	s.mustRun(t, "", s.gopass, "init", "--crypto", "gpgcli", "--storage", "fs", testkeys.RSA.Fpr)
	s.mustRun(t, "", s.gopass, "init", "--crypto", "gpgcli", "--storage", "fs", "--store", "team", "--path", filepath.Join(s.home, "team"), testkeys.Cv25519.Fpr)
	writeKeyring(t, filepath.Join(s.home, ".config", "gopass", "age", "identities"))
	s.mustRun(t, "", s.gopass, "init", "--crypto", "age", "--storage", "fs", "--store", "agem", "--path", filepath.Join(s.home, "agestore"))
	for _, e := range entries {
		s.mustRun(t, e.body, s.gopass, "insert", "-f", e.name)
	}
	return s
}

// oath computes the oathtool code for e at time at (TOTP) or counter c
// (HOTP); the secret goes on stdin.
func oath(t *testing.T, e entry, at time.Time, c uint64) string {
	t.Helper()
	args := []string{"-b", "-d", fmt.Sprint(e.digits)}
	if e.kind == "hotp" {
		args = append(args, "--hotp", "-c", fmt.Sprint(c))
	} else {
		alg := "sha1"
		if e.alg != "" {
			alg = e.alg
		}
		args = append(args, "--totp="+alg, "--now", at.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	cmd := exec.Command("oathtool", append(args, "-")...)
	cmd.Stdin = strings.NewReader(e.secret + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oathtool %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

var steamCode = regexp.MustCompile(`^[23456789BCDFGHJKMNPQRTVWXY]{5}$`)

func TestGopassStores(t *testing.T) {
	s := newSandbox(t)

	// The stores gopass made: 0x long ids in .gpg-id, .age-recipients.
	gpgID, err := os.ReadFile(filepath.Join(s.home, ".local/share/gopass/stores/root/.gpg-id"))
	if err != nil || !strings.HasPrefix(string(gpgID), "0x") {
		t.Errorf("root .gpg-id = %q, %v; want gopass's 0x long id", gpgID, err)
	}
	if _, err := os.Stat(filepath.Join(s.home, "agestore", ".age-recipients")); err != nil {
		t.Errorf("age mount: %v", err)
	}

	// The documented difference (compat §14 D1): gopass takes a password
	// that looks like base32 as a TOTP secret; passotp never does.
	t.Run("password-line", func(t *testing.T) {
		s.mustRun(t, "hunter22\nuser: alice\n", s.gopass, "insert", "-f", "pwonly")
		if g, err := s.run(nil, "", s.gopass, "otp", "-o", "pwonly"); err != nil || strings.TrimSpace(g) == "" {
			t.Logf("gopass otp -o pwonly = %q, %v (gopass's fallback changed?)", g, err)
		}
		_, err := s.run(nil, "", s.passotp, "pwonly")
		if err == nil || !strings.Contains(err.Error(), "pwonly: OTP secret not found.") {
			t.Errorf("passotp pwonly: %v, want OTP secret not found", err)
		}
	})

	for _, e := range entries {
		if e.kind == "hotp" {
			continue
		}
		e := e
		t.Run("totp/"+e.name, func(t *testing.T) {
			t.Parallel()
			// gopass and passotp around the same instant; retry when a
			// 30 s boundary falls between the calls.
			for try := 0; ; try++ {
				before := time.Now()
				g, err := s.run(nil, "", s.gopass, "otp", "-o", e.name)
				if err != nil {
					t.Fatal(err)
				}
				p, err := s.run(nil, "", s.passotp, e.name)
				if err != nil {
					t.Fatal(err)
				}
				after := time.Now()
				g, p = strings.TrimSpace(g), strings.TrimSpace(p)
				if before.Unix()/30 != after.Unix()/30 && try < 3 {
					continue
				}
				if p != g {
					t.Errorf("passotp %q = %q, gopass otp -o = %q", e.name, p, g)
				}
				if e.kind == "steam" {
					if !steamCode.MatchString(p) {
						t.Errorf("steam code %q is not 5 characters of the Steam alphabet", p)
					}
				} else if want := oath(t, e, before, 0); p != want {
					t.Errorf("passotp %q = %q, oathtool = %q", e.name, p, want)
				}
				return
			}
		})
	}

	for _, e := range entries {
		if e.kind != "hotp" {
			continue
		}
		e := e
		t.Run("hotp/"+e.name, func(t *testing.T) {
			t.Parallel()
			// gopass's counter: key is shared: both tools hand out
			// HOTP(C), HOTP(C+1), … in turn.
			c := e.counter
			for i, bin := range []string{s.passotp, s.gopass, s.passotp, s.gopass} {
				args := []string{e.name}
				if bin == s.gopass {
					args = []string{"otp", "-o", e.name}
				}
				got, err := s.run(nil, "", bin, args...)
				if err != nil {
					t.Fatal(err)
				}
				if want := oath(t, e, time.Time{}, c); strings.TrimSpace(got) != want {
					t.Errorf("call %d (%s): %q, want HOTP(%d) = %q", i, filepath.Base(bin), strings.TrimSpace(got), c, want)
				}
				c++
			}
		})
	}
}

func TestGopassLsAndWrites(t *testing.T) {
	s := newSandbox(t)

	// ls --codes lists every entry of every store under its mount point.
	before := time.Now()
	out, err := s.run(nil, "", s.passotp, "ls", "--codes")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		f := strings.Split(l, "\t")
		lines[f[0]] = strings.Join(f[1:], "\t")
	}
	for _, e := range entries {
		got, ok := lines[e.name]
		switch {
		case !ok:
			t.Errorf("ls --codes: %q missing from\n%s", e.name, out)
		case e.kind == "hotp":
			if got != "hotp" {
				t.Errorf("ls --codes %q: %q, want hotp", e.name, got)
			}
		case e.kind == "totp" && time.Now().Unix()/30 == before.Unix()/30:
			if code := strings.Split(got, "\t")[0]; code != oath(t, e, before, 0) {
				t.Errorf("ls --codes %q: %q, want %q", e.name, got, oath(t, e, before, 0))
			}
		}
	}
	if len(lines) != len(entries) {
		t.Errorf("ls --codes: %d lines, want %d:\n%s", len(lines), len(entries), out)
	}
	out, err = s.run(nil, "", s.passotp, "ls", "team")
	if err != nil || out != entries[8].name+"\n" {
		t.Errorf("ls team = %q, %v", out, err)
	}

	// passotp writes into each store; gopass reads it back.
	uri := "otpauth://totp/New:x?secret=" + rfcSecret + "\n"
	e := entry{kind: "totp", secret: rfcSecret, digits: 6}
	for _, name := range []string{"new/root", "team/new", "agem/new"} {
		if _, err := s.run(nil, uri, s.passotp, "insert", name); err != nil {
			t.Fatal(err)
		}
		for try := 0; try < 3; try++ {
			before := time.Now()
			g, err := s.run(nil, "", s.gopass, "otp", "-o", name)
			if err != nil {
				t.Fatal(err)
			}
			if time.Now().Unix()/30 != before.Unix()/30 {
				continue
			}
			if strings.TrimSpace(g) != oath(t, e, before, 0) {
				t.Errorf("gopass otp -o %s (written by passotp) = %q", name, g)
			}
			break
		}
	}
	for file, want := range map[string]string{
		"team/new.gpg":     "",
		"agestore/new.age": "",
		".local/share/gopass/stores/root/new/root.gpg": "",
	} {
		if _, err := os.Stat(filepath.Join(s.home, file)); err != nil {
			t.Errorf("passotp insert: %v %s", err, want)
		}
	}

	// passotp appends to entries gopass wrote (gpg mount, age mount): gopass
	// then reads the appended URI, and the password line stays.
	appendURI := "otpauth://totp/App:x?secret=" + rfcSecret + "&digits=8\n"
	e8 := entry{kind: "totp", secret: rfcSecret, digits: 8}
	for _, name := range []string{"team/app", "agem/app"} {
		s.mustRun(t, "pw-"+name+"\nuser: alice\n", s.gopass, "insert", "-f", name)
		if _, err := s.run(nil, appendURI, s.passotp, "append", name); err != nil {
			t.Fatal(err)
		}
		if pw, err := s.run(nil, "", s.gopass, "show", "-o", name); err != nil || strings.TrimSpace(pw) != "pw-"+name {
			t.Errorf("gopass show -o %s after passotp append = %q, %v", name, pw, err)
		}
		for try := 0; try < 3; try++ {
			before := time.Now()
			g, err := s.run(nil, "", s.gopass, "otp", "-o", name)
			if err != nil {
				t.Fatal(err)
			}
			if time.Now().Unix()/30 != before.Unix()/30 {
				continue
			}
			if want := oath(t, e8, before, 0); strings.TrimSpace(g) != want {
				t.Errorf("gopass otp -o %s (appended by passotp) = %q, oathtool %q", name, g, want)
			}
			break
		}
	}

	// A mount with gopass's default git storage: passotp commits into that
	// store's own repository.
	gitEnv := []string{"GIT_AUTHOR_NAME=Tester", "GIT_AUTHOR_EMAIL=t@passotp.test", "GIT_COMMITTER_NAME=Tester", "GIT_COMMITTER_EMAIL=t@passotp.test"}
	gitDir := filepath.Join(s.home, "gitstore")
	if _, err := s.run(gitEnv, "", s.gopass, "init", "--crypto", "gpgcli", "--storage", "gitfs", "--store", "gitm", "--path", gitDir, testkeys.Cv25519.Fpr); err != nil {
		t.Fatal(err)
	}
	if _, err := s.run(gitEnv, "otpauth://hotp/H:x?secret="+rfcSecret+"&counter=0\n", s.passotp, "insert", "gitm/h"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.run(gitEnv, "", s.passotp, "gitm/h"); err != nil || got != "287082\n" {
		t.Errorf("passotp gitm/h = %q, %v; want HOTP(1) = 287082", got, err)
	}
	// gopass counts the same URI with its own counter: key (default 1).
	if got, err := s.run(gitEnv, "", s.gopass, "otp", "-o", "gitm/h"); err != nil || strings.TrimSpace(got) != "287082" {
		t.Errorf("gopass otp -o gitm/h = %q, %v", got, err)
	}
	log, err := exec.Command("git", "-C", gitDir, "log", "--format=%s").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, subj := range []string{"Add OTP secret for gitm/h to store.", "Increment HOTP counter for gitm/h."} {
		if !strings.Contains(string(log), subj+"\n") {
			t.Errorf("git log of the gitm mount lacks %q:\n%s", subj, log)
		}
	}

	// Without the keyring passphrase and without a terminal: a fast, clear failure.
	start := time.Now()
	filtered := s.env[:0:0]
	for _, kv := range s.env {
		if !strings.HasPrefix(kv, "GOPASS_AGE_PASSWORD=") {
			filtered = append(filtered, kv)
		}
	}
	s2 := *s
	s2.env = filtered
	_, err = s2.run(nil, "", s.passotp, "agem/web")
	if err == nil || !strings.Contains(err.Error(), "GOPASS_AGE_PASSWORD") {
		t.Errorf("age mount without passphrase: %v", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("failing without a passphrase took %v (hang?)", d)
	}

	// On a terminal, without GOPASS_AGE_PASSWORD: passotp asks for the
	// keyring passphrase there (expect drives a pty), then prints the code.
	testkeys.Require(t, "expect")
	script := filepath.Join(s.home, "ask.exp")
	if err := os.WriteFile(script, []byte("set timeout 60\nspawn -noecho "+s.passotp+" agem/web\n"+
		"expect \"Enter passphrase for identity file\"\nsend \""+agePass+"\\r\"\n"+
		"expect -re {([0-9]{6})\\r\\n}\nputs \"CODE=$expect_out(1,string)\"\nexpect eof\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for try := 0; try < 3; try++ {
		before := time.Now()
		out, err := s2.run(nil, "", "expect", script)
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().Unix()/30 != before.Unix()/30 {
			continue
		}
		var web entry
		for _, e := range entries {
			if e.name == "agem/web" {
				web = e
			}
		}
		want := oath(t, web, before, 0)
		if !strings.Contains(out, "CODE="+want) {
			t.Errorf("agem/web on a terminal asking for the keyring passphrase: want CODE=%s in\n%s", want, out)
		}
		if strings.Contains(out, agePass) {
			t.Errorf("keyring passphrase echoed: %q", out)
		}
		break
	}

	// pass semantics on demand: no mounts.
	if _, err := s.run([]string{"PASSOTP_STORE=pass", "PASSWORD_STORE_DIR=" + filepath.Join(s.home, ".local/share/gopass/stores/root")}, "", s.passotp, "team/aws/arn:aws:iam::123456789012:mfa/alice"); err == nil {
		t.Errorf("PASSOTP_STORE=pass resolved a gopass mount")
	}
}

// TestGopassKeyringFromGopass checks that ageio opens a keyring gopass
// itself generated (real scrypt work factor, so this costs a few seconds).
func TestGopassKeyringFromGopass(t *testing.T) {
	testkeys.RequireGPG(t)
	s := &sandbox{gopass: findGopass(t), passotp: passotpBinary(t)}
	s.home = t.TempDir()
	s.gnupg = testkeys.Home(t)
	s.env = []string{
		"HOME=" + s.home, "GNUPGHOME=" + s.gnupg, "PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(s.home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(s.home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(s.home, ".cache"),
		"GOPASS_CONFIG_NOSYSTEM=1", "GOPASS_NO_NOTIFY=true", "GOPASS_AGE_PASSWORD=" + agePass,
	}
	out := s.mustRun(t, "", s.gopass, "age", "identities", "keygen")
	rcp := regexp.MustCompile(`age1[0-9a-z]{58}`).FindString(out)
	if rcp == "" {
		t.Fatalf("no recipient in gopass's output %q", out)
	}
	// A passage-style store for that recipient, read through gopass mode.
	store := filepath.Join(s.home, "st")
	if err := os.MkdirAll(store, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(store, ".age-recipients"), []byte(rcp+"\n"), 0o600)
	cfg := "[mounts]\n\tpath = " + store + "\n"
	os.WriteFile(filepath.Join(s.home, ".config", "gopass", "config"), []byte(cfg), 0o600)
	r, err := age.ParseX25519Recipient(rcp)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, r)
	fmt.Fprintf(w, "pw\notpauth://totp/K:x?secret=%s\n", rfcSecret)
	w.Close()
	os.WriteFile(filepath.Join(store, "x.age"), buf.Bytes(), 0o600)
	for try := 0; try < 3; try++ {
		before := time.Now()
		got, err := s.run(nil, "", s.passotp, "x")
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().Unix()/30 != before.Unix()/30 {
			continue
		}
		if want := oath(t, entry{kind: "totp", secret: rfcSecret, digits: 6}, before, 0); strings.TrimSpace(got) != want {
			t.Errorf("passotp x = %q, want %q", got, want)
		}
		break
	}
}
