package ageio_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"github.com/passotp/passotp/ageio"
)

// A throwaway ssh key made for these tests only (fuzz seed, parse table).
const (
	testSSHPriv = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACBb/sDvlnDmN3ZeyeCoiBRjZIVbTYmFgeLM/7EaeoaTSQAAAIgv1Gz+L9Rs
/gAAAAtzc2gtZWQyNTUxOQAAACBb/sDvlnDmN3ZeyeCoiBRjZIVbTYmFgeLM/7EaeoaTSQ
AAAECDPfV2TKiHQ6SXuZb4j1tZHtGxhVKz03QOFi67kDHAYlv+wO+WcOY3dl7J4KiIFGNk
hVtNiYWB4sz/sRp6hpNJAAAABGZ1enoB
-----END OPENSSH PRIVATE KEY-----
`
	testSSHPub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFv+wO+WcOY3dl7J4KiIFGNkhVtNiYWB4sz/sRp6hpNJ"
)

// sshKey makes an ssh key pair in dir with ssh-keygen (no passphrase) and
// returns the private key file and the public key line without comment.
func sshKey(t *testing.T, dir, name string, args ...string) (file, pub string) {
	t.Helper()
	file = filepath.Join(dir, name)
	run(t, nil, "ssh-keygen", append([]string{"-q", "-N", "", "-C", name, "-f", file}, args...)...)
	b, err := os.ReadFile(file + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	return file, f[0] + " " + f[1]
}

// protectedSSHKey writes a passphrase-protected ed25519 key pair (in Go:
// no passphrase on a command line).
func protectedSSHKey(t *testing.T, file, passphrase string) (pub string) {
	t.Helper()
	pk, sk, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	blk, err := ssh.MarshalPrivateKeyWithPassphrase(sk, "prot", []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	spk, _ := ssh.NewPublicKey(pk)
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(spk)))
	if err := os.WriteFile(file, pem.EncodeToMemory(blk), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file+".pub", []byte(line+" prot\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return line
}

// standIn writes an `age` stand-in into a new directory: it logs its
// arguments to the returned log file and runs the real age (real=true) or
// fails. The directory is what PATH should hold.
func standIn(t *testing.T, real bool) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	log = filepath.Join(dir, "age.log")
	body := "exit 97\n"
	if real {
		p, err := exec.LookPath("age")
		if err != nil {
			t.Fatal(err)
		}
		body = "exec " + p + " \"$@\"\n"
	}
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\n" + body
	if err := os.WriteFile(filepath.Join(dir, "age"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, log
}

func ageRuns(t *testing.T, log string) int {
	b, err := os.ReadFile(log)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

// TestSSHKeyFormats: ageio reads the public half of every ssh private key
// form ssh-keygen writes, without the secret, and agrees with ssh-keygen.
func TestSSHKeyFormats(t *testing.T) {
	t.Parallel()
	requireTool(t, "ssh-keygen")
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		noPub bool // the private key alone does not tell the public key
	}{
		{"ed25519", []string{"-t", "ed25519"}, false},
		{"rsa", []string{"-t", "rsa", "-b", "2048"}, false},
		{"rsa-pem", []string{"-t", "rsa", "-b", "2048", "-m", "PEM"}, false},
		{"rsa-pkcs8", []string{"-t", "rsa", "-b", "2048", "-m", "PKCS8"}, true},
	}
	for _, tt := range tests {
		file, pub := sshKey(t, dir, tt.name, tt.args...)
		data, _ := os.ReadFile(file)
		ids, err := ageio.ParseIdentities(data)
		if err != nil || len(ids) != 1 {
			t.Fatalf("%s: ParseIdentities = %v, %v", tt.name, ids, err)
		}
		id := ids[0].(*ageio.SSHIdentity)
		if got := id.Recipient(); tt.noPub && got != "" || !tt.noPub && got != pub {
			t.Errorf("%s: Recipient() = %q, want %q", tt.name, got, pub)
		}
		// Through a Client the .pub file fills in what the key hides.
		c, _ := ageio.Open(ageio.Options{IdentitiesFiles: []string{file}})
		rs, err := c.IdentityRecipients()
		if err != nil || len(rs) != 1 || fmt.Sprint(rs[0]) != pub {
			t.Errorf("%s: IdentityRecipients = %v, %v; want %s", tt.name, rs, err, pub)
		}
	}
	// A protected key still shows its public half (OpenSSH format).
	prot := filepath.Join(dir, "prot")
	pub := protectedSSHKey(t, prot, "sshpw")
	data, _ := os.ReadFile(prot)
	ids, err := ageio.ParseIdentities(data)
	if err != nil || ids[0].(*ageio.SSHIdentity).Recipient() != pub || !ids[0].(*ageio.SSHIdentity).Encrypted {
		t.Errorf("protected key: %v, %v", ids, err)
	}
	// ecdsa keys are refused as age refuses them.
	ecdsa, _ := sshKey(t, dir, "ecdsa", "-t", "ecdsa")
	data, _ = os.ReadFile(ecdsa)
	if _, err := ageio.ParseIdentities(data); !errors.Is(err, ageio.ErrUnsupportedIdentity) {
		t.Errorf("ecdsa key: err = %v, want ErrUnsupportedIdentity", err)
	}
}

// TestSSHInteropWithAgeCLI: a passage store whose identities file is an
// ssh key (ed25519, rsa in OpenSSH and PEM form): entries the age CLI
// writes decrypt, and what ageio writes (to the key, or to the identity's
// own recipient) the age CLI decrypts; both through the age binary.
func TestSSHInteropWithAgeCLI(t *testing.T) {
	t.Parallel()
	requireTool(t, "age", "ssh-keygen")
	dir := t.TempDir()
	for _, kt := range []struct{ name, args string }{
		{"ed25519", "-t ed25519"},
		{"rsa", "-t rsa -b 3072"},
		{"rsa-pem", "-t rsa -b 2048 -m PEM"},
	} {
		t.Run(kt.name, func(t *testing.T) {
			key, pub := sshKey(t, dir, kt.name, strings.Fields(kt.args)...)
			path, log := standIn(t, true)
			c, err := ageio.Open(ageio.Options{Env: []string{"PATH=" + path, "PASSAGE_IDENTITIES_FILE=" + key}})
			if err != nil {
				t.Fatal(err)
			}
			for _, rs := range [][]string{{pub}, nil, {"# me", pub + " comment"}} {
				ct := encryptString(t, c, entry, rs)
				if !bytes.Contains(ct, []byte("\n-> "+strings.Fields(pub)[0]+" ")) {
					t.Errorf("recipients %q: no %s stanza", rs, strings.Fields(pub)[0])
				}
				f := filepath.Join(dir, kt.name+".age")
				os.WriteFile(f, ct, 0o600)
				if got := string(run(t, nil, "age", "-d", "-i", key, f)); got != entry {
					t.Errorf("recipients %q: age -d = %q", rs, got)
				}
			}
			for _, args := range [][]string{{"-e", "-R", key + ".pub"}, {"-e", "-a", "-r", pub}} {
				ct := run(t, []byte(entry), "age", args...)
				got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
				if err != nil || string(got) != entry {
					t.Errorf("%v: Decrypt = (%q, %v)", args, got, err)
				}
			}
			if n := ageRuns(t, log); n != 5 {
				t.Errorf("age ran %d times, want 5 (3 encrypt, 2 decrypt)", n)
			}
			// A file for another key: age is not run, ErrNoMatch.
			_, other := sshKey(t, dir, kt.name+"-other", strings.Fields(kt.args)...)
			ct := run(t, []byte(entry), "age", "-e", "-r", other)
			if _, err := c.Decrypt(context.Background(), bytes.NewReader(ct)); !errors.Is(err, ageio.ErrNoMatch) {
				t.Errorf("file for another ssh key: err = %v, want ErrNoMatch", err)
			}
			if n := ageRuns(t, log); n != 5 {
				t.Errorf("age ran for a file not for the key (%d runs)", n)
			}
		})
	}
}

// TestSSHMixedNativeWins: a file for an X25519 key and an ssh key opens
// natively when the X25519 identity is there: no age process runs (the
// age on PATH is a stand-in that logs and fails). Writing to native
// recipients only runs no age either; an ssh recipient does.
func TestSSHMixedNativeWins(t *testing.T) {
	t.Parallel()
	requireTool(t, "age", "age-keygen", "ssh-keygen")
	home := t.TempDir()
	sshd := filepath.Join(home, ".ssh")
	os.MkdirAll(sshd, 0o700)
	sshFile, sshPub := sshKey(t, sshd, "id_ed25519", "-t", "ed25519")
	xFile, xPub := keygen(t, t.TempDir(), "keys")
	fake, log := standIn(t, false)
	// gopass mode: the keyring holds the X25519 key, ~/.ssh the ssh key.
	c, err := ageio.Open(ageio.Options{Mode: ageio.Gopass, IdentitiesFiles: []string{xFile}, Env: []string{"HOME=" + home, "PATH=" + fake}})
	if err != nil {
		t.Fatal(err)
	}
	ct := run(t, []byte(entry), "age", "-e", "-r", xPub, "-r", sshPub)
	if got, err := c.Decrypt(context.Background(), bytes.NewReader(ct)); err != nil || string(got) != entry {
		t.Fatalf("Decrypt of an X25519+ssh file = (%q, %v)", got, err)
	}
	if n := ageRuns(t, log); n != 0 {
		t.Fatalf("age ran %d times for a file a native identity opens", n)
	}
	encryptString(t, c, entry, []string{xPub})
	if n := ageRuns(t, log); n != 0 {
		t.Fatalf("age ran %d times to encrypt to native recipients", n)
	}
	// Only the ssh key opens it: the stand-in runs (and fails: exit 97).
	ct = run(t, []byte(entry), "age", "-e", "-r", sshPub)
	_, err = c.Decrypt(context.Background(), bytes.NewReader(ct))
	var ae *ageio.AgeError
	if !errors.As(err, &ae) || ae.ExitCode != 97 || ageRuns(t, log) != 1 {
		t.Fatalf("Decrypt of an ssh-only file with a failing age: %v (runs %d)", err, ageRuns(t, log))
	}
	if want := []string{"age", "--decrypt", "-i", sshFile}; strings.Join(ae.Args, " ") != strings.Join(want, " ") {
		t.Errorf("age args = %q, want %q", ae.Args, want)
	}
}

// TestNeedAgeBinary: without the age binary, an ssh key gives a clear
// typed error naming the key; encryption fails before writing anything.
func TestNeedAgeBinary(t *testing.T) {
	t.Parallel()
	requireTool(t, "age", "ssh-keygen")
	dir := t.TempDir()
	key, pub := sshKey(t, dir, "id", "-t", "ed25519")
	empty := t.TempDir()
	for _, env := range [][]string{
		{"PATH=" + empty, "PASSAGE_IDENTITIES_FILE=" + key},
		{"PATH=" + os.Getenv("PATH"), "PASSAGE_AGE=no-such-age", "PASSAGE_IDENTITIES_FILE=" + key},
	} {
		c, _ := ageio.Open(ageio.Options{Env: env})
		ct := run(t, []byte(entry), "age", "-e", "-r", pub)
		_, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
		var ne *ageio.NeedAgeError
		if !errors.Is(err, ageio.ErrNeedAgeBinary) || !errors.As(err, &ne) || ne.Key != key ||
			!strings.Contains(err.Error(), "install age") {
			t.Errorf("%q: Decrypt err = %v, want a NeedAgeError for %s", env, err, key)
		}
		var dst bytes.Buffer
		w, err := c.Encrypt(context.Background(), &dst, []string{pub})
		if !errors.Is(err, ageio.ErrNeedAgeBinary) || w != nil || dst.Len() != 0 {
			t.Errorf("%q: Encrypt = %v, %v (wrote %d bytes)", env, w, err, dst.Len())
		}
	}
}

// TestPassageAge: passage mode runs $PASSAGE_AGE; gopass mode ignores it.
func TestPassageAge(t *testing.T) {
	t.Parallel()
	requireTool(t, "age", "ssh-keygen")
	dir := t.TempDir()
	key, pub := sshKey(t, dir, "id", "-t", "ed25519")
	sd, log := standIn(t, true)
	c, _ := ageio.Open(ageio.Options{Env: []string{"PATH=/nonexistent", "PASSAGE_AGE=" + filepath.Join(sd, "age"), "PASSAGE_IDENTITIES_FILE=" + key}})
	ct := encryptString(t, c, entry, []string{pub})
	if got, err := c.Decrypt(context.Background(), bytes.NewReader(ct)); err != nil || string(got) != entry || ageRuns(t, log) != 2 {
		t.Errorf("with PASSAGE_AGE: (%q, %v), %d runs", got, err, ageRuns(t, log))
	}
	g, _ := ageio.Open(ageio.Options{Mode: ageio.Gopass, IdentitiesFiles: []string{key}, Env: []string{"PATH=/nonexistent", "PASSAGE_AGE=" + filepath.Join(sd, "age")}})
	if _, err := g.Decrypt(context.Background(), bytes.NewReader(ct)); !errors.Is(err, ageio.ErrNeedAgeBinary) {
		t.Errorf("gopass mode used PASSAGE_AGE: %v", err)
	}
}

// TestGopassSSHKeys: in gopass mode the ssh key pairs of ~/.ssh decrypt too,
// as in gopass, through the age binary; ageio reads only their .pub files.
func TestGopassSSHKeys(t *testing.T) {
	t.Parallel()
	requireTool(t, "age", "ssh-keygen")
	home := t.TempDir()
	sshd := filepath.Join(home, ".ssh")
	os.MkdirAll(sshd, 0o700)
	sshKey(t, sshd, "id_ed25519", "-t", "ed25519")
	sshKey(t, sshd, "id_rsa", "-t", "rsa", "-b", "2048")
	protectedSSHKey(t, filepath.Join(sshd, "id_prot"), "sshpw")
	os.WriteFile(filepath.Join(sshd, "known_hosts"), []byte("x\n"), 0o600)
	c, err := ageio.Open(ageio.Options{Mode: ageio.Gopass, Env: []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id_ed25519", "id_rsa"} {
		ct := run(t, []byte(entry), "age", "-e", "-R", filepath.Join(sshd, k+".pub"))
		if got, err := c.Decrypt(context.Background(), bytes.NewReader(ct)); err != nil || string(got) != entry {
			t.Errorf("Decrypt with ~/.ssh/%s = (%q, %v)", k, got, err)
		}
	}
}

// TestProtectedSSHKeyNoTerminal: a passphrase-protected ssh key without a
// terminal fails at once with age's reason; it never waits for input. The
// decryption runs in a child without a controlling terminal (setsid), so
// the test behaves the same when run from a terminal.
func TestProtectedSSHKeyNoTerminal(t *testing.T) {
	t.Parallel()
	requireTool(t, "age")
	dir := t.TempDir()
	key := filepath.Join(dir, "id_prot")
	pub := protectedSSHKey(t, key, "sshpw")
	ct := filepath.Join(dir, "e.age")
	os.WriteFile(ct, run(t, []byte(entry), "age", "-e", "-r", pub), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a hang guard, not a benchmark
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperDecrypt$")
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", "AGEIO_HELPER_IDS="+key, "AGEIO_HELPER_FILE="+ct)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Stdin = nil
	out, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("decrypting with a protected ssh key and no terminal hung:\n%s", out)
	}
	s := string(out)
	if !strings.Contains(s, "ERR AgeError") || !strings.Contains(s, "passphrase") || !strings.Contains(s, key) {
		t.Errorf("helper output:\n%s\nwant an AgeError about the passphrase of %s", s, key)
	}
	if strings.Contains(s, "hunter1") {
		t.Errorf("plaintext in the output")
	}
}

// TestProtectedSSHKeyTerminal: on a terminal age asks for the protected
// key's passphrase itself (driven by expect through a pseudo-terminal).
func TestProtectedSSHKeyTerminal(t *testing.T) {
	t.Parallel()
	requireTool(t, "age", "expect")
	dir := t.TempDir()
	key := filepath.Join(dir, "id_prot")
	pub := protectedSSHKey(t, key, "sshpw")
	ct := filepath.Join(dir, "e.age")
	os.WriteFile(ct, run(t, []byte(entry), "age", "-e", "-r", pub), 0o600)
	script := filepath.Join(dir, "p.exp")
	// The passphrase lives in the script file, never on a command line.
	exp := "set timeout 60\nspawn -noecho " + os.Args[0] + " -test.run=^TestHelperDecrypt$\n" +
		"expect \"passphrase\"\nsend \"sshpw\\r\"\nexpect eof\n"
	if err := os.WriteFile(script, []byte(exp), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("expect", script)
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", "AGEIO_HELPER_IDS="+key, "AGEIO_HELPER_FILE="+ct)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK "+strings.Split(entry, "\n")[1]) {
		t.Errorf("expect: %v\n%s", err, out)
	}
}

// TestHelperDecrypt is the child of the two tests above: it decrypts
// $AGEIO_HELPER_FILE with the identities file $AGEIO_HELPER_IDS and prints
// the result.
func TestHelperDecrypt(t *testing.T) {
	ids, file := os.Getenv("AGEIO_HELPER_IDS"), os.Getenv("AGEIO_HELPER_FILE")
	if ids == "" {
		return // only a child of the tests above does something
	}
	c, _ := ageio.Open(ageio.Options{Env: []string{"PATH=" + os.Getenv("PATH"), "PASSAGE_IDENTITIES_FILE=" + ids}})
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	plain, err := c.Decrypt(context.Background(), f)
	var ae *ageio.AgeError
	switch {
	case errors.As(err, &ae):
		fmt.Printf("ERR AgeError %v\n", err)
	case err != nil:
		fmt.Printf("ERR %T %v\n", err, err)
	default:
		fmt.Printf("OK %s\n", strings.Split(string(plain), "\n")[1])
	}
}

func TestParseSSHRecipients(t *testing.T) {
	rsa := "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDK" // truncated
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"ed25519", testSSHPub, true},
		{"ed25519 comment", testSSHPub + " me@host", true},
		{"bad base64", "ssh-ed25519 AAAA!!", false},
		{"truncated rsa", rsa, false},
		{"ecdsa", "ecdsa-sha2-nistp256 AAAA", false},
		{"ssh-dss", "ssh-dss AAAAB3NzaC1kc3M=", false},
		{"type mismatch", "ssh-rsa " + strings.Fields(testSSHPub)[1], false},
		{"only type", "ssh-ed25519", false},
	}
	for _, tt := range tests {
		r, err := ageio.ParseRecipient(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("%s: ParseRecipient = %v, %v; want ok=%v", tt.name, r, err, tt.ok)
		}
		if err == nil && fmt.Sprint(r) != testSSHPub {
			t.Errorf("%s: String() = %q", tt.name, r)
		}
	}
	// Used directly with age.Encrypt, an ssh recipient says what it needs.
	r, _ := ageio.ParseRecipient(testSSHPub)
	if _, err := age.Encrypt(&bytes.Buffer{}, r); !errors.Is(err, ageio.ErrNeedAgeBinary) {
		t.Errorf("age.Encrypt with an ssh recipient: %v", err)
	}
}

// TestSSHConcurrentDecrypt: `ls --codes` decrypts in parallel; entries
// that need the age binary run it one at a time and all succeed. The
// stand-in age fails (exit 98) when another run of it is under way, so the
// test fails if the runs overlap.
func TestSSHConcurrentDecrypt(t *testing.T) {
	t.Parallel()
	requireTool(t, "age", "ssh-keygen")
	dir := t.TempDir()
	key, pub := sshKey(t, dir, "id", "-t", "ed25519")
	realAge, err := exec.LookPath("age")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	lock := filepath.Join(bin, "running")
	script := "#!/bin/sh\nmkdir " + lock + " 2>/dev/null || exit 98\nsleep 0.2\n" +
		realAge + " \"$@\"\nrc=$?\nrmdir " + lock + "\nexit $rc\n"
	if err := os.WriteFile(filepath.Join(bin, "age"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	c, _ := ageio.Open(ageio.Options{Env: []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "PASSAGE_IDENTITIES_FILE=" + key}})
	ct := run(t, []byte(entry), "age", "-e", "-r", pub)
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := c.Decrypt(context.Background(), bytes.NewReader(ct)); err != nil || string(got) != entry {
				t.Errorf("Decrypt = (%q, %v)", got, err)
			}
		}()
	}
	wg.Wait()
}
