package main

// Acceptance tests of the write path (issue 4) that need more than a
// script: concurrent HOTP codes, SIGKILL at random moments, a scan of every
// process's argv and environment for the secret, terminal dialogues in a
// pseudo-terminal (compared with pass-otp's), and QR codes decoded by
// zbarimg. They run the passotp binary, built once per test binary.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/passotp/passotp/internal/testkeys"
)

// The RFC 4226 appendix D secret ("12345678901234567890") in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// passotpBin builds cmd/passotp once per test binary and returns its path.
func passotpBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "passotp-bin")
		if err != nil {
			buildErr = err
			return
		}
		goCmd, err := exec.LookPath("go")
		if err != nil {
			goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		binPath = filepath.Join(dir, "passotp")
		out, err := exec.Command(goCmd, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// sandbox is a store with the throwaway keyring, a git repo and a HOME.
type sandbox struct {
	t     *testing.T
	bin   string
	store string
	env   []string
}

// newSandbox makes a store initialised by the real pass for the cv25519
// key, with a git repository when withGit is set.
func newSandbox(t *testing.T, withGit bool, extra ...string) *sandbox {
	t.Helper()
	testkeys.RequireGPG(t)
	testkeys.Require(t, "pass", "git")
	bin := passotpBin(t)
	gnupg := testkeys.Home(t)
	dir := t.TempDir()
	s := &sandbox{t: t, bin: bin, store: filepath.Join(dir, "store")}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PASSWORD_STORE_") || strings.HasPrefix(k, "GIT_") || strings.HasPrefix(k, "PASSOTP_") ||
			slices.Contains([]string{"GNUPGHOME", "HOME", "DISPLAY", "WAYLAND_DISPLAY", "GPG_TTY", "XDG_CONFIG_HOME", "PASS_OATH_CREDENTIAL_NAME"}, k) {
			continue
		}
		s.env = append(s.env, kv)
	}
	s.env = append(s.env, "GNUPGHOME="+gnupg, "PASSWORD_STORE_DIR="+s.store, "HOME="+home,
		"GIT_AUTHOR_NAME=Pass Tester", "GIT_AUTHOR_EMAIL=tester@passotp.test",
		"GIT_COMMITTER_NAME=Pass Tester", "GIT_COMMITTER_EMAIL=tester@passotp.test", "LC_ALL=C.UTF-8")
	s.env = append(s.env, extra...)
	s.mustRun("", "pass", "init", testkeys.Cv25519.Email)
	if withGit {
		s.mustRun("", "pass", "git", "init")
	}
	return s
}

// run runs prog (passotp means the binary under test) with stdin and
// returns stdout, stderr and the error.
func (s *sandbox) run(stdin, prog string, args ...string) (string, string, error) {
	if prog == "passotp" {
		prog = s.bin
	}
	cmd := exec.Command(prog, args...)
	cmd.Env = s.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func (s *sandbox) mustRun(stdin, prog string, args ...string) string {
	s.t.Helper()
	out, errs, err := s.run(stdin, prog, args...)
	if err != nil {
		s.t.Fatalf("%s %s: %v\nstdout: %s\nstderr: %s", prog, strings.Join(args, " "), err, out, errs)
	}
	return out
}

// hotpCodes returns the RFC 4226 codes of rfcSecret for counters
// first..first+n-1, from oathtool with the secret on stdin.
func hotpCodes(t *testing.T, first uint64, n int) []string {
	t.Helper()
	testkeys.Require(t, "oathtool")
	cmd := exec.Command("oathtool", "--hotp", "-b", "-c", strconv.FormatUint(first, 10), "-w", strconv.Itoa(n-1), "-")
	cmd.Stdin = strings.NewReader(rfcSecret + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.Fields(string(out))
}

// TestConcurrentHOTP: 20 concurrent `code` calls on one HOTP entry yield 20
// distinct codes, RFC 4226's for counters N+1..N+20, the final counter is
// N+20 and there are 20 commits (compat §11.5).
func TestConcurrentHOTP(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, true)
	const n, start = 20, 100
	s.mustRun(fmt.Sprintf("otpauth://hotp/Load:test?secret=%s&counter=%d\n", rfcSecret, start), "passotp", "insert", "h")
	before := strings.TrimSpace(s.mustRun("", "git", "-C", s.store, "rev-list", "--count", "HEAD"))

	codes := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, stderr, err := s.run("", "passotp", "code", "h")
			if err != nil || stderr != "" {
				errs[i] = fmt.Errorf("code %d: %v: %s", i, err, stderr)
			}
			codes[i] = out
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := hotpCodes(t, start+1, n)
	got := make([]string, n)
	for i, c := range codes {
		if !strings.HasSuffix(c, "\n") || strings.Count(c, "\n") != 1 {
			t.Errorf("stdout %q: want only the code and a newline", c)
		}
		got[i] = strings.TrimSpace(c)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("codes = %v, want RFC 4226 codes for counters %d..%d: %v", got, start+1, start+n, want)
	}
	uri := s.mustRun("", "passotp", "uri", "h")
	if !strings.Contains(uri, fmt.Sprintf("&counter=%d\n", start+n)) {
		t.Errorf("uri after %d codes = %q, want counter=%d", n, uri, start+n)
	}
	after := strings.TrimSpace(s.mustRun("", "git", "-C", s.store, "rev-list", "--count", "HEAD"))
	b, _ := strconv.Atoi(before)
	a, _ := strconv.Atoi(after)
	if a-b != n {
		t.Errorf("%d commits, want %d", a-b, n)
	}
	subjects := s.mustRun("", "git", "-C", s.store, "log", "-"+strconv.Itoa(n), "--format=%s")
	if c := strings.Count(subjects, "Increment HOTP counter for h.\n"); c != n {
		t.Errorf("%d increment subjects, want %d:\n%s", c, n, subjects)
	}
	s.mustRun("", "git", "-C", s.store, "fsck", "--strict")
}

// TestCrashSafety kills passotp with SIGKILL at random moments during 200
// inserts and HOTP increments: after every kill the entry it was writing
// decrypts and holds an old or a new value (and the HOTP counter never goes
// back); at the end every entry is read by pass show, no temporary file
// remains and git fsck passes. A kill inside a commit may leave git's own
// lock files, exactly as a killed git does; they are removed (and counted)
// so that later runs keep committing and can be killed there too.
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, true)
	s.mustRun(fmt.Sprintf("otpauth://hotp/Crash:h?secret=%s&counter=0\n", rfcSecret), "passotp", "insert", "h")
	valid := map[string]bool{}
	for i := range 3 {
		uri := fmt.Sprintf("otpauth://totp/Crash:e%d?secret=%s&v=0", i, rfcSecret)
		s.mustRun(uri+"\n", "passotp", "insert", fmt.Sprintf("dir%d/e%d", i, i))
		valid[uri+"\n"] = true
	}
	hotpPrefix := "otpauth://hotp/Crash:h?secret=" + rfcSecret + "&counter="
	counter := 0 // the HOTP counter last seen
	commitsBefore := strings.TrimSpace(s.mustRun("", "git", "-C", s.store, "rev-list", "--count", "HEAD"))
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 4226))
	killed, staleLocks := 0, 0
	for op := range 200 {
		var cmd *exec.Cmd
		name := "h"
		if op%2 == 0 {
			cmd = exec.Command(s.bin, "code", "h")
		} else {
			i := op % 3
			name = fmt.Sprintf("dir%d/e%d", i, i)
			uri := fmt.Sprintf("otpauth://totp/Crash:e%d?secret=%s&v=%d", i, rfcSecret, op)
			valid[uri+"\n"] = true
			cmd = exec.Command(s.bin, "insert", "-f", name)
			cmd.Stdin = strings.NewReader(uri + "\n")
		}
		cmd.Env = s.env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("op %d (%s) failed without a kill: %v", op, name, err)
			}
			if name == "h" {
				counter++
			}
			continue
		case <-time.After(time.Duration(rng.IntN(60_000)) * time.Microsecond):
			cmd.Process.Signal(syscall.SIGKILL)
			if err := <-done; err == nil { // it ended before the signal
				if name == "h" {
					counter++
				}
				continue
			}
		}
		killed++
		// The entry it was writing: decryptable, an old or a new value.
		uri := s.mustRun("", "passotp", "uri", name)
		if name == "h" {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(uri, hotpPrefix), "\n"))
			if !strings.HasPrefix(uri, hotpPrefix) || err != nil || n < counter || n > counter+1 {
				t.Fatalf("kill %d (op %d): h holds %q after counter %d", killed, op, uri, counter)
			}
			counter = n
		} else if !valid[uri] {
			t.Fatalf("kill %d (op %d): %s holds %q, neither an old nor a new value", killed, op, name, uri)
		}
		for _, l := range []string{"index.lock", "HEAD.lock", "refs/heads/master.lock", "refs/heads/main.lock"} {
			if err := os.Remove(filepath.Join(s.store, ".git", l)); err == nil {
				staleLocks++
			}
		}
	}
	t.Logf("%d of 200 runs killed before they ended; %d stale git lock files removed", killed, staleLocks)
	if killed == 0 {
		t.Fatal("no run was killed before it ended: nothing was tested")
	}

	// Every entry decrypts with the real gpg and holds a valid value.
	for i := range 3 {
		out := s.mustRun("", "pass", "show", fmt.Sprintf("dir%d/e%d", i, i))
		if !valid[out] {
			t.Errorf("dir%d/e%d holds %q, neither an old nor a new value", i, i, out)
		}
	}
	out := s.mustRun("", "pass", "show", "h")
	if !strings.HasPrefix(out, hotpPrefix) || strings.Count(out, "\n") != 1 {
		t.Errorf("h holds %q", out)
	}
	// A code still works, and the counter moves on and is committed.
	_, stderr, err := s.run("", "passotp", "code", "h")
	if err != nil || stderr != "" {
		t.Errorf("code after the crashes: %v: %s", err, stderr)
	}
	if got := s.mustRun("", "git", "-C", s.store, "log", "-1", "--format=%s"); got != "Increment HOTP counter for h.\n" {
		t.Errorf("last commit %q", got)
	}
	commitsAfter := strings.TrimSpace(s.mustRun("", "git", "-C", s.store, "rev-list", "--count", "HEAD"))
	t.Logf("commits: %s before, %s after", commitsBefore, commitsAfter)
	err = filepath.Walk(s.store, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(fi.Name(), ".tmp.") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.mustRun("", "git", "-C", s.store, "fsck", "--strict")
}

// TestNoSecretInArgv inserts, appends and increments with the gpg fallback
// (PASSOTP_GPG=gpg) while another goroutine reads the command line and the
// environment of every process: the secret never shows up. Nor does it
// appear in any error output or commit message.
func TestNoSecretInArgv(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	s := newSandbox(t, true, "PASSOTP_GPG=gpg")
	const secret = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U" // distinctive, seen nowhere else
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var leaks []string
	scans, sawGPG := 0, 0
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		for ctx.Err() == nil {
			ents, _ := os.ReadDir("/proc")
			for _, e := range ents {
				if _, err := strconv.Atoi(e.Name()); err != nil {
					continue
				}
				for _, f := range []string{"cmdline", "environ"} {
					b, err := os.ReadFile("/proc/" + e.Name() + "/" + f)
					if f == "cmdline" && bytes.Contains(b, []byte("gpg\x00")) && bytes.Contains(b, []byte("\x00-e\x00")) {
						mu.Lock()
						sawGPG++
						mu.Unlock()
					}
					if err == nil && bytes.Contains(b, []byte(secret)) {
						mu.Lock()
						leaks = append(leaks, e.Name()+"/"+f+": "+string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
						mu.Unlock()
					}
				}
			}
			mu.Lock()
			scans++
			mu.Unlock()
			time.Sleep(time.Millisecond) // leave the CPU to the processes watched
		}
	}()
	var stderrs strings.Builder
	uri := "otpauth://totp/Leak:me?secret=" + secret + "&issuer=Leak\n"
	for i := range 10 {
		_, e, err := s.run(uri, "passotp", "insert", fmt.Sprintf("leak/e%d", i))
		if err != nil {
			t.Fatalf("insert: %v: %s", err, e)
		}
		stderrs.WriteString(e)
		_, e, _ = s.run(secret+"\n", "passotp", "append", "-s", "-i", "Leak", fmt.Sprintf("leak/e%d", i))
		stderrs.WriteString(e)
	}
	s.mustRun("otpauth://hotp/Leak:h?secret="+secret+"&counter=1\n", "passotp", "insert", "leak/h")
	for range 5 {
		_, e, _ := s.run("", "passotp", "leak/h")
		stderrs.WriteString(e)
	}
	// Errors that echo a URI: bare secret, missing account.
	for _, in := range []string{secret, "otpauth://totp/?secret=" + secret, "otpauth://hotp/x?secret=" + secret} {
		_, e, err := s.run(in+"\n", "passotp", "insert", "leak/bad")
		if err == nil {
			t.Errorf("insert %s succeeded", otpRedacted(in))
		}
		stderrs.WriteString(e)
	}
	cancel()
	<-scanned
	if scans < 5 {
		t.Errorf("only %d scans of /proc ran", scans)
	}
	// The scan saw the gpg fallback encrypting (gpg -e ... with pass's
	// options), so it looked at the processes that matter.
	if sawGPG == 0 {
		t.Errorf("no `gpg ... -e` process seen in %d scans: was the gpg fallback used?", scans)
	}
	t.Logf("%d scans of /proc, %d sightings of gpg -e", scans, sawGPG)
	for _, l := range leaks {
		t.Errorf("secret visible in /proc/%s", strings.ReplaceAll(l, secret, "<SECRET>"))
	}
	if strings.Contains(stderrs.String(), secret) {
		t.Errorf("secret in error output")
	}
	if log := s.mustRun("", "git", "-C", s.store, "log", "--format=%B"); strings.Contains(log, secret) {
		t.Errorf("secret in a commit message")
	}
	// The gpg fallback really ran: entries decrypt with gpg.
	if out := s.mustRun("", "pass", "show", "leak/e0"); !strings.Contains(out, secret) {
		t.Errorf("leak/e0 does not hold the secret")
	}
}

func otpRedacted(s string) string {
	return strings.ReplaceAll(s, "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U", "REDACTED")
}

// TestRoundTripLive: entries written (insert, append) by passotp are read
// by pass show and give the same live code with pass otp, and entries
// written by pass otp insert/append give the same code with passotp; modes
// follow PASSWORD_STORE_UMASK.
func TestRoundTripLive(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "oathtool")
	for _, umask := range []struct {
		umask     string
		file, dir os.FileMode
	}{{"", 0o600, 0o700}, {"022", 0o644, 0o755}} {
		t.Run("umask"+umask.umask, func(t *testing.T) {
			var extra []string
			if umask.umask != "" {
				extra = append(extra, "PASSWORD_STORE_UMASK="+umask.umask)
			}
			s := newSandbox(t, true, extra...)
			uri := "otpauth://totp/Live:a?secret=" + rfcSecret + "&algorithm=SHA256&digits=8&period=60\n"
			s.mustRun(uri, "passotp", "insert", "by/passotp")
			s.mustRun(uri, "pass", "otp", "insert", "by/pass")
			// append to a password entry, by each tool; pass show sees
			// the other lines kept and the URI last
			const login = "hunter2\nuser: alice\n"
			for _, name := range []string{"by/passotp-append", "by/pass-append"} {
				s.mustRun(login, "pass", "insert", "-m", name)
			}
			s.mustRun(uri, "passotp", "append", "by/passotp-append")
			s.mustRun(uri, "pass", "otp", "append", "by/pass-append")
			for _, name := range []string{"by/passotp", "by/passotp-append"} {
				want := uri
				if strings.HasSuffix(name, "append") {
					want = login + uri
				}
				if got := s.mustRun("", "pass", "show", name); got != want {
					t.Errorf("pass show %s = %q, want %q", name, got, want)
				}
			}
			for _, name := range []string{"by/passotp", "by/pass", "by/passotp-append", "by/pass-append"} {
				same := false
				for try := 0; try < 3 && !same; try++ { // a step boundary between the calls: try again
					a := s.mustRun("", "passotp", name)
					b := s.mustRun("", "pass", "otp", name)
					same = a == b && len(a) == 9
				}
				if !same {
					t.Errorf("%s: passotp and pass otp disagree", name)
				}
			}
			for p, want := range map[string]os.FileMode{"by/passotp.gpg": umask.file, "by": umask.dir} {
				fi, err := os.Stat(filepath.Join(s.store, p))
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.Mode().Perm(); got != want {
					t.Errorf("%s: mode %o, want %o", p, got, want)
				}
			}
			s.mustRun("", "git", "-C", s.store, "fsck", "--strict")
		})
	}
}

// TestSubjectsMatchPassOTP does the same operations with pass otp in one
// store and passotp in another: the git histories have the same subjects
// and the same files, and git fsck passes on both.
func TestSubjectsMatchPassOTP(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "oathtool")
	var logs, trees [2]string
	for i, tool := range [][]string{{"pass", "otp"}, {"passotp"}} {
		s := newSandbox(t, true)
		run := func(stdin string, args ...string) {
			t.Helper()
			a := append(append([]string{}, tool[1:]...), args...)
			s.mustRun(stdin, tool[0], a...)
		}
		uri := "otpauth://totp/Sub:a?secret=" + rfcSecret + "\n"
		run(uri, "insert", "sub/a")
		run(uri, "insert", "-f", "sub/a")
		run(uri, "insert", "arn:aws:iam::123456789012:mfa/alice")
		s.mustRun("pw\nuser: x\n", "pass", "insert", "-m", "sub/login")
		run(uri, "append", "sub/login")
		run(uri, "append", "sub/login")
		run("otpauth://hotp/Sub:h?secret="+rfcSecret+"&counter=3\n", "insert", "sub/h")
		run("", "sub/h")
		run("", "code", "sub/h")
		run("JBSWY3DPEHPK3PXP\n", "insert", "-s", "-i", "Org Name", "-a", "me@x.y")
		logs[i] = s.mustRun("", "git", "-C", s.store, "log", "--format=%s")
		trees[i] = s.mustRun("", "git", "-C", s.store, "ls-tree", "-r", "--name-only", "HEAD")
		s.mustRun("", "git", "-C", s.store, "fsck", "--strict")
		if st := s.mustRun("", "git", "-C", s.store, "status", "--porcelain"); st != "" {
			t.Errorf("%s: uncommitted changes:\n%s", tool[0], st)
		}
	}
	if logs[0] != logs[1] {
		t.Errorf("git subjects differ\npass otp:\n%s\npassotp:\n%s", logs[0], logs[1])
	}
	if trees[0] != trees[1] {
		t.Errorf("git trees differ\npass otp:\n%s\npassotp:\n%s", trees[0], trees[1])
	}
}

// TestQRDecodes renders `uri -q` with qrencode and with the native
// fallback (no qrencode on PATH), turns the half-block text into an image
// and decodes it with zbarimg.
func TestQRDecodes(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "qrencode", "zbarimg")
	s := newSandbox(t, false)
	uri := "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=" + rfcSecret + "&issuer=ACME+Co&algorithm=SHA1&digits=6&period=30"
	s.mustRun(uri+"\n", "passotp", "insert", "qr")

	// A PATH without qrencode: a directory of links to what else is needed.
	noqr := t.TempDir()
	for _, p := range []string{"gpg", "gpgconf", "gpg-agent", "git"} {
		if full, err := exec.LookPath(p); err == nil {
			os.Symlink(full, filepath.Join(noqr, p))
		}
	}
	for _, c := range []struct {
		name string
		path string
	}{{"qrencode", ""}, {"native", noqr}} {
		t.Run(c.name, func(t *testing.T) {
			env := s.env
			if c.path != "" {
				env = append(slices.Clone(s.env), "PATH="+c.path)
			}
			cmd := exec.Command(s.bin, "uri", "-q", "qr")
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("uri -q: %v: %s", err, stderr.String())
			}
			if got := decodeHalfBlocks(t, out); got != uri {
				t.Errorf("zbarimg decoded %q, want %q", got, uri)
			}
		})
	}
}

// decodeHalfBlocks draws qrencode's UTF-8 rendering (light modules as
// blocks) as a PNG with 8-pixel modules and decodes it with zbarimg.
func decodeHalfBlocks(t *testing.T, text []byte) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(string(text), "\n"), "\n")
	w := len([]rune(lines[0]))
	const px = 8
	img := image.NewGray(image.Rect(0, 0, w*px, len(lines)*2*px))
	for y, line := range lines {
		for x, r := range []rune(line) {
			top := r == '█' || r == '▀'
			bottom := r == '█' || r == '▄'
			for dy := 0; dy < 2*px; dy++ {
				light := top
				if dy >= px {
					light = bottom
				}
				c := color.Gray{0}
				if light {
					c = color.Gray{255}
				}
				for dx := 0; dx < px; dx++ {
					img.SetGray(x*px+dx, y*2*px+dy, c)
				}
			}
		}
	}
	f := filepath.Join(t.TempDir(), "qr.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("zbarimg", "-q", "--raw", f).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimRight(string(out), "\n")
}

// console is a program running on a pseudo-terminal (stdin, stdout and
// stderr), as in an interactive shell.
type console struct {
	t    *testing.T
	ptm  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

func startConsole(t *testing.T, env []string, prog string, args ...string) *console {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Env = env
	ptm, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 500})
	if err != nil {
		t.Fatal(err)
	}
	c := &console{t: t, ptm: ptm, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		b := make([]byte, 4096)
		for {
			n, err := ptm.Read(b)
			c.mu.Lock()
			c.buf.Write(b[:n])
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { cmd.Process.Kill(); ptm.Close() })
	return c
}

// expect waits until the output so far contains s (a 10 s hang guard).
func (c *console) expect(s string) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		ok := strings.Contains(c.buf.String(), s)
		c.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.t.Fatalf("no %q in the terminal output:\n%s", s, c.output())
}

// send types s; a short pause first lets the program turn echo off, as a
// human's typing would.
func (c *console) send(s string) {
	c.t.Helper()
	time.Sleep(50 * time.Millisecond)
	if _, err := c.ptm.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *console) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// wait returns the exit status and the whole transcript (CRLF as LF).
func (c *console) wait() (int, string) {
	c.t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- c.cmd.Wait() }()
	var err error
	select {
	case err = <-exited:
	case <-time.After(20 * time.Second): // a hang guard
		c.cmd.Process.Kill()
		<-exited
		c.t.Fatalf("still running after 20 s; transcript:\n%q", c.output())
	}
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return code, strings.ReplaceAll(c.output(), "\r\n", "\n")
}

// TestTerminalDialogues runs insert and append in a pseudo-terminal: hidden
// input typed twice (never echoed), a mismatch, -e, the overwrite and
// "Insert into" questions, -s prompts, end of input; the transcripts equal
// pass-otp's where pass-otp behaves the same.
func TestTerminalDialogues(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, false)
	real := newSandbox(t, false) // pass-otp's runs, in a store of their own
	uri := "otpauth://totp/ACME:john?secret=" + rfcSecret + "&issuer=ACME"

	type step struct{ expect, send string }
	cases := []struct {
		name    string
		args    []string
		steps   []step
		status  int
		want    string // the whole transcript
		realToo bool   // pass otp gives the same transcript
		check   func(t *testing.T)
	}{
		{
			name: "hidden twice",
			args: []string{"insert", "t1"},
			steps: []step{
				{"Enter otpauth:// URI for t1: ", uri + "\n"},
				{"Retype otpauth:// URI for t1: ", uri + "\n"},
			},
			want:    "Enter otpauth:// URI for t1: \nRetype otpauth:// URI for t1: \n",
			realToo: true,
			check: func(t *testing.T) {
				if got := s.mustRun("", "pass", "show", "t1"); got != uri+"\n" {
					t.Errorf("t1 = %q", got)
				}
			},
		},
		{
			name: "mismatch",
			args: []string{"insert", "t2"},
			steps: []step{
				{"Enter otpauth:// URI for t2: ", uri + "\n"},
				{"Retype otpauth:// URI for t2: ", uri + "X\n"},
			},
			status:  1,
			want:    "Enter otpauth:// URI for t2: \nRetype otpauth:// URI for t2: \nError: the entered URIs do not match.\n",
			realToo: true,
		},
		{
			name:    "echo",
			args:    []string{"insert", "-e", "t3"},
			steps:   []step{{"Enter otpauth:// URI for t3: ", uri + "\n"}},
			want:    "Enter otpauth:// URI for t3: " + uri + "\n",
			realToo: true,
		},
		{
			name: "overwrite no",
			args: []string{"insert", "t1"},
			steps: []step{
				{"Enter otpauth:// URI for t1: ", uri + "\n"},
				{"Retype otpauth:// URI for t1: ", uri + "\n"},
				{"An entry already exists for t1. Overwrite it? [y/N] ", "n\n"},
			},
			status:  1,
			want:    "Enter otpauth:// URI for t1: \nRetype otpauth:// URI for t1: \nAn entry already exists for t1. Overwrite it? [y/N] n\n",
			realToo: true,
		},
		{
			name: "overwrite yes",
			args: []string{"add", "-e", "t1"},
			steps: []step{
				{"Enter otpauth:// URI for t1: ", strings.Replace(uri, "john", "jane", 1) + "\n"},
				{"An entry already exists for t1. Overwrite it? [y/N] ", "Y\n"},
			},
			want: "Enter otpauth:// URI for t1: " + strings.Replace(uri, "john", "jane", 1) + "\nAn entry already exists for t1. Overwrite it? [y/N] Y\n",
			check: func(t *testing.T) {
				if got := s.mustRun("", "pass", "show", "t1"); !strings.Contains(got, "jane") {
					t.Errorf("t1 = %q, want the new URI", got)
				}
			},
		},
		{
			name: "insert into",
			args: []string{"insert", "-e"},
			steps: []step{
				{"Enter otpauth:// URI for this token: ", uri + "\n"},
				{"Insert into ACME/john? [y/N] ", "y\n"},
			},
			want:    "Enter otpauth:// URI for this token: " + uri + "\nInsert into ACME/john? [y/N] y\nmkdir: created directory '" + s.store + "/ACME'\n",
			realToo: false, // pass-otp 1.1.1 prints mkdir's curly quotes in some locales
			check: func(t *testing.T) {
				s.mustRun("", "pass", "show", "ACME/john")
			},
		},
		{
			name: "secret",
			args: []string{"insert", "-s", "-i", "ACME", "-a", "sec"},
			steps: []step{
				{"Enter secret for this token: ", rfcSecret + "\n"},
				{"Retype secret for this token: ", rfcSecret + "\n"},
				{"Insert into ACME/sec? [y/N] ", "y\n"},
			},
			want: "Enter secret for this token: \nRetype secret for this token: \nInsert into ACME/sec? [y/N] y\n",
			check: func(t *testing.T) {
				want := "otpauth://totp/ACME:sec?secret=" + rfcSecret + "&issuer=ACME\n"
				if got := s.mustRun("", "pass", "show", "ACME/sec"); got != want {
					t.Errorf("ACME/sec = %q, want %q", got, want)
				}
			},
		},
		{
			name: "secret mismatch",
			args: []string{"insert", "-s", "-a", "x", "t4"},
			steps: []step{
				{"Enter secret for t4: ", rfcSecret + "\n"},
				{"Retype secret for t4: ", "AAAA\n"},
			},
			status:  1,
			want:    "Enter secret for t4: \nRetype secret for t4: \nError: the entered secrets do not match.\n",
			realToo: true,
		},
		{
			name:    "end of input",
			args:    []string{"insert", "t5"},
			steps:   []step{{"Enter otpauth:// URI for t5: ", "\x04"}},
			status:  1,
			want:    "Enter otpauth:// URI for t5: ",
			realToo: true,
		},
		{
			name: "append asks even with -f",
			args: []string{"append", "-f", "t1"},
			steps: []step{
				{"An OTP secret already exists for t1. Overwrite it? [y/N] ", "y\n"},
				{"Enter otpauth:// URI for t1: ", uri + "\n"},
				{"Retype otpauth:// URI for t1: ", uri + "\n"},
			},
			want:    "An OTP secret already exists for t1. Overwrite it? [y/N] y\nEnter otpauth:// URI for t1: \nRetype otpauth:// URI for t1: \n",
			realToo: true,
			check: func(t *testing.T) {
				if got := s.mustRun("", "pass", "show", "t1"); got != uri+"\n" {
					t.Errorf("t1 = %q", got)
				}
			},
		},
	}
	for _, c := range cases {
		progs := []string{s.bin}
		if c.realToo {
			progs = append(progs, "pass")
		}
		for _, prog := range progs {
			t.Run(c.name+"/"+filepath.Base(prog), func(t *testing.T) {
				args, env := c.args, s.env
				if prog == "pass" {
					args, env = append([]string{"otp"}, args...), real.env
				}
				con := startConsole(t, env, prog, args...)
				for _, st := range c.steps {
					con.expect(st.expect)
					con.send(st.send)
				}
				status, out := con.wait()
				if status != c.status {
					t.Errorf("exit status %d, want %d\n%s", status, c.status, out)
				}
				if out != c.want {
					t.Errorf("transcript:\n%q\nwant:\n%q", out, c.want)
				}
				if strings.Contains(out, rfcSecret) && !strings.Contains(c.want, rfcSecret) {
					t.Errorf("the secret was echoed")
				}
				if c.check != nil && prog == s.bin {
					c.check(t)
				}
			})
		}
	}
}
