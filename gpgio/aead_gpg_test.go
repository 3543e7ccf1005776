package gpgio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/passotp/passotp/internal/testkeys"
)

// TestAEADFixturesDecryptWithGPG cross-checks the hand-built tag-20
// fixtures (see aeadEntry and testdata/README.md) against an independent
// implementation: the real gpg 2.2 (libgcrypt's OCB and EAX) reads them as
// LibrePGP AEAD packets with the expected cipher, mode and chunk byte and
// decrypts them to the entry. So TestEntryFixtures does not merely check
// go-crypto against itself.
func TestAEADFixturesDecryptWithGPG(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	for _, tt := range []struct{ file, packet string }{
		{"ocb-tag20.gpg", ":aead encrypted packet: cipher=9 aead=2 cb=16"}, // AES-256, OCB, 4 MiB chunks (GnuPG 2.4's choice)
		{"eax-tag20.gpg", ":aead encrypted packet: cipher=9 aead=1 cb=6"},  // AES-256, EAX
	} {
		t.Run(tt.file, func(t *testing.T) {
			ct, err := os.ReadFile(filepath.Join(entriesDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			pt, err := testkeys.RunGPG(home, ct, "-d")
			if err != nil || string(pt) != testEntry {
				t.Fatalf("gpg -d = %q, %v; want the test entry", pt, err)
			}
			out, err := runGPGAll(home, ct, "--list-packets")
			if err != nil {
				t.Fatalf("gpg --list-packets: %v", err)
			}
			if !strings.Contains(out, tt.packet) || !strings.Contains(out, "tag=20") {
				t.Errorf("gpg --list-packets lacks %q:\n%s", tt.packet, out)
			}
		})
	}
}

// TestAEADLargeChunkFallsBack: a tag-20 packet whose chunk byte is above
// 16 (more than 4 MiB chunks) is not decrypted natively (gpgio.md §2):
// NativeOnly says *UnsupportedError, Auto hands the entry to gpg (a fake
// gpg records the call and echoes its input).
func TestAEADLargeChunkFallsBack(t *testing.T) {
	home := testkeys.Home(t)
	subPub := subKeyPub(t, filepath.Join(home, "pubring.kbx"), testkeys.Cv25519)
	ct := aeadEntry(t, subPub, packet.AEADModeOCB, 17, []byte(testEntry))
	native := openTest(t, home, NativeOnly, func(o *Options) { o.Env = []string{"PATH=/nonexistent", "HOME=/nonexistent"} })
	var ue *UnsupportedError
	if _, err := native.Decrypt(context.Background(), bytes.NewReader(ct)); !errors.As(err, &ue) {
		t.Fatalf("NativeOnly: %v, want *UnsupportedError", err)
	}
	dir, log := fakeGPG(t, "gpg")
	auto := openTest(t, home, Auto, func(o *Options) { o.Env = []string{"PATH=" + dir, "HOME=/nonexistent"} })
	got, err := auto.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || !bytes.Equal(got, ct) {
		t.Fatalf("Auto = %d bytes, %v; want the fake gpg's echo", len(got), err)
	}
	if _, err := os.Stat(log); err != nil {
		t.Errorf("gpg was not run: %v", err)
	}
}
