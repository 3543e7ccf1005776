package passstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeCrypt is a stand-in Encrypter/Decrypter: the "ciphertext" is a
// header, the recipients, the plaintext and a trailer, so a truncated
// file is recognisable.
type fakeCrypt struct {
	failEncrypt error // returned by Encrypt
	failClose   error // returned by Close, after some bytes were written
	recipients  []string
}

const fakeHeader = "FAKEPGP\n"
const fakeTrailer = "\nEND-FAKEPGP\n"

func (f *fakeCrypt) Encrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error) {
	if f.failEncrypt != nil {
		return nil, f.failEncrypt
	}
	f.recipients = append([]string(nil), recipients...)
	if _, err := io.WriteString(dst, fakeHeader+strings.Join(recipients, ",")+"\n"); err != nil {
		return nil, err
	}
	return &fakeWriter{dst: dst, failClose: f.failClose}, nil
}

type fakeWriter struct {
	dst       io.Writer
	buf       bytes.Buffer
	failClose error
}

func (w *fakeWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *fakeWriter) Close() error {
	if w.failClose != nil {
		w.dst.Write(w.buf.Bytes()[:w.buf.Len()/2])
		return w.failClose
	}
	_, err := w.dst.Write(append(w.buf.Bytes(), fakeTrailer...))
	return err
}

var errBadCiphertext = errors.New("fake: bad ciphertext")

func (f *fakeCrypt) Decrypt(ctx context.Context, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return fakeOpen(b)
}

func fakeOpen(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte(fakeHeader)) || !bytes.HasSuffix(b, []byte(fakeTrailer)) {
		return nil, errBadCiphertext
	}
	b = b[len(fakeHeader) : len(b)-len(fakeTrailer)]
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, errBadCiphertext
	}
	return b[i+1:], nil
}

// newStore makes PREFIX (short, under t.TempDir) with a .gpg-id.
func newStore(t testing.TB, umask int) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, ".gpg-id"), "KEY1\n")
	return Open(Options{Dir: dir, Umask: umask}), dir
}

func writeFile(t testing.TB, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// tempFiles lists leftover temporary files below dir.
func tempFiles(t testing.TB, dir string) []string {
	t.Helper()
	var left []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && strings.Contains(filepath.Base(p), ".tmp.") {
			left = append(left, p)
		}
		return nil
	})
	return left
}
