package gpgio

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func TestParseValueSexp(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"(5:value3:abc)", "abc", true},
		{"(5:value3:abc)\x00", "abc", true},
		{"(5:value0:)", "", true},
		{"(5:value4:abc)", "", false},
		{"(5:value3:abcd)", "", false},
		{"(5:value:abc)", "", false},
		{"(5:vaLue3:abc)", "", false},
		{"(5:value3:abc", "", false},
		{"", "", false},
		{"(5:value99999999:a)", "", false},
	}
	for _, tt := range tests {
		got, err := parseValueSexp([]byte(tt.in))
		if (err == nil) != tt.ok || string(got) != tt.want {
			t.Errorf("parseValueSexp(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestStripPKCS1(t *testing.T) {
	ps := bytes.Repeat([]byte{0xAA}, 8)
	msg := []byte{9, 1, 2, 0, 3}
	block := append(append([]byte{2}, ps...), append([]byte{0}, msg...)...)
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"without leading zero", block, true},
		{"with leading zero", append([]byte{0}, block...), true},
		{"short padding", append(append([]byte{2}, ps[:7]...), append([]byte{0}, msg...)...), false},
		{"wrong type", append([]byte{1}, block[1:]...), false},
		{"no separator", append([]byte{2}, bytes.Repeat([]byte{1}, 20)...), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		got, err := stripPKCS1(tt.in)
		if (err == nil) != tt.ok || (tt.ok && !bytes.Equal(got, msg)) {
			t.Errorf("%s: stripPKCS1 = %x, %v", tt.name, got, err)
		}
	}
}

func TestSessionKey(t *testing.T) {
	key := bytes.Repeat([]byte{0x11}, 32)
	var sum uint16
	for _, c := range key {
		sum += uint16(c)
	}
	good := append(append([]byte{9}, key...), byte(sum>>8), byte(sum))
	if cf, k, err := sessionKey(good); err != nil || cf != packet.CipherAES256 || !bytes.Equal(k, key) {
		t.Errorf("good key: %v %x %v", cf, k, err)
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1
	if _, _, err := sessionKey(bad); err == nil {
		t.Error("bad checksum accepted")
	}
	short := append(append([]byte{9}, key[:16]...), byte(sum>>8), byte(sum))
	if _, _, err := sessionKey(short); err == nil {
		t.Error("wrong length accepted")
	}
	twofish := append([]byte{10}, good[1:]...)
	var ue *UnsupportedError
	if _, _, err := sessionKey(twofish); !errors.As(err, &ue) || ue.Reason != "cipher TWOFISH" {
		t.Errorf("twofish: %v", err)
	}
}

func TestPKESKBody(t *testing.T) {
	// version 3, key id, ECDH, MPI point (0x40 || 32 bytes), wrapped key of 40 bytes.
	b := []byte{3, 1, 2, 3, 4, 5, 6, 7, 8, 18, 0x01, 0x07}
	b = append(b, append([]byte{0x40}, bytes.Repeat([]byte{7}, 32)...)...)
	b = append(b, 40)
	b = append(b, bytes.Repeat([]byte{9}, 40)...)
	f, err := parsePKESKBody(b)
	if err != nil || f.keyID != 0x0102030405060708 || len(f.mpi1) != 33 || len(f.wrapped) != 40 {
		t.Fatalf("parsePKESKBody = %+v, %v", f, err)
	}
	sexp := string(ciphertextSexp(f))
	if want := "(7:enc-val(4:ecdh(1:s40:"; sexp[:len(want)] != want {
		t.Errorf("ciphertextSexp = %q", sexp)
	}
	for i := 0; i < len(b); i++ {
		if _, err := parsePKESKBody(b[:i]); err == nil {
			t.Errorf("truncated at %d accepted", i)
		}
	}
}
