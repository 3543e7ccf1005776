package gpgio

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/passotp/passotp/internal/testkeys"
)

// firstPKESK returns the first PKESK of an OpenPGP message.
func firstPKESK(t testing.TB, msg []byte) *packet.EncryptedKey {
	t.Helper()
	r := packet.NewReader(bytes.NewReader(msg))
	for {
		p, err := r.Next()
		if err != nil {
			t.Fatalf("no PKESK: %v", err)
		}
		if ek, ok := p.(*packet.EncryptedKey); ok {
			return ek
		}
	}
}

// TestLoadKeyFileDecryptsGPGMessage: for every key type, gpg encrypts to the
// key, and the session key comes out of its key file with go-crypto, from
// the extended file gpg wrote and from its canonical conversion.
func TestLoadKeyFileDecryptsGPGMessage(t *testing.T) {
	dir, keys := generatedHome(t)
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			pubs := exportedKeys(t, dir, k.fpr)
			sub := pubs[1]
			msg := testkeys.GPG(t, dir, []byte("otpauth://totp/x?secret=ABC"), "--trust-model", "always",
				"--compress-algo", "none", "-e", "-r", k.fpr)
			ek := firstPKESK(t, msg)
			if ek.KeyId != sub.KeyId {
				t.Fatalf("PKESK names %X, want subkey %X", ek.KeyId, sub.KeyId)
			}
			grip, err := keygrip(sub)
			if err != nil {
				t.Fatal(err)
			}
			h := &home{dir: dir}
			priv, kind, err := loadKeyFile(h, grip, sub)
			if err != nil || kind != keyUnprotected {
				t.Fatalf("loadKeyFile: kind %v, err %v", kind, err)
			}
			if err := ek.Decrypt(priv, nil); err != nil {
				t.Fatalf("decrypt PKESK with the extended key file: %v", err)
			}

			// The same key as a canonical S-expression file.
			raw, err := os.ReadFile(keyFilePath(dir, grip))
			if err != nil {
				t.Fatal(err)
			}
			s, _, err := parseKeyFile(raw)
			if err != nil {
				t.Fatal(err)
			}
			canon := t.TempDir()
			os.MkdirAll(filepath.Join(canon, "private-keys-v1.d"), 0o700)
			if err := os.WriteFile(keyFilePath(canon, grip), s.canonical(), 0o600); err != nil {
				t.Fatal(err)
			}
			priv2, kind, err := loadKeyFile(&home{dir: canon}, grip, sub)
			if err != nil || kind != keyUnprotected {
				t.Fatalf("canonical: kind %v, err %v", kind, err)
			}
			ek2 := firstPKESK(t, msg)
			if err := ek2.Decrypt(priv2, nil); err != nil {
				t.Fatalf("decrypt PKESK with the canonical key file: %v", err)
			}
			if !bytes.Equal(ek.Key, ek2.Key) {
				t.Fatal("session keys differ")
			}

			// A key file for a different certificate is refused.
			other := pubs[0]
			if _, kind, err := loadKeyFile(h, grip, other); err == nil || kind == keyUnprotected {
				t.Fatalf("key file accepted for the wrong public key (kind %v)", kind)
			}
		})
	}
}

func TestLoadKeyFileKinds(t *testing.T) {
	home := &home{dir: "../internal/testkeys/testdata/gnupg"}
	grip := func(s string) (g [20]byte) {
		b := mustHex(s)
		copy(g[:], b)
		return g
	}
	tests := []struct {
		name string
		grip string
		want keyFileKind
	}{
		{"protected", testkeys.Protected.SubGrip, keyProtected},
		{"missing", "0000000000000000000000000000000000000000", keyMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priv, kind, err := loadKeyFile(home, grip(tt.grip), nil)
			if err != nil || kind != tt.want || priv != nil {
				t.Fatalf("got %v, %v, %v; want %v", priv != nil, kind, err, tt.want)
			}
		})
	}
}

func TestKeyFileFixtures(t *testing.T) {
	tests := []struct {
		file string
		want keyFileKind
		algo string
	}{
		{"rsa.extended.key", keyUnprotected, "rsa"},
		{"rsa.canonical.key", keyUnprotected, "rsa"},
		{"cv25519.extended.key", keyUnprotected, "ecc"},
		{"cv25519.canonical.key", keyUnprotected, "ecc"},
		{"p256.extended.key", keyUnprotected, "ecc"},
		{"p256.canonical.key", keyUnprotected, "ecc"},
		{"protected.extended.key", keyProtected, "ecc"},
		{"protected.canonical.key", keyProtected, "ecc"},
		{"shadowed.extended.key", keyShadowed, "rsa"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/keys/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			s, kind, err := parseKeyFile(b)
			if err != nil || kind != tt.want || s.list[1].name() != tt.algo {
				t.Fatalf("got %v, %v", kind, err)
			}
			// Both forms of a key give the same tree.
			if strings.HasSuffix(tt.file, ".extended.key") {
				c, err := os.ReadFile("testdata/keys/" + strings.Replace(tt.file, "extended", "canonical", 1))
				if err == nil {
					s2, _, err := parseKeyFile(c)
					if err != nil || !s.equal(s2) {
						t.Fatalf("canonical form differs: %v", err)
					}
				}
			}
		})
	}
	// The unprotected fixtures open the committed subkeys.
	kbx, _ := os.ReadFile("testdata/keybox/pubring.kbx")
	blobs, err := parseKeybox(kbx)
	if err != nil {
		t.Fatal(err)
	}
	kr := newFileKeyring("pubring.kbx", blobs)
	for _, k := range fixtureKeys {
		for _, form := range []string{"extended", "canonical"} {
			cs, err := kr.candidates(subKeyID(t, k))
			if err != nil || len(cs) != 1 {
				t.Fatal(err)
			}
			b, _ := os.ReadFile("testdata/keys/" + k.Name + "." + form + ".key")
			s, _, err := parseKeyFile(b)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := privateKeyFromSexp(s, cs[0].pub); err != nil {
				t.Errorf("%s %s: %v", k.Name, form, err)
			}
		}
	}
}

func TestParseExtendedKeyFile(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []keyItem
		err  bool
	}{
		{"simple", "Created: 20261123T134153\nKey: (a b)\n", []keyItem{{"Created", "20261123T134153"}, {"Key", "(a b)"}}, false},
		{"continuation drops one space", "Key: (a\n  #0102#\n )\n", []keyItem{{"Key", "(a #0102#)"}}, false},
		{"comment", "# hi\nKey: x\n# c\n y\n", []keyItem{{"Key", "xy"}}, false},
		{"indented hash continues", "Key: (a\n  #01#)\n", []keyItem{{"Key", "(a #01#)"}}, false},
		{"blank line is newline", "Label: a\n\n   b\n", []keyItem{{"Label", "a\nb"}}, false},
		{"trailing space trimmed", "Key: x  \n y \t\n", []keyItem{{"Key", "xy"}}, false},
		{"crlf", "Key: x\r\n y\r\n", []keyItem{{"Key", "xy"}}, false},
		{"continuation first", " x\n", nil, true},
		{"no colon", "Key x\n", nil, true},
		{"digit name", "1Key: x\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseExtendedKeyFile([]byte(tt.in))
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err != nil {
				if got != nil {
					t.Fatal("items returned with an error")
				}
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("item %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseKeyFileErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"two keys", "Key: (private-key)\nKey: (private-key)\n"},
		{"no key", "Created: 1\n"},
		{"bad sexp", "Key: (private-key\n"},
		{"too big", "(" + string(bytes.Repeat([]byte("a "), maxSexpSize)) + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := parseKeyFile([]byte(tt.in))
			if err == nil || s != nil || !errors.Is(err, errKeyFile) {
				t.Fatalf("got %v, %v; want errKeyFile", s, err)
			}
		})
	}
}

func FuzzKeyFile(f *testing.F) {
	matches, _ := filepath.Glob("../internal/testkeys/testdata/gnupg/private-keys-v1.d/*.key")
	more, _ := filepath.Glob("testdata/keys/*.key")
	for _, m := range append(matches, more...) {
		if b, err := os.ReadFile(m); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Key: (private-key (rsa (n #00#)(e #01#)))\n"))
	f.Add([]byte("(11:private-key(3:ecc(5:curve10:Curve25519)(1:q1:@)(1:d1:\x01)))"))
	// The committed subkeys, to run the consistency checks against.
	var pubs []*packet.PublicKey
	if kbx, err := os.ReadFile("testdata/keybox/pubring.kbx"); err == nil {
		if blobs, err := parseKeybox(kbx); err == nil {
			for _, b := range blobs {
				keys, _ := keyblockKeys(b.keyblock)
				for _, k := range keys {
					pubs = append(pubs, k.pub)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, kind, err := parseKeyFile(b)
		if err != nil {
			if s != nil {
				t.Fatal("tree returned with an error")
			}
			return
		}
		if kind != keyUnprotected {
			return
		}
		if _, err := privateKeyFromSexp(s, nil); err == nil {
			t.Fatal("accepted without a public key")
		}
		for _, pub := range pubs {
			priv, err := privateKeyFromSexp(s, pub)
			if (err == nil) != (priv != nil) {
				t.Fatal("an error must come with a nil key and success with a key")
			}
		}
	})
}

// TestCanonicalFixturesWorkWithGPG: gpg-agent itself accepts the canonical
// key files (the legacy on-disk form) that our converter made.
func TestCanonicalFixturesWorkWithGPG(t *testing.T) {
	dir := testkeys.Home(t)
	for _, k := range fixtureKeys {
		b, err := os.ReadFile("testdata/keys/" + k.Name + ".canonical.key")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "private-keys-v1.d", k.SubGrip+".key"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range fixtureKeys {
		msg := testkeys.GPG(t, dir, []byte("x"), "--trust-model", "always", "-e", "-r", k.Fpr)
		pt, err := testkeys.RunGPG(dir, msg, "--pinentry-mode", "loopback", "--passphrase", "", "-d")
		if err != nil || string(pt) != "x" {
			t.Errorf("%s: gpg -d with the canonical key file: %v", k.Name, err)
		}
	}
}

// TestRSAPrivateKeyValues: an RSA key is built from the file's u with no
// modular exponentiation (Go's primes are then the file's q and p) and opens
// the RSA entry; a missing or wrong u, or swapped primes, fall back to
// computing the CRT values and still open it; a wrong d or prime is refused.
func TestRSAPrivateKeyValues(t *testing.T) {
	subPub := subKeyPub(t, "testdata/keybox/pubring.kbx", testkeys.RSA)
	pub := subPub.PublicKey.(*rsa.PublicKey)
	b, err := os.ReadFile("testdata/keys/rsa.extended.key")
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := parseKeyFile(b)
	if err != nil {
		t.Fatal(err)
	}
	val := func(name string) *big.Int { return new(big.Int).SetBytes(s.list[1].value(name)) }
	d, p, q, u := val("d"), val("p"), val("q"), val("u")
	if new(big.Int).ModInverse(p, q).Cmp(u) != 0 {
		t.Fatal("fixture: u is not p⁻¹ mod q")
	}
	msg, err := os.ReadFile(filepath.Join(entriesDir, "rsa.gpg"))
	if err != nil {
		t.Fatal(err)
	}
	plus := func(x *big.Int, n int64) *big.Int { return new(big.Int).Add(x, big.NewInt(n)) }
	tests := []struct {
		name     string
		d, p, q  *big.Int
		u        []byte
		fast, ok bool // fast: built from u (Primes[0] is the file's q)
	}{
		{"file values", d, p, q, u.Bytes(), true, true},
		{"no u", d, p, q, nil, false, true},
		{"wrong u", d, p, q, plus(u, 1).Bytes(), false, true},
		{"u too large", d, p, q, new(big.Int).Lsh(q, 8).Bytes(), false, true},
		{"zero u", d, p, q, []byte{0}, false, true},
		{"swapped primes", d, q, p, u.Bytes(), false, true},
		{"wrong d", plus(d, 2), p, q, u.Bytes(), false, false},
		{"wrong d, no u", plus(d, 2), p, q, nil, false, false},
		{"wrong p", d, plus(p, 2), q, u.Bytes(), false, false},
		{"p is one", d, big.NewInt(1), q, u.Bytes(), false, false},
		{"q is zero", d, p, big.NewInt(0), u.Bytes(), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := rsaPrivateKey(pub, tt.d, tt.p, tt.q, tt.u)
			if !tt.ok {
				if err == nil {
					t.Fatal("key accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fast := k.Primes[0].Cmp(tt.q) == 0; fast != tt.fast {
				t.Errorf("built from u: %v, want %v", fast, tt.fast)
			}
			priv := &packet.PrivateKey{PublicKey: *subPub, PrivateKey: k}
			if err := firstPKESK(t, msg).Decrypt(priv, nil); err != nil {
				t.Fatalf("decrypt PKESK: %v", err)
			}
		})
	}
}
