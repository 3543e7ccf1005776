package gpgio

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// FuzzDecrypt feeds arbitrary messages to the native decrypt driver with
// the committed keyring: it must never panic, and an error comes with no
// plaintext. No agent and no gpg are reachable (PATH is empty).
func FuzzDecrypt(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(entriesDir, "*.gpg"))
	asc, _ := filepath.Glob(filepath.Join(entriesDir, "*.asc"))
	for _, name := range append(files, asc...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{})
	f.Add([]byte("-----BEGIN PGP MESSAGE-----\n\n-----END PGP MESSAGE-----\n"))
	home := testkeys.Home(f)
	c, err := Open(Options{Home: home, Mode: NativeOnly, Env: []string{"PATH=/nonexistent", "HOME=/nonexistent"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { c.Close() })
	f.Fuzz(func(t *testing.T, msg []byte) {
		pt, err := c.Decrypt(context.Background(), bytes.NewReader(msg))
		if err != nil && pt != nil {
			t.Errorf("error %v with %d bytes of plaintext", err, len(pt))
		}
	})
}
