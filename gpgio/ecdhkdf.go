package gpgio

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"

	"github.com/ProtonMail/go-crypto/openpgp/aes/keywrap"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// From an agent PKDECRYPT result to a session key (gpgio.md §8.4), and the
// PKESK fields the agent needs. go-crypto keeps both private, so they are
// read back from its serialisations.

// pkeskFields are the algorithm-specific fields of a v3 PKESK.
type pkeskFields struct {
	algo    packet.PublicKeyAlgorithm
	keyID   uint64
	mpi1    []byte // RSA c, ElGamal a, ECDH ephemeral point (MPI magnitude)
	mpi2    []byte // ElGamal b
	wrapped []byte // ECDH wrapped session key (without its length byte)
}

// parsePKESK re-serialises pk and parses its body.
func parsePKESK(pk *packet.EncryptedKey) (*pkeskFields, error) {
	var buf bytes.Buffer
	if err := pk.Serialize(&buf); err != nil {
		return nil, unsupported("public-key encrypted session key: %v", err)
	}
	body, err := packetBody(buf.Bytes())
	if err != nil {
		return nil, err
	}
	return parsePKESKBody(body)
}

// packetBody strips a new-format packet header.
func packetBody(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0]&0xc0 != 0xc0 {
		return nil, errors.New("pkesk: unexpected packet header")
	}
	l := int(b[1])
	switch {
	case l < 192:
		b = b[2:]
	case l < 224:
		if len(b) < 3 {
			return nil, errors.New("pkesk: truncated header")
		}
		l = (l-192)<<8 + int(b[2]) + 192
		b = b[3:]
	case l == 255:
		if len(b) < 6 {
			return nil, errors.New("pkesk: truncated header")
		}
		l = int(b[2])<<24 | int(b[3])<<16 | int(b[4])<<8 | int(b[5])
		b = b[6:]
	default:
		return nil, errors.New("pkesk: partial length")
	}
	if l != len(b) {
		return nil, errors.New("pkesk: length mismatch")
	}
	return b, nil
}

func parsePKESKBody(b []byte) (*pkeskFields, error) {
	if len(b) < 10 || b[0] != 3 {
		return nil, unsupported("pkesk version")
	}
	f := &pkeskFields{algo: packet.PublicKeyAlgorithm(b[9])}
	for i := 1; i < 9; i++ {
		f.keyID = f.keyID<<8 | uint64(b[i])
	}
	rest := b[10:]
	var err error
	switch f.algo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly:
		f.mpi1, rest, err = readMPI(rest)
	case packet.PubKeyAlgoElGamal:
		if f.mpi1, rest, err = readMPI(rest); err == nil {
			f.mpi2, rest, err = readMPI(rest)
		}
	case packet.PubKeyAlgoECDH:
		if f.mpi1, rest, err = readMPI(rest); err == nil {
			if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
				return nil, errors.New("pkesk: truncated wrapped key")
			}
			f.wrapped, rest = rest[1:1+int(rest[0])], rest[1+int(rest[0]):]
		}
	default:
		return nil, unsupported("public-key algorithm %d", f.algo)
	}
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("pkesk: trailing data")
	}
	return f, nil
}

// readMPI reads an OpenPGP MPI and returns its bytes.
func readMPI(b []byte) (mpi, rest []byte, err error) {
	if len(b) < 2 {
		return nil, nil, errors.New("pkesk: truncated mpi")
	}
	n := (int(b[0])<<8 | int(b[1]) + 7) / 8
	if len(b) < 2+n {
		return nil, nil, errors.New("pkesk: truncated mpi")
	}
	return b[2 : 2+n], b[2+n:], nil
}

// ciphertextSexp builds the canonical enc-val S-expression for PKDECRYPT.
func ciphertextSexp(f *pkeskFields) []byte {
	var b bytes.Buffer
	atom := func(s []byte) { fmt.Fprintf(&b, "%d:", len(s)); b.Write(s) }
	smpi := func(m []byte) []byte { // signed MPI: a leading 0 when the top bit is set
		m = bytes.TrimLeft(m, "\x00")
		if len(m) > 0 && m[0]&0x80 != 0 {
			return append([]byte{0}, m...)
		}
		return m
	}
	b.WriteString("(7:enc-val(")
	switch f.algo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly:
		b.WriteString("3:rsa(1:a")
		atom(smpi(f.mpi1))
		b.WriteString(")")
	case packet.PubKeyAlgoElGamal:
		b.WriteString("3:elg(1:a")
		atom(smpi(f.mpi1))
		b.WriteString(")(1:b")
		atom(smpi(f.mpi2))
		b.WriteString(")")
	case packet.PubKeyAlgoECDH:
		b.WriteString("4:ecdh(1:s")
		atom(f.wrapped)
		b.WriteString(")(1:e")
		atom(f.mpi1)
		b.WriteString(")")
	}
	b.WriteString("))")
	return b.Bytes()
}

// parseValueSexp extracts the bytes of "(5:value<len>:<bytes>)", allowing a
// trailing NUL after the list.
func parseValueSexp(b []byte) ([]byte, error) {
	b = bytes.TrimRight(b, "\x00")
	const prefix = "(5:value"
	if !bytes.HasPrefix(b, []byte(prefix)) || len(b) < len(prefix)+3 || b[len(b)-1] != ')' {
		return nil, errors.New("agent result: not a value S-expression")
	}
	rest := b[len(prefix) : len(b)-1]
	colon := bytes.IndexByte(rest, ':')
	if colon < 1 || colon > 6 {
		return nil, errors.New("agent result: bad length")
	}
	n := 0
	for _, c := range rest[:colon] {
		if c < '0' || c > '9' {
			return nil, errors.New("agent result: bad length")
		}
		n = n*10 + int(c-'0')
	}
	if len(rest)-colon-1 != n {
		return nil, errors.New("agent result: length mismatch")
	}
	return rest[colon+1:], nil
}

// stripPKCS1 removes EME-PKCS1-v1_5 padding from an RSA or ElGamal
// result, whose leading zero the agent usually drops.
func stripPKCS1(v []byte) ([]byte, error) {
	if len(v) > 0 && v[0] == 0 {
		v = v[1:]
	}
	if len(v) < 11 || v[0] != 2 {
		return nil, errors.New("agent result: bad PKCS#1 padding")
	}
	i := bytes.IndexByte(v[1:], 0)
	if i < 8 {
		return nil, errors.New("agent result: bad PKCS#1 padding")
	}
	return v[1+i+1:], nil
}

// ecdhKDFParams are what RFC 6637's KDF needs from the public key.
type ecdhKDFParams struct {
	oid       []byte
	kdfHash   byte
	kekCipher byte
	fpr       []byte
}

// ecdhParams reads the curve OID and KDF parameters of an ECDH key from
// its v4 serialisation: 0x99 ‖ len ‖ 04 ‖ time ‖ 18 ‖ oid_len ‖ oid ‖ MPI
// point ‖ 03 ‖ 01 ‖ hash ‖ cipher.
func ecdhParams(pub *packet.PublicKey) (*ecdhKDFParams, error) {
	if pub.Version != 4 {
		return nil, unsupported("v%d key", pub.Version)
	}
	var buf bytes.Buffer
	if err := pub.SerializeForHash(&buf); err != nil {
		return nil, unsupported("ecdh key: %v", err)
	}
	b := buf.Bytes()
	if len(b) < 3+6+1 || b[0] != 0x99 || b[3] != 4 || b[8] != byte(packet.PubKeyAlgoECDH) {
		return nil, errors.New("ecdh key: unexpected serialisation")
	}
	b = b[9:]
	oidLen := int(b[0])
	if oidLen == 0 || oidLen == 0xff || len(b) < 1+oidLen {
		return nil, errors.New("ecdh key: bad oid")
	}
	p := &ecdhKDFParams{oid: b[1 : 1+oidLen], fpr: pub.Fingerprint}
	_, rest, err := readMPI(b[1+oidLen:])
	if err != nil {
		return nil, fmt.Errorf("ecdh key: %w", err)
	}
	if len(rest) != 4 || rest[0] != 3 || rest[1] != 1 {
		return nil, unsupported("ecdh KDF parameters")
	}
	p.kdfHash, p.kekCipher = rest[2], rest[3]
	if len(p.fpr) != 20 {
		return nil, unsupported("ecdh key fingerprint length %d", len(p.fpr))
	}
	return p, nil
}

// ecdhUnwrap turns the agent's shared point into algo ‖ key ‖ sum16.
func ecdhUnwrap(p *ecdhKDFParams, shared, wrapped []byte) ([]byte, error) {
	var x []byte
	switch {
	case len(shared) == 33 && shared[0] == 0x40:
		x = shared[1:]
	case len(shared)%2 == 1 && shared[0] == 0x04:
		x = shared[1 : 1+(len(shared)-1)/2]
	case len(shared) == 32:
		x = shared
	default:
		return nil, errors.New("agent result: unexpected ECDH point")
	}
	var h hash.Hash
	switch p.kdfHash {
	case 8:
		h = sha256.New()
	case 9:
		h = sha512.New384()
	case 10:
		h = sha512.New()
	default:
		return nil, unsupported("ecdh KDF hash %d", p.kdfHash)
	}
	var kekLen int
	switch p.kekCipher {
	case 7:
		kekLen = 16
	case 8:
		kekLen = 24
	case 9:
		kekLen = 32
	default:
		return nil, unsupported("ecdh KEK cipher %d", p.kekCipher)
	}
	h.Write([]byte{0, 0, 0, 1})
	h.Write(x)
	h.Write([]byte{byte(len(p.oid))})
	h.Write(p.oid)
	h.Write([]byte{byte(packet.PubKeyAlgoECDH), 3, 1, p.kdfHash, p.kekCipher})
	h.Write([]byte("Anonymous Sender    "))
	h.Write(p.fpr)
	sum := h.Sum(nil)
	if len(sum) < kekLen {
		return nil, unsupported("ecdh KDF hash too short for KEK")
	}
	kek := sum[:kekLen]
	m, err := keywrap.Unwrap(kek, wrapped)
	zero(sum)
	if err != nil {
		return nil, fmt.Errorf("ecdh unwrap: %w", err)
	}
	if len(m) == 0 {
		return nil, errors.New("ecdh unwrap: empty result")
	}
	n := int(m[len(m)-1])
	if n < 1 || n > 8 || n > len(m) {
		return nil, errors.New("ecdh unwrap: bad padding")
	}
	for _, c := range m[len(m)-n:] {
		if int(c) != n {
			return nil, errors.New("ecdh unwrap: bad padding")
		}
	}
	return m[:len(m)-n], nil
}

// sessionKey checks algo ‖ key ‖ sum16 and returns the cipher and key.
func sessionKey(m []byte) (packet.CipherFunction, []byte, error) {
	if len(m) < 3 {
		return 0, nil, errors.New("session key: too short")
	}
	cf := packet.CipherFunction(m[0])
	key := m[1 : len(m)-2]
	var sum uint16
	for _, c := range key {
		sum += uint16(c)
	}
	if sum != uint16(m[len(m)-2])<<8|uint16(m[len(m)-1]) {
		return 0, nil, errors.New("session key: bad checksum")
	}
	if !cf.IsSupported() {
		return 0, nil, unsupported("cipher %s", cipherName(cf))
	}
	if cf.KeySize() != len(key) {
		return 0, nil, errors.New("session key: wrong length for its cipher")
	}
	return cf, key, nil
}

// cipherName is gpg's name of an OpenPGP symmetric algorithm.
func cipherName(cf packet.CipherFunction) string {
	switch cf {
	case 1:
		return "IDEA"
	case 2:
		return "3DES"
	case 3:
		return "CAST5"
	case 4:
		return "BLOWFISH"
	case 7:
		return "AES"
	case 8:
		return "AES192"
	case 9:
		return "AES256"
	case 10:
		return "TWOFISH"
	case 11:
		return "CAMELLIA128"
	case 12:
		return "CAMELLIA192"
	case 13:
		return "CAMELLIA256"
	}
	return fmt.Sprintf("%d", int(cf))
}
