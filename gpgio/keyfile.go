package gpgio

import (
	"bytes"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/ecdh"
	"github.com/ProtonMail/go-crypto/openpgp/elgamal"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/passotp/passotp/internal/sysread"
)

// Secret key files: private-keys-v1.d/<KEYGRIP>.key (gpgio.md §6), in the
// extended `Name: value` format or as a canonical S-expression.

// keyFileKind classifies a private-keys-v1.d file.
type keyFileKind int

const (
	keyMissing     keyFileKind = iota // no file for the keygrip
	keyUnprotected                    // (private-key …): usable in process
	keyProtected                      // (protected-private-key …): the agent unlocks it
	keyShadowed                       // (shadowed-private-key …): a smartcard stub
	keyUnknown                        // anything else, or a file that fails a check
)

func (k keyFileKind) String() string {
	switch k {
	case keyMissing:
		return "missing"
	case keyUnprotected:
		return "unprotected"
	case keyProtected:
		return "protected"
	case keyShadowed:
		return "shadowed"
	}
	return "unknown"
}

// errKeyFile is wrapped by every key-file format or consistency error.
var errKeyFile = errors.New("bad key file")

// keyFilePath returns the path of the key file for grip.
func keyFilePath(dir string, grip [20]byte) string {
	return filepath.Join(dir, "private-keys-v1.d", strings.ToUpper(hex.EncodeToString(grip[:]))+".key")
}

// loadKeyFile reads private-keys-v1.d/<GRIP>.key, grip being keygrip(pub)
// (the caller has it already: findSessionKey looked the file up by it).
// For an unprotected key it returns a usable private key whose public
// part is pub: privateKeyFromSexp refuses a file whose public part
// differs. A missing file gives keyMissing and a nil error; protected and
// shadowed files give their kind and a nil key.
func loadKeyFile(h *home, grip [20]byte, pub *packet.PublicKey) (*packet.PrivateKey, keyFileKind, error) {
	b, err := readKeyFile(keyFilePath(h.dir, grip))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, keyMissing, nil
	}
	if err != nil {
		return nil, keyUnknown, err
	}
	s, kind, err := parseKeyFile(b)
	if err != nil || kind != keyUnprotected {
		return nil, kind, err
	}
	priv, err := privateKeyFromSexp(s, pub)
	if err != nil {
		return nil, keyUnknown, err
	}
	return priv, keyUnprotected, nil
}

// keyFileExists reports whether a key file exists for grip, whatever its kind.
func keyFileExists(dir string, grip [20]byte) bool {
	_, err := os.Stat(keyFilePath(dir, grip))
	return err == nil
}

func readKeyFile(name string) ([]byte, error) {
	b, err := sysread.ReadFile(name, 0, maxSexpSize)
	if errors.Is(err, sysread.ErrTooLarge) {
		return nil, fmt.Errorf("%w: larger than %d bytes", errKeyFile, maxSexpSize)
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// parseKeyFile parses a key file in either form and classifies it by the
// name of its top-level list.
func parseKeyFile(b []byte) (*sexp, keyFileKind, error) {
	if len(b) > maxSexpSize {
		return nil, keyUnknown, fmt.Errorf("%w: larger than %d bytes", errKeyFile, maxSexpSize)
	}
	var key []byte
	if len(b) > 0 && b[0] == '(' {
		key = b
	} else {
		items, err := parseExtendedKeyFile(b)
		if err != nil {
			return nil, keyUnknown, err
		}
		n := 0
		for _, it := range items {
			if strings.EqualFold(it.name, "Key") {
				key = []byte(it.value)
				n++
			}
		}
		if n != 1 {
			return nil, keyUnknown, fmt.Errorf("%w: %d Key items", errKeyFile, n)
		}
	}
	s, err := parseSexp(key)
	if err != nil {
		return nil, keyUnknown, fmt.Errorf("%w: %w", errKeyFile, err)
	}
	switch s.name() {
	case "private-key":
		return s, keyUnprotected, nil
	case "protected-private-key":
		return s, keyProtected, nil
	case "shadowed-private-key":
		return s, keyShadowed, nil
	}
	return s, keyUnknown, nil
}

// keyItem is one `Name: value` item of an extended key file.
type keyItem struct {
	name, value string
}

// parseExtendedKeyFile splits the extended format into items (gpgio.md §6):
// a name starts with a letter and ends with ':'; lines starting with
// whitespace, and blank lines, continue the previous item; lines starting
// with '#' are comments.
func parseExtendedKeyFile(b []byte) ([]keyItem, error) {
	var items []keyItem
	var cur *strings.Builder
	pendingNL := false // a blank line was seen: "\n" and swallow leading space
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	for i, line := range lines {
		if len(line) > 0 && line[0] == '#' {
			continue // a comment; "  #…" is a continuation (wrapped hex)
		}
		trimmed := bytes.TrimLeft(line, " \t")
		blank := len(bytes.TrimRight(trimmed, " \t\r")) == 0
		switch {
		case blank:
			if cur == nil {
				continue
			}
			cur.WriteByte('\n')
			pendingNL = true
		case line[0] == ' ' || line[0] == '\t':
			if cur == nil {
				return nil, fmt.Errorf("%w: line %d: continuation without an item", errKeyFile, i+1)
			}
			var rest []byte
			if pendingNL {
				rest = trimmed
			} else {
				rest = line[1:]
			}
			cur.Write(bytes.TrimRight(rest, " \t\r"))
			pendingNL = false
		default:
			c := line[0]
			colon := bytes.IndexByte(line, ':')
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') || colon < 0 {
				return nil, fmt.Errorf("%w: line %d: not a Name: value item", errKeyFile, i+1)
			}
			name := string(line[:colon])
			if strings.ContainsAny(name, " \t") {
				return nil, fmt.Errorf("%w: line %d: bad item name", errKeyFile, i+1)
			}
			items = append(items, keyItem{name: name})
			cur = &strings.Builder{}
			cur.Write(bytes.TrimRight(bytes.TrimLeft(line[colon+1:], " \t"), " \t\r"))
			pendingNL = false
			// finish the previous item's value lazily below
		}
		if cur != nil && len(items) > 0 {
			items[len(items)-1].value = cur.String()
		}
	}
	return items, nil
}

// privateKeyFromSexp builds a go-crypto private key for pub from the
// (private-key (ALGO …)) tree s, checking that the file's public values are
// pub's.
func privateKeyFromSexp(s *sexp, pub *packet.PublicKey) (*packet.PrivateKey, error) {
	if s == nil || s.name() != "private-key" || len(s.list) < 2 || !s.list[1].isList {
		return nil, fmt.Errorf("%w: not an unprotected key", errKeyFile)
	}
	if pub == nil {
		return nil, fmt.Errorf("%w: no public key", errKeyFile)
	}
	k := s.list[1]
	f, err := readPubKeyFields(pub)
	if err != nil {
		return nil, err
	}
	num := func(name string) (*big.Int, error) {
		v := k.value(name)
		if v == nil {
			return nil, fmt.Errorf("%w: no %q", errKeyFile, name)
		}
		return new(big.Int).SetBytes(v), nil
	}
	same := func(name string, want []byte) error {
		v := k.value(name)
		if v == nil || !bytes.Equal(magnitude(v), magnitude(want)) {
			return fmt.Errorf("%w: %q differs from the certificate", errKeyFile, name)
		}
		return nil
	}
	priv := &packet.PrivateKey{PublicKey: *pub}
	switch k.name() {
	case "rsa":
		rp, ok := pub.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: rsa key file for a non-rsa certificate", errKeyFile)
		}
		if err := same("n", f.mpis[0]); err != nil {
			return nil, err
		}
		if err := same("e", f.mpis[1]); err != nil {
			return nil, err
		}
		var v [3]*big.Int
		for i, name := range []string{"d", "p", "q"} {
			if v[i], err = num(name); err != nil {
				return nil, err
			}
		}
		rk, err := rsaPrivateKey(rp, v[0], v[1], v[2], k.value("u"))
		if err != nil {
			return nil, fmt.Errorf("%w: rsa: %v", errKeyFile, err)
		}
		priv.PrivateKey = rk
	case "ecc":
		ep, ok := pub.PublicKey.(*ecdh.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: not an ecdh certificate", errKeyFile)
		}
		c := curveByOID(f.oid)
		if c == nil {
			return nil, fmt.Errorf("%w: curve oid %x", errKeyFile, f.oid)
		}
		if err := same("q", f.mpis[0]); err != nil {
			return nil, err
		}
		d := k.value("d")
		if d == nil {
			return nil, fmt.Errorf("%w: no \"d\"", errKeyFile)
		}
		d = magnitude(d)
		if len(d) > c.size {
			return nil, fmt.Errorf("%w: \"d\" too long", errKeyFile)
		}
		ek := ecdh.NewPrivateKey(*ep)
		if err := ek.UnmarshalByteSecret(leftPad(d, c.size)); err != nil {
			return nil, fmt.Errorf("%w: %v", errKeyFile, err)
		}
		if err := ecdh.Validate(ek); err != nil {
			return nil, fmt.Errorf("%w: ecdh: %v", errKeyFile, err)
		}
		priv.PrivateKey = ek
	case "elg":
		gp, ok := pub.PublicKey.(*elgamal.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: elgamal key file for a non-elgamal certificate", errKeyFile)
		}
		for i, name := range []string{"p", "g", "y"} {
			if err := same(name, f.mpis[i]); err != nil {
				return nil, err
			}
		}
		x, err := num("x")
		if err != nil {
			return nil, err
		}
		if x.Sign() <= 0 || x.Cmp(gp.P) >= 0 || new(big.Int).Exp(gp.G, x, gp.P).Cmp(gp.Y) != 0 {
			return nil, fmt.Errorf("%w: elgamal: x does not match y", errKeyFile)
		}
		priv.PrivateKey = &elgamal.PrivateKey{PublicKey: *gp, X: x}
	default:
		return nil, fmt.Errorf("%w: algorithm %q cannot decrypt", errKeyFile, k.name())
	}
	return priv, nil
}

// rsaPrivateKey builds the private key of pub from the secret values of a
// libgcrypt key file (gpgio.md §6): d, the primes p and q, and u = p⁻¹ mod q
// (nil when the file has none).
//
// crypto/rsa checks every key it builds: Precompute and Validate construct
// its FIPS key, which verifies p·q = n, d·e ≡ 1 mod p−1 and mod q−1, the CRT
// coefficient, |p−q| and the size of d. Given only d, p and q it must first
// compute q⁻¹ mod p by Fermat's little theorem, one modular exponentiation
// as costly as half an RSA decryption; Validate and then Precompute did that
// twice, two thirds of a cold RSA-3072 `passotp NAME` (go test ./gpgio
// -bench ColdRSA). libgcrypt's u is Go's Qinv once the primes are swapped
// (Go's Primes = [q, p]), and dP, dQ are two plain reductions, so the same
// complete check runs with no exponentiation at all. Nothing here trusts u:
// the FIPS check verifies Qinv·q ≡ 1 mod p like every other value, and a key
// whose u is missing or wrong is built the slow way, without u, so such a
// file keeps working exactly as before. The keygrip check of loadKeyFile
// (on the decrypt path: the grip is computed from the certificate's key
// and names the file) and the n and e comparison with the certificate come
// on top of this; none of them is skipped.
func rsaPrivateKey(pub *rsa.PublicKey, d, p, q *big.Int, u []byte) (*rsa.PrivateKey, error) {
	one := big.NewInt(1)
	if u != nil && p.Cmp(one) > 0 && q.Cmp(one) > 0 {
		k := &rsa.PrivateKey{PublicKey: *pub, D: d, Primes: []*big.Int{q, p}}
		k.Precomputed.Dp = new(big.Int).Mod(d, new(big.Int).Sub(q, one))
		k.Precomputed.Dq = new(big.Int).Mod(d, new(big.Int).Sub(p, one))
		k.Precomputed.Qinv = new(big.Int).SetBytes(u)
		k.Precompute() // on a bad value it leaves no FIPS key and Validate fails
		if k.Validate() == nil {
			return k, nil
		}
	}
	k := &rsa.PrivateKey{PublicKey: *pub, D: d, Primes: []*big.Int{p, q}}
	k.Precompute() // builds and checks the FIPS key once; Validate then only compares
	if err := k.Validate(); err != nil {
		return nil, err
	}
	return k, nil
}
