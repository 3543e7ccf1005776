package ageio_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"filippo.io/age"

	"github.com/passotp/passotp/ageio"
)

const entry = "hunter1!\notpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"

// requireTool fails (or skips with PASSOTP_ALLOW_SKIP=1) when a tool is missing.
func requireTool(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("PASSOTP_ALLOW_SKIP") == "1" {
				t.Skipf("%s not installed", n)
			}
			t.Fatalf("%s not installed (install it, or set PASSOTP_ALLOW_SKIP=1)", n)
		}
	}
}

// run runs a command with stdin and returns stdout; it fails the test on error.
func run(t *testing.T, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, errb.String())
	}
	return out.Bytes()
}

// keygen makes an identities file with age-keygen and returns its path and
// the public recipient.
func keygen(t *testing.T, dir, name string) (file, recipient string) {
	t.Helper()
	file = filepath.Join(dir, name)
	run(t, nil, "age-keygen", "-o", file)
	pub := run(t, nil, "age-keygen", "-y", file)
	return file, strings.TrimSpace(string(pub))
}

func encryptString(t *testing.T, c *ageio.Client, plain string, recipients []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := c.Encrypt(context.Background(), &buf, recipients)
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	if _, err := w.Write([]byte(plain)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPassageInteropWithAgeCLI(t *testing.T) {
	requireTool(t, "age", "age-keygen")
	dir := t.TempDir()
	ids, rcp := keygen(t, dir, "identities")
	c, err := ageio.Open(ageio.Options{Env: []string{"HOME=/nonexistent", "PASSAGE_IDENTITIES_FILE=" + ids}})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ageio writes, age -d reads", func(t *testing.T) {
		for _, rs := range [][]string{{rcp}, nil, {"# comment", "", rcp + " # me"}} {
			ct := encryptString(t, c, entry, rs)
			f := filepath.Join(dir, "w.age")
			if err := os.WriteFile(f, ct, 0o600); err != nil {
				t.Fatal(err)
			}
			if got := string(run(t, nil, "age", "-d", "-i", ids, f)); got != entry {
				t.Errorf("age -d = %q, want %q", got, entry)
			}
		}
	})
	t.Run("age -e writes, ageio reads", func(t *testing.T) {
		for _, args := range [][]string{{"-e", "-r", rcp}, {"-e", "-a", "-r", rcp}, {"-e", "-R", ids + ".pub"}} {
			if err := os.WriteFile(ids+".pub", []byte(rcp+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			ct := run(t, []byte(entry), "age", args...)
			got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
			if err != nil {
				t.Fatalf("%v: Decrypt: %v", args, err)
			}
			if string(got) != entry {
				t.Errorf("%v: got %q, want %q", args, got, entry)
			}
		}
	})
	t.Run("other identity", func(t *testing.T) {
		_, other := keygen(t, dir, "other")
		ct := run(t, []byte(entry), "age", "-e", "-r", other)
		_, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
		if !errors.Is(err, ageio.ErrNoMatch) {
			t.Errorf("Decrypt with a foreign recipient: err = %v, want ErrNoMatch", err)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		ct := run(t, []byte(entry), "age", "-e", "-r", rcp)
		ct[len(ct)-3] ^= 1
		got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
		if err == nil || got != nil {
			t.Errorf("Decrypt of a tampered file: (%q, %v), want an error", got, err)
		}
	})
}

// protect encrypts plain with an scrypt passphrase, as `age -p` and gopass do.
func protect(t *testing.T, plain, pass string) []byte {
	t.Helper()
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10) // fast for tests; the format is the same
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(plain))
	w.Close()
	return buf.Bytes()
}

func TestProtectedIdentities(t *testing.T) {
	requireTool(t, "age", "age-keygen")
	dir := t.TempDir()
	plainIDs, rcp := keygen(t, dir, "plain")
	keys, err := os.ReadFile(plainIDs)
	if err != nil {
		t.Fatal(err)
	}
	ct := run(t, []byte(entry), "age", "-e", "-r", rcp)

	// passage: an `age -p` identities file, passphrase from the callback.
	prot := filepath.Join(dir, "identities")
	if err := os.WriteFile(prot, protect(t, string(keys), "s3cret pass"), 0o600); err != nil {
		t.Fatal(err)
	}
	calls := 0
	ask := func(pass string) func(string) ([]byte, error) {
		return func(file string) ([]byte, error) {
			calls++
			if file != prot {
				t.Errorf("passphrase asked for %q, want %q", file, prot)
			}
			return []byte(pass), nil
		}
	}
	tests := []struct {
		name    string
		opts    ageio.Options
		wantErr error
		calls   int
	}{
		{"callback", ageio.Options{Env: []string{"PASSAGE_IDENTITIES_FILE=" + prot}, Passphrase: ask("s3cret pass")}, nil, 1},
		{"wrong passphrase", ageio.Options{Env: []string{"PASSAGE_IDENTITIES_FILE=" + prot}, Passphrase: ask("nope")}, ageio.ErrBadPassphrase, 1},
		{"no callback", ageio.Options{Env: []string{"PASSAGE_IDENTITIES_FILE=" + prot}}, ageio.ErrPassphraseRequired, 0},
		{"passage ignores GOPASS_AGE_PASSWORD", ageio.Options{Env: []string{"PASSAGE_IDENTITIES_FILE=" + prot, "GOPASS_AGE_PASSWORD=s3cret pass"}}, ageio.ErrPassphraseRequired, 0},
		{"gopass env password", ageio.Options{Mode: ageio.Gopass, IdentitiesFiles: []string{prot}, Env: []string{"GOPASS_AGE_PASSWORD=s3cret pass"}}, nil, 0},
		{"gopass env wins over callback", ageio.Options{Mode: ageio.Gopass, IdentitiesFiles: []string{prot}, Env: []string{"GOPASS_AGE_PASSWORD=s3cret pass"}, Passphrase: ask("x")}, nil, 0},
		{"gopass callback", ageio.Options{Mode: ageio.Gopass, IdentitiesFiles: []string{prot}, Passphrase: ask("s3cret pass")}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = 0
			c, err := ageio.Open(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ { // identities load once
				got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Decrypt err = %v, want %v", err, tt.wantErr)
				}
				if err == nil && string(got) != entry {
					t.Fatalf("Decrypt = %q", got)
				}
				if err != nil && strings.Contains(err.Error(), "AGE-SECRET-KEY") {
					t.Fatalf("error shows key material")
				}
			}
			if calls != tt.calls {
				t.Errorf("passphrase callback called %d times, want %d", calls, tt.calls)
			}
		})
	}
}

func TestGopassKeyring(t *testing.T) {
	requireTool(t, "age", "age-keygen")
	home := t.TempDir()
	xdg := filepath.Join(home, "xdg")
	gid := filepath.Join(xdg, "gopass", "age", "identities")
	if err := os.MkdirAll(filepath.Dir(gid), 0o700); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	k1, r1 := keygen(t, tmp, "k1")
	kb, _ := os.ReadFile(k1)
	var line string
	for _, l := range strings.Split(string(kb), "\n") {
		if strings.HasPrefix(l, "AGE-SECRET-KEY-1") {
			line = l
		}
	}
	// gopass stores "<identity>|<recipient>" lines.
	if err := os.WriteFile(gid, protect(t, line+"|"+r1+"\n", "pw"), 0o600); err != nil {
		t.Fatal(err)
	}
	// the passage identities gopass also loads
	if err := os.MkdirAll(filepath.Join(home, ".passage"), 0o700); err != nil {
		t.Fatal(err)
	}
	pid, r2 := keygen(t, filepath.Join(home, ".passage"), "identities")
	_ = pid
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + xdg, "GOPASS_AGE_PASSWORD=pw"}
	files, err := ageio.IdentitiesFiles(ageio.Gopass, env)
	if err != nil || files[0] != gid || files[1] != filepath.Join(home, ".passage", "identities") {
		t.Fatalf("IdentitiesFiles = %q, %v", files, err)
	}
	c, err := ageio.Open(ageio.Options{Mode: ageio.Gopass, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	_, other := keygen(t, tmp, "other")
	ct := encryptString(t, c, entry, []string{other})
	// gopass adds its keyring's recipients (not the passage identities').
	f := filepath.Join(tmp, "x.age")
	os.WriteFile(f, ct, 0o600)
	for _, k := range []string{k1, filepath.Join(tmp, "other")} {
		if got := string(run(t, nil, "age", "-d", "-i", k, f)); got != entry {
			t.Errorf("age -d -i %s = %q", k, got)
		}
	}
	if err := exec.Command("age", "-d", "-i", pid, f).Run(); err == nil {
		t.Errorf("the passage identity was added as a recipient; gopass adds only its keyring's")
	}
	for _, r := range []string{r1, r2} {
		ct := run(t, []byte(entry), "age", "-e", "-r", r)
		if got, err := c.Decrypt(context.Background(), bytes.NewReader(ct)); err != nil || string(got) != entry {
			t.Errorf("Decrypt for %s = (%q, %v)", r, got, err)
		}
	}

	// GOPASS_HOMEDIR relocates everything.
	files, _ = ageio.IdentitiesFiles(ageio.Gopass, append(env, "GOPASS_HOMEDIR=/g"))
	if want := []string{"/g/.config/gopass/age/identities", "/g/.passage/identities"}; strings.Join(files, " ") != strings.Join(want, " ") {
		t.Errorf("with GOPASS_HOMEDIR: %q, want %q", files, want)
	}
}

func TestNoIdentities(t *testing.T) {
	c, err := ageio.Open(ageio.Options{Env: []string{"HOME=" + t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Decrypt(context.Background(), strings.NewReader("age-encryption.org/v1\n")); !errors.Is(err, ageio.ErrNoIdentities) {
		t.Errorf("err = %v, want ErrNoIdentities", err)
	}
	if _, err := ageio.Open(ageio.Options{}); err == nil {
		t.Errorf("Open without HOME: no error")
	}
}

// ls decrypts many entries at once with one Client: identities load once
// (one passphrase prompt) and decryption is safe in parallel.
func TestConcurrentDecrypt(t *testing.T) {
	dir := t.TempDir()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	prot := filepath.Join(dir, "identities")
	if err := os.WriteFile(prot, protect(t, id.String()+"\n", "pw"), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := 0
	c, err := ageio.Open(ageio.Options{IdentitiesFiles: []string{prot}, Passphrase: func(string) ([]byte, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return []byte("pw"), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, id.Recipient())
	w.Write([]byte(entry))
	w.Close()
	ct := buf.Bytes()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
			if err != nil || string(got) != entry {
				t.Errorf("Decrypt = %q, %v", got, err)
			}
		}()
	}
	wg.Wait()
	if calls != 1 {
		t.Errorf("passphrase asked %d times, want 1", calls)
	}
}

// TestAgeDashP opens an identities file protected by the real `age -p`
// (driven through a pseudo-terminal by expect), as passage users make it.
// One real scrypt derivation (work factor 18): a few seconds.
func TestAgeDashP(t *testing.T) {
	t.Parallel() // the real work factor is slow, more so under -race
	requireTool(t, "age", "age-keygen", "expect")
	dir := t.TempDir()
	plain, rcp := keygen(t, dir, "plain")
	prot := filepath.Join(dir, "identities")
	script := filepath.Join(dir, "p.exp")
	// The passphrase lives in the script file, never on a command line.
	exp := "set timeout 60\n" +
		"spawn age -p -o " + prot + " " + plain + "\n" +
		"expect \"passphrase\"\nsend \"s3cret pass\\r\"\n" +
		"expect \"onfirm\"\nsend \"s3cret pass\\r\"\nexpect eof\n"
	if err := os.WriteFile(script, []byte(exp), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, nil, "expect", script)
	if b, _ := os.ReadFile(prot); !bytes.HasPrefix(b, []byte("age-encryption.org/v1\n-> scrypt ")) {
		t.Fatalf("age -p wrote %q…", b[:min(len(b), 40)])
	}
	os.Remove(plain)
	ct := run(t, []byte(entry), "age", "-e", "-r", rcp)
	c, err := ageio.Open(ageio.Options{Env: []string{"PASSAGE_IDENTITIES_FILE=" + prot},
		Passphrase: func(string) ([]byte, error) { return []byte("s3cret pass"), nil }})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || string(got) != entry {
		t.Errorf("Decrypt with an age -p identities file = (%q, %v)", got, err)
	}
}
