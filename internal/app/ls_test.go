package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passotp/passotp/passstore"
)

// plainCrypto "decrypts" by reading the file as is; files whose content
// starts with "BAD" fail, as a key the agent cannot use would.
type plainCrypto struct{}

func (plainCrypto) Decrypt(_ context.Context, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(r)
	if bytes.HasPrefix(b, []byte("BAD")) {
		return nil, errors.New("no secret key")
	}
	return b, err
}

func (plainCrypto) Encrypt(context.Context, io.Writer, []string) (io.WriteCloser, error) {
	return nil, errors.New("read only")
}

func (plainCrypto) Close() error { return nil }

// TestLsWorkers runs ls over many entries with the worker pool (run with
// -race): sorted output, codes for the fixed clock, HOTP untouched, entries
// without OTP data skipped, failures reported and the rest still listed.
func TestLsWorkers(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name+".gpg")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var want strings.Builder
	for i := 0; i < 60; i++ {
		name := fmt.Sprintf("d%d/e%02d", i%3, i)
		switch {
		case i%10 == 7:
			write(name, "just a password\n")
		case i%10 == 8:
			write(name, "pw\notpauth://hotp/H:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=1\n")
		case i%10 == 9:
			write(name, "pw\ntotp: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n") // gopass key
		default:
			write(name, "pw\notpauth://totp/T:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n")
		}
	}
	write("zz/broken", "BAD")
	// Expected, in name order.
	names, _ := filepath.Glob(filepath.Join(dir, "*", "*.gpg"))
	for _, p := range names {
		n := strings.TrimSuffix(strings.TrimPrefix(p, dir+"/"), ".gpg")
		b, _ := os.ReadFile(p)
		switch {
		case strings.Contains(string(b), "otpauth://hotp"):
			want.WriteString(n + "\thotp\n")
		case strings.Contains(string(b), "otpauth://"), strings.Contains(string(b), "totp: "):
			want.WriteString(n + "\t287082\t1s\n")
		}
	}

	var out, errb bytes.Buffer
	a := &App{Stdout: &out, Stderr: &errb, Now: func() time.Time { return time.Unix(59, 0) },
		Store: passstore.Open(passstore.Options{Dir: dir, Umask: 0o077}), Crypto: plainCrypto{}}
	err := a.runLs(context.Background(), lsOptions{Codes: true}, "")
	if !errors.Is(err, errSilent) {
		t.Errorf("runLs err = %v, want the silent exit 1 after a failed entry", err)
	}
	if out.String() != want.String() {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want.String())
	}
	if !strings.Contains(errb.String(), "zz/broken: could not be decrypted.") {
		t.Errorf("stderr = %q", errb.String())
	}
	// The HOTP files are untouched.
	b, _ := os.ReadFile(filepath.Join(dir, "d2/e08.gpg"))
	if !strings.Contains(string(b), "counter=1\n") {
		t.Errorf("ls changed a HOTP entry: %q", b)
	}

	// Without --codes, below a subfolder.
	out.Reset()
	errb.Reset()
	if err := a.runLs(context.Background(), lsOptions{}, "d1/"); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(l, "d1/") || strings.Contains(l, "\t") {
			t.Errorf("ls d1/: line %q", l)
		}
	}
}

func TestLsWorkersBound(t *testing.T) {
	for _, n := range []int{0, 1, 3, 100} {
		w := lsWorkers(n)
		if w > n || (n > 0 && w < 1) {
			t.Errorf("lsWorkers(%d) = %d", n, w)
		}
	}
}
