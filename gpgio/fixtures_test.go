package gpgio

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/go-crypto/eax"
	"github.com/ProtonMail/go-crypto/ocb"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/passotp/passotp/internal/testkeys"
)

// The entries under testdata/entries are made for the committed keyring
// of internal/testkeys; see testdata/README.md. Regenerate them with
//
//	go test ./gpgio -run TestUpdateEntryFixtures -update

const entriesDir = "testdata/entries"

func TestUpdateEntryFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/entries")
	}
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(entriesDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(entriesDir, 0o755)
	rsa := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.RSA.Fpr)
	write("rsa.gpg", rsa)
	write("cv25519.gpg", encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.Cv25519.Fpr))
	write("p256-armored.asc", encryptWithGPG(t, home, []byte(testEntry), "-a", "-r", testkeys.P256.Fpr))
	write("protected.gpg", encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.Protected.Fpr))
	write("twofish.gpg", encryptWithGPG(t, home, []byte(testEntry), "--cipher-algo", "TWOFISH", "-r", testkeys.RSA.Fpr))
	bad := append([]byte(nil), rsa...)
	bad[len(bad)-5] ^= 0x01
	write("tampered.gpg", bad)
	sub := exportedKeys(t, home, testkeys.Cv25519.Fpr)
	var pub *packet.PublicKey
	for _, p := range sub {
		if p.KeyIdString() == testkeys.Cv25519.SubID {
			pub = p
		}
	}
	if pub == nil {
		t.Fatal("cv25519 subkey not exported")
	}
	write("ocb-tag20.gpg", aeadEntry(t, pub, packet.AEADModeOCB, 16, []byte(testEntry)))
	write("eax-tag20.gpg", aeadEntry(t, pub, packet.AEADModeEAX, 6, []byte(testEntry)))
}

// aeadEntry builds a LibrePGP AEAD Encrypted Data packet (tag 20) by hand,
// as GnuPG 2.4 writes it for OCB: PKESK v3, then tag 20 version 1 with
// AES-256, the given mode and chunk size byte, and one literal packet.
func aeadEntry(t *testing.T, pub *packet.PublicKey, mode packet.AEADMode, chunkByte byte, plaintext []byte) []byte {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	var out bytes.Buffer
	if err := packet.SerializeEncryptedKey(&out, pub, packet.CipherAES256, key, nil); err != nil {
		t.Fatal(err)
	}
	var lit bytes.Buffer
	w, err := packet.SerializeLiteral(nopCloser{&lit}, true, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plaintext)
	w.Close()

	block, _ := aes.NewCipher(key)
	var aead cipher.AEAD
	if mode == packet.AEADModeOCB {
		aead, err = ocb.NewOCB(block)
	} else {
		aead, err = eax.NewEAX(block)
	}
	if err != nil {
		t.Fatal(err)
	}
	iv := make([]byte, mode.IvLength())
	rand.Read(iv)
	header := []byte{0xD4, 1, byte(packet.CipherAES256), byte(mode), chunkByte}
	nonce := func(index uint64) []byte {
		n := append([]byte(nil), iv...)
		var ix [8]byte
		binary.BigEndian.PutUint64(ix[:], index)
		for i := 0; i < 8; i++ {
			n[len(n)-8+i] ^= ix[i]
		}
		return n
	}
	ad := func(index uint64, extra ...byte) []byte {
		a := append([]byte(nil), header...)
		a = binary.BigEndian.AppendUint64(a, index)
		return append(a, extra...)
	}
	chunkSize := 1 << (chunkByte + 6)
	body := append([]byte{1, byte(packet.CipherAES256), byte(mode), chunkByte}, iv...)
	data := lit.Bytes()
	var index uint64
	for off := 0; off < len(data) || index == 0; off += chunkSize {
		end := min(off+chunkSize, len(data))
		body = append(body, aead.Seal(nil, nonce(index), data[off:end], ad(index))...)
		index++
	}
	total := binary.BigEndian.AppendUint64(nil, uint64(len(data)))
	body = append(body, aead.Seal(nil, nonce(index), nil, ad(index, total...))...)
	if len(body) >= 8384 {
		t.Fatal("fixture too large for a two-octet length")
	}
	out.WriteByte(0xC0 | 20)
	if len(body) < 192 {
		out.WriteByte(byte(len(body)))
	} else {
		l := len(body) - 192
		out.Write([]byte{byte(l>>8) + 192, byte(l)})
	}
	out.Write(body)
	return out.Bytes()
}

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

// TestEntryFixtures decrypts the committed entries with the committed
// keyring; the native cases need no gpg at all.
func TestEntryFixtures(t *testing.T) {
	home := testkeys.Home(t)
	tests := []struct {
		file string
		want func(t *testing.T, got []byte, err error)
	}{
		{"rsa.gpg", nil},
		{"cv25519.gpg", nil},
		{"p256-armored.asc", nil},
		{"ocb-tag20.gpg", nil},
		{"eax-tag20.gpg", nil},
		{"twofish.gpg", func(t *testing.T, _ []byte, err error) {
			var ue *UnsupportedError
			if !errors.As(err, &ue) || ue.Reason != "cipher TWOFISH" {
				t.Errorf("error = %v, want *UnsupportedError{cipher TWOFISH}", err)
			}
		}},
		{"tampered.gpg", func(t *testing.T, _ []byte, err error) {
			if !errors.Is(err, ErrIntegrity) {
				t.Errorf("error = %v, want ErrIntegrity", err)
			}
		}},
	}
	c := openTest(t, home, NativeOnly, func(o *Options) { o.Env = []string{"HOME=/nonexistent", "PATH=/nonexistent"} })
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(entriesDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := c.Decrypt(context.Background(), f)
			if tt.want != nil {
				tt.want(t, got, err)
				return
			}
			if err != nil || string(got) != testEntry {
				t.Errorf("Decrypt = %q, %v", got, err)
			}
		})
	}
}

// TestAEADTampered: a flipped bit in a tag-20 chunk or its final tag is an
// integrity failure.
func TestAEADTampered(t *testing.T) {
	home := testkeys.Home(t)
	c := openTest(t, home, NativeOnly, func(o *Options) { o.Env = []string{"HOME=/nonexistent", "PATH=/nonexistent"} })
	for _, file := range []string{"ocb-tag20.gpg", "eax-tag20.gpg"} {
		ct, err := os.ReadFile(filepath.Join(entriesDir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []int{1, 17, 40} {
			bad := append([]byte(nil), ct...)
			bad[len(bad)-off] ^= 0x80
			if _, err := c.Decrypt(context.Background(), bytes.NewReader(bad)); !errors.Is(err, ErrIntegrity) {
				t.Errorf("%s flipped at -%d: %v, want ErrIntegrity", file, off, err)
			}
		}
	}
}
