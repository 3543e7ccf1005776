package passstore

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// gpgCrypt encrypts and decrypts with the real gpg binary in a testkeys
// home, as pass does (the plaintext on stdin, never in argv).
type gpgCrypt struct{ home string }

func (g gpgCrypt) Encrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error) {
	args := []string{"--encrypt", "--compress-algo=none", "--no-encrypt-to", "--trust-model", "always"}
	for _, r := range recipients {
		args = append(args, "-r", r)
	}
	return &gpgWriter{g: g, args: args, dst: dst}, nil
}

type gpgWriter struct {
	g    gpgCrypt
	args []string
	dst  io.Writer
	buf  bytes.Buffer
}

func (w *gpgWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *gpgWriter) Close() error {
	out, err := testkeys.RunGPG(w.g.home, w.buf.Bytes(), w.args...)
	if err != nil {
		return err
	}
	_, err = w.dst.Write(out)
	return err
}

func (g gpgCrypt) Decrypt(ctx context.Context, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return testkeys.RunGPG(g.home, b, "--decrypt")
}

// TestPassInterop: entries written by Store.Write are read by the real
// pass and pass otp; entries written by pass otp insert are read by
// Store.Read; both agree on modes and recipients.
func TestPassInterop(t *testing.T) {
	t.Parallel()
	testkeys.RequireGPG(t)
	testkeys.Require(t, "pass", "git", "oathtool")
	home := testkeys.Home(t)
	env := gitEnvFor(t, append(identEnv, "GNUPGHOME="+home)...)
	s, dir := gitStore(t, env)
	writeFile(t, dir+"/.gpg-id", testkeys.RSA.Fpr+"\n")
	writeFile(t, dir+"/team/.gpg-id", "# team\n"+testkeys.Cv25519.Email+" # cv\n"+testkeys.P256.Fpr) // no final newline
	gitIn(t, env, dir, "add", ".")
	gitIn(t, env, dir, "commit", "-q", "-m", "Set GPG id.")
	g := gpgCrypt{home}
	ctx := context.Background()
	pass := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command("pass", args...)
		cmd.Env = append(env, "PASSWORD_STORE_DIR="+dir)
		cmd.Stdin = strings.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pass %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}
	const uri = "otpauth://totp/ACME:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"
	content := "hunter2\n" + uri + "\n"
	for _, name := range []string{"web/acme", "team/aws/arn:aws:iam::123456789012:mfa/alice"} {
		created, err := s.Write(ctx, name, []byte(content), g)
		if err != nil {
			t.Fatalf("Write(%q): %v", name, err)
		}
		if len(created) == 0 {
			t.Errorf("Write(%q) created no directories", name)
		}
		if err := s.Commit(name, "Add OTP secret for "+name+" to store."); err != nil {
			t.Fatal(err)
		}
		if got := pass("", "show", name); got != content {
			t.Errorf("pass show %s = %q", name, got)
		}
		oath := func() string {
			cmd := exec.Command("oathtool", "--totp", "-b", "-") // the secret on stdin
			cmd.Stdin = strings.NewReader("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatal(err)
			}
			return strings.TrimSpace(string(out))
		}
		before := oath()
		code := strings.TrimSpace(pass("", "otp", name))
		if after := oath(); code != before && code != after {
			t.Errorf("pass otp %s = %q, oathtool says %s/%s", name, code, before, after)
		}
		if m := mode(t, s.Path(name)); m != 0o600 {
			t.Errorf("mode %03o", m)
		}
	}
	// The team entry is encrypted to both team recipients, as pass would.
	out, err := testkeys.RunGPG(home, nil, "--list-packets", s.Path("team/aws/arn:aws:iam::123456789012:mfa/alice"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{testkeys.Cv25519.SubID, testkeys.P256.SubID} {
		if !strings.Contains(string(out), strings.ToUpper(id)) {
			t.Errorf("team entry not encrypted to %s:\n%s", id, out)
		}
	}
	// pass writes, Store reads; and the history is one git log.
	pass(uri+"\n", "otp", "insert", "from/pass")
	pt, err := s.Read(ctx, "from/pass", g)
	if err != nil || string(pt) != uri+"\n" {
		t.Errorf("Read of pass's entry = %q, %v", pt, err)
	}
	if log := pass("", "git", "log", "--format=%s"); !strings.HasPrefix(log, "Add OTP secret for from/pass to store.\nAdd OTP secret for team/aws/arn:aws:iam::123456789012:mfa/alice to store.\nAdd OTP secret for web/acme to store.\n") {
		t.Errorf("git log:\n%s", log)
	}
	if _, err := os.Stat(dir + "/from/pass.gpg"); err != nil {
		t.Fatal(err)
	}
	checkRepo(t, env, dir, "--untracked-files=no")
}

// TestRecipientsFileLikePass asks the real pass which .gpg-id it uses
// (its PASSWORD_STORE_SIGNING_KEY message names the file) and compares the
// path, byte for byte, with Recipients.
func TestRecipientsFileLikePass(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "pass")
	base := t.TempDir()
	writeFile(t, base+"/.gpg-id", "TOP\n")
	writeFile(t, base+"/a/.gpg-id", "A\n")
	writeFile(t, base+"/a/b/c/.gpg-id", "C\n")
	for _, prefix := range []string{base, base + "/", base + "//"} {
		s := Open(Options{Dir: prefix})
		for _, name := range []string{"x", "a/x", "a/b/x", "a/b/c/x", "a//x", "a/./b/x", "new/deep/x", "a/b/c/d/e/x"} {
			cmd := exec.Command("pass", "insert", "-e", name)
			cmd.Env = append(os.Environ(), "PASSWORD_STORE_DIR="+prefix,
				"PASSWORD_STORE_SIGNING_KEY=0000000000000000000000000000000000000000")
			cmd.Stdin = strings.NewReader("pw\n")
			out, _ := cmd.CombinedOutput()
			var passFile string
			for _, l := range strings.Split(string(out), "\n") {
				if f, ok := strings.CutPrefix(l, "Signature for "); ok {
					passFile = strings.TrimSuffix(f, " does not exist.")
				}
			}
			_, file, err := s.Recipients(name)
			if err != nil || file != passFile {
				t.Errorf("PREFIX=%q NAME=%q: Recipients file %q (%v), pass uses %q", prefix, name, file, err, passFile)
			}
		}
	}
}
