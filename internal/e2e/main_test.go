package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

var (
	root       string // the module root
	passotpBin string // cmd/passotp built by TestMain
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	abs, err := filepath.Abs("../..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	root = abs
	dir, err := os.MkdirTemp("", "passotp-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	passotpBin = filepath.Join(dir, "passotp")
	if bin := os.Getenv("PASSOTP_E2E_BIN"); bin != "" {
		// A given build, e.g. a release binary, named passotp for argv[0].
		if err := os.Symlink(bin, passotpBin); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}
	cmd := exec.Command("go", "build", "-tags", "urfave_cli_no_docs", "-o", passotpBin, "./cmd/passotp")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build ./cmd/passotp: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// RFC 6238's SHA1 seed "12345678901234567890" in base32, and a 64-character
// secret like AWS's virtual MFA devices use. Throwaway values.
const (
	rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	awsSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	arn       = "arn:aws:iam::123456789012:mfa/alice"
)

var (
	uriACME = "otpauth://totp/ACME:alice@example.com?secret=" + rfcSecret + "&issuer=ACME"
	uriAWS  = "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=" + awsSecret + "&issuer=Amazon%20Web%20Services"
	uri256  = "otpauth://totp/Example:bob?secret=" + rfcSecret + "&algorithm=SHA256&digits=8&period=60"
)

// sandbox is a throwaway HOME, GNUPGHOME and pass store initialised by the
// real pass for the cv25519 test key.
type sandbox struct {
	home, gnupg, store string
	env                []string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	testkeys.RequireGPG(t)
	testkeys.Require(t, "pass", "bash")
	s := &sandbox{home: t.TempDir(), gnupg: testkeys.Home(t)}
	s.store = filepath.Join(s.home, ".password-store")
	s.env = []string{
		"HOME=" + s.home,
		"GNUPGHOME=" + s.gnupg,
		"PASSWORD_STORE_DIR=" + s.store,
		"PATH=/usr/bin:/bin",
		"LC_ALL=C.UTF-8",
	}
	r := s.run(t, nil, "pass", "init", testkeys.Cv25519.Fpr)
	if r.code != 0 {
		t.Fatalf("pass init: %s", r)
	}
	return s
}

// with returns the sandbox environment with extra variables added (later
// ones win).
func (s *sandbox) with(extra ...string) []string {
	env := append([]string(nil), s.env...)
	return append(env, extra...)
}

// insert stores plaintext as NAME with the real pass.
func (s *sandbox) insert(t *testing.T, name, plaintext string) {
	t.Helper()
	r := s.run(t, []byte(plaintext), "pass", "insert", "-m", "-f", name)
	if r.code != 0 {
		t.Fatalf("pass insert %s: %s", name, r)
	}
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout: %q\nstderr: %q", r.code, r.stdout, r.stderr)
}

func (s *sandbox) run(t *testing.T, stdin []byte, name string, args ...string) result {
	t.Helper()
	return runEnv(t, s.env, stdin, name, args...)
}

// runEnv runs name in a new session (no controlling terminal, as under
// aws-vault), with stdin from the given bytes or /dev/null. It fails the
// test if the command does not end within a minute.
func runEnv(t *testing.T, env []string, stdin []byte, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	} // else os.DevNull
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out", name, strings.Join(args, " "))
	}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", name, err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// oathtool returns oathtool's TOTP code for the base32 secret at unix time
// at; the secret goes on stdin, never in argv.
func oathtool(t *testing.T, secret string, at int64, extra ...string) string {
	t.Helper()
	testkeys.Require(t, "oathtool")
	mode := "--totp"
	if len(extra) > 0 && strings.HasPrefix(extra[0], "--totp=") {
		mode, extra = extra[0], extra[1:]
	}
	args := append([]string{mode, "-b", "-N", fmt.Sprintf("@%d", at)}, extra...)
	args = append(args, "-")
	cmd := exec.Command("oathtool", args...)
	cmd.Stdin = strings.NewReader(secret + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// copyFile copies src to dst with mode.
func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil {
		t.Fatal(err)
	}
}

// dropIn returns a directory holding `pass` as a symlink to passotp.
func dropIn(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Symlink(passotpBin, filepath.Join(dir, "pass")); err != nil {
		t.Fatal(err)
	}
	return dir
}
