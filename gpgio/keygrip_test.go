package gpgio

import (
	"crypto/elliptic"
	"encoding/hex"
	"math/big"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestKeygripMatchesGPG compares our keygrip of every (sub)key of every key
// type with the grp: records of gpg --with-colons --with-keygrip.
func TestKeygripMatchesGPG(t *testing.T) {
	dir, keys := generatedHome(t)
	want := gpgKeygrips(t, dir)
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			pubs := exportedKeys(t, dir, k.fpr)
			if len(pubs) != 2 {
				t.Fatalf("got %d keys, want primary + subkey", len(pubs))
			}
			for _, pub := range pubs {
				g, err := keygrip(pub)
				if err != nil {
					t.Fatalf("keygrip(%s): %v", fprHex(pub), err)
				}
				got := strings.ToUpper(hex.EncodeToString(g[:]))
				if w := want[fprHex(pub)]; got != w {
					t.Errorf("keygrip(%s algo %d) = %s, gpg says %s", fprHex(pub), pub.PubKeyAlgo, got, w)
				}
			}
		})
	}
}

// TestCurveTable checks the embedded curve constants: NIST values against
// crypto/elliptic, and every Weierstrass curve's a and b through the curve
// equation at its base point.
func TestCurveTable(t *testing.T) {
	nist := map[string]elliptic.Curve{
		"2a8648ce3d030107": elliptic.P256(),
		"2b81040022":       elliptic.P384(),
		"2b81040023":       elliptic.P521(),
	}
	oids := []string{"2a8648ce3d030107", "2b81040022", "2b81040023", "2b2403030208010107",
		"2b240303020801010b", "2b240303020801010d", "2b060104019755010501", "2b06010401da470f01"}
	for _, o := range oids {
		oid, _ := hex.DecodeString(o)
		c := curveByOID(oid)
		if c == nil {
			t.Fatalf("no curve for %s", o)
		}
		n := func(s string) *big.Int { return new(big.Int).SetBytes(mustHex(s)) }
		p, a, b, gx, gy := n(c.p), n(c.a), n(c.b), n(c.gx), n(c.gy)
		if (p.BitLen()+7)/8 != c.size {
			t.Errorf("%s: size %d, p has %d bits", c.name, c.size, p.BitLen())
		}
		if e, ok := nist[o]; ok {
			ps := e.Params()
			if p.Cmp(ps.P) != 0 || b.Cmp(ps.B) != 0 || n(c.n).Cmp(ps.N) != 0 || gx.Cmp(ps.Gx) != 0 || gy.Cmp(ps.Gy) != 0 {
				t.Errorf("%s: constants differ from crypto/elliptic", c.name)
			}
			if new(big.Int).Sub(ps.P, big.NewInt(3)).Cmp(a) != 0 {
				t.Errorf("%s: a is not p-3", c.name)
			}
		}
		if c.compact {
			continue
		}
		// y² = x³ + a·x + b (mod p)
		lhs := new(big.Int).Exp(gy, big.NewInt(2), p)
		rhs := new(big.Int).Exp(gx, big.NewInt(3), p)
		rhs.Add(rhs, new(big.Int).Mul(a, gx))
		rhs.Add(rhs, b)
		rhs.Mod(rhs, p)
		if lhs.Cmp(rhs) != 0 {
			t.Errorf("%s: base point is not on the curve: a or b is wrong", c.name)
		}
	}
}

// TestUpdateKeygripFixtures rewrites testdata/keybox/allkinds.gpg (public
// keys of every type of the interop matrix, exported by gpg) and
// allkinds.grips (gpg's "fingerprint keygrip" pairs) with -update.
func TestUpdateKeygripFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the fixtures")
	}
	dir, _ := generatedHome(t)
	writeFixture(t, "testdata/keybox/allkinds.gpg", testkeys.GPG(t, dir, nil, "--export"))
	grips := gpgKeygrips(t, dir)
	var lines []string
	for fpr, g := range grips {
		lines = append(lines, fpr+" "+g)
	}
	sort.Strings(lines)
	writeFixture(t, "testdata/keybox/allkinds.grips", []byte(strings.Join(lines, "\n")+"\n"))
}

// TestKeygripFixtures checks keygrips without gpg: the committed keys of
// every type against the values gpg printed when they were exported.
func TestKeygripFixtures(t *testing.T) {
	ring, err := os.ReadFile("testdata/keybox/allkinds.gpg")
	if err != nil {
		t.Fatal(err)
	}
	gl, err := os.ReadFile("testdata/keybox/allkinds.grips")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	f := strings.Fields(string(gl))
	for i := 0; i+1 < len(f); i += 2 {
		want[f[i]] = f[i+1]
	}
	blobs, err := parsePubringGPG(ring)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range blobs {
		keys, _ := keyblockKeys(b.keyblock)
		for _, k := range keys {
			g, err := keygrip(k.pub)
			if err != nil {
				t.Fatalf("%s: %v", fprHex(k.pub), err)
			}
			if got := strings.ToUpper(hex.EncodeToString(g[:])); got != want[fprHex(k.pub)] {
				t.Errorf("%s (algo %d): %s, want %s", fprHex(k.pub), k.pub.PubKeyAlgo, got, want[fprHex(k.pub)])
			}
			n++
		}
	}
	if n != len(want) || n != 2*len(genKeyTypes) {
		t.Fatalf("checked %d keys, fixture has %d", n, len(want))
	}
	// The committed testkeys keyring, whose keygrips testkeys records.
	kbx, _ := os.ReadFile("../internal/testkeys/testdata/gnupg/pubring.kbx")
	kblobs, err := parseKeybox(kbx)
	if err != nil {
		t.Fatal(err)
	}
	kr := newFileKeyring("pubring.kbx", kblobs)
	for _, k := range testkeys.All {
		cs, err := kr.candidates(subKeyID(t, k))
		if err != nil || len(cs) != 1 {
			t.Fatalf("%s: %v", k.Name, err)
		}
		sg, _ := keygrip(cs[0].pub)
		pg, _ := keygrip(cs[0].primary)
		if hex.EncodeToString(sg[:]) != strings.ToLower(k.SubGrip) || hex.EncodeToString(pg[:]) != strings.ToLower(k.Grip) {
			t.Errorf("%s: keygrips %X %X", k.Name, pg, sg)
		}
	}
}

func BenchmarkKeygrip(b *testing.B) {
	ring, err := os.ReadFile("testdata/keybox/allkinds.gpg")
	if err != nil {
		b.Fatal(err)
	}
	blobs, _ := parsePubringGPG(ring)
	keys, _ := keyblockKeys(blobs[1].keyblock) // ed25519 + cv25519
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := keygrip(keys[1].pub); err != nil {
			b.Fatal(err)
		}
	}
}
