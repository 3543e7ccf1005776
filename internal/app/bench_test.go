package app

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// BenchmarkMainCode is one whole `passotp NAME` in process (issue 3): Main
// with the environment, the fast path, the entry read, the native cv25519
// decrypt through the key file, the URI and the code. Its allocations are
// what the hot path costs beyond process start; compare with
//
//	go test ./internal/app -run '^$' -bench MainCode -benchmem -count 10
func BenchmarkMainCode(b *testing.B) {
	home := testkeys.Home(b)
	store := b.TempDir()
	ct, err := os.ReadFile("../../gpgio/testdata/entries/cv25519.gpg") // the committed keyring's cv25519 key
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store, "e.gpg"), ct, 0o600); err != nil {
		b.Fatal(err)
	}
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	old := syscall.Umask(0o022) // Main applies PASSWORD_STORE_UMASK
	defer syscall.Umask(old)
	env := []string{"HOME=" + b.TempDir(), "GNUPGHOME=" + home, "PASSWORD_STORE_DIR=" + store,
		"PATH=/nonexistent", "PASSOTP_GPG=native"}
	b.ReportAllocs()
	for b.Loop() {
		if st := Main([]string{"passotp", "e"}, devNull, io.Discard, io.Discard, env); st != 0 {
			b.Fatalf("status %d", st)
		}
	}
}
