package gpgio

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Keygrips as libgcrypt's _gcry_pk_get_keygrip computes them (gpgio.md §7).

// errKeyFields is wrapped when a public key packet cannot be taken apart.
var errKeyFields = errors.New("unsupported public key")

// pubKeyFields holds the algorithm-specific fields of a v4 public key,
// read back from its serialization: the MPIs (RSA n e; DSA p q g y;
// ElGamal p g y; ECC the point) and, for ECC, the curve OID and the ECDH
// KDF parameters (the bytes after the point, e.g. 03 01 08 07).
type pubKeyFields struct {
	algo packet.PublicKeyAlgorithm
	mpis [][]byte
	oid  []byte
	kdf  []byte
}

// readPubKeyFields parses pub.SerializeForHash: 0x99 ‖ u16 len ‖ 0x04 ‖
// time(4) ‖ algo ‖ fields.
func readPubKeyFields(pub *packet.PublicKey) (*pubKeyFields, error) {
	if pub == nil || pub.Version != 4 {
		return nil, fmt.Errorf("%w: not a v4 key", errKeyFields)
	}
	var buf bytes.Buffer
	if err := pub.SerializeForHash(&buf); err != nil {
		return nil, fmt.Errorf("%w: %v", errKeyFields, err)
	}
	b := buf.Bytes()
	if len(b) < 9 || b[0] != 0x99 || b[3] != 4 {
		return nil, fmt.Errorf("%w: bad serialization", errKeyFields)
	}
	f := &pubKeyFields{algo: packet.PublicKeyAlgorithm(b[8])}
	b = b[9:]
	mpi := func() ([]byte, error) {
		if len(b) < 2 {
			return nil, fmt.Errorf("%w: short mpi", errKeyFields)
		}
		n := (int(b[0])<<8 | int(b[1]) + 7) / 8
		if len(b)-2 < n {
			return nil, fmt.Errorf("%w: short mpi", errKeyFields)
		}
		v := b[2 : 2+n]
		b = b[2+n:]
		return v, nil
	}
	count := 0
	switch f.algo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
		count = 2
	case packet.PubKeyAlgoDSA:
		count = 4
	case packet.PubKeyAlgoElGamal:
		count = 3
	case packet.PubKeyAlgoECDSA, packet.PubKeyAlgoECDH, packet.PubKeyAlgoEdDSA:
		if len(b) < 1 || len(b)-1 < int(b[0]) || b[0] == 0 || b[0] == 0xff {
			return nil, fmt.Errorf("%w: bad curve oid", errKeyFields)
		}
		f.oid = b[1 : 1+int(b[0])]
		b = b[1+int(b[0]):]
		count = 1
	default:
		return nil, fmt.Errorf("%w: algorithm %d", errKeyFields, f.algo)
	}
	for i := 0; i < count; i++ {
		v, err := mpi()
		if err != nil {
			return nil, err
		}
		f.mpis = append(f.mpis, v)
	}
	if f.algo == packet.PubKeyAlgoECDH {
		if len(b) < 4 || b[0] != 3 || b[1] != 1 {
			return nil, fmt.Errorf("%w: bad ecdh kdf parameters", errKeyFields)
		}
		f.kdf = b[:4]
	}
	return f, nil
}

// eccCurve holds libgcrypt's curve-table values (hex magnitudes) that the
// keygrip hashes. Built on demand, never at init.
type eccCurve struct {
	name       string // libgcrypt name
	p, a, b, n string
	gx, gy     string
	size       int  // field size in bytes
	compact    bool // q is stored as 0x40 ‖ X (Curve25519, Ed25519)
}

// The curves of libgcrypt's table that gpgio knows, as statically
// initialised data: no code runs for them at init, and a lookup allocates
// nothing (issue 3).
var (
	curveCv25519 = eccCurve{name: "Curve25519", size: 32, compact: true,
		p:  "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFED",
		a:  "01DB41",
		b:  "01",
		n:  "1000000000000000000000000000000014DEF9DEA2F79CD65812631A5CF5D3ED",
		gx: "0000000000000000000000000000000000000000000000000000000000000009",
		// libgcrypt's historic value; do not "fix" it (gpgio.md §7).
		gy: "20AE19A1B8A086B4E01EDD2C7748D14C923D4D7E6D7C61B229E9C5A27ECED3D9"}
	curveEd25519 = eccCurve{name: "Ed25519", size: 32, compact: true,
		p:  "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFED",
		a:  "01", // -1 in the table
		b:  "2DFC9311D490018C7338BF8688861767FF8FF5B2BEBE27548A14B235ECA6874A",
		n:  "1000000000000000000000000000000014DEF9DEA2F79CD65812631A5CF5D3ED",
		gx: "216936D3CD6E53FEC0A4E231FDD6DC5C692CC7609525A7B2C9562D608F25D51A",
		gy: "6666666666666666666666666666666666666666666666666666666666666658"}
	curveP256 = eccCurve{name: "NIST P-256", size: 32,
		p:  "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
		a:  "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC",
		b:  "5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B",
		n:  "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
		gx: "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
		gy: "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5"}
	curveP384 = eccCurve{name: "NIST P-384", size: 48,
		p:  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
		a:  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC",
		b:  "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF",
		n:  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
		gx: "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7",
		gy: "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F"}
	curveP521 = eccCurve{name: "NIST P-521", size: 66,
		p:  "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
		a:  "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC",
		b:  "51953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00",
		n:  "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
		gx: "00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66",
		gy: "011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650"}
	curveBrainpoolP256 = eccCurve{name: "brainpoolP256r1", size: 32,
		p:  "A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377",
		a:  "7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9",
		b:  "26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6",
		n:  "A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7",
		gx: "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262",
		gy: "547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997"}
	curveBrainpoolP384 = eccCurve{name: "brainpoolP384r1", size: 48,
		p:  "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53",
		a:  "7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826",
		b:  "04A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11",
		n:  "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565",
		gx: "1D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E",
		gy: "8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315"}
	curveBrainpoolP512 = eccCurve{name: "brainpoolP512r1", size: 64,
		p:  "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3",
		a:  "7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA",
		b:  "3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723",
		n:  "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069",
		gx: "81AEE4BDD82ED9645A21322E9C4C6A9385ED9F70B5D916C1B43B62EEF4D0098EFF3B1F78E2D0D48D50D1687B93B97D5F7C6D5047406A5E688B352209BCB9F822",
		gy: "7DDE385D566332ECC0EABFA9CF7822FDF209F70024A57B1AA000C55B881F8111B2DCDE494A5F485E5BCA4BD88A2763AED1CA2B2FA8F0540678CD1E0F3AD80892"}
)

// curveByOID returns the curve with the given OID, or nil. The result is
// shared: never modify it.
func curveByOID(oid []byte) *eccCurve {
	switch string(oid) {
	case "\x2b\x06\x01\x04\x01\x97\x55\x01\x05\x01": // 2b060104019755010501
		return &curveCv25519
	case "\x2b\x06\x01\x04\x01\xda\x47\x0f\x01": // 2b06010401da470f01
		return &curveEd25519
	case "\x2a\x86\x48\xce\x3d\x03\x01\x07": // 2a8648ce3d030107
		return &curveP256
	case "\x2b\x81\x04\x00\x22": // 2b81040022
		return &curveP384
	case "\x2b\x81\x04\x00\x23": // 2b81040023
		return &curveP521
	case "\x2b\x24\x03\x03\x02\x08\x01\x01\x07": // 2b2403030208010107
		return &curveBrainpoolP256
	case "\x2b\x24\x03\x03\x02\x08\x01\x01\x0b": // 2b240303020801010b
		return &curveBrainpoolP384
	case "\x2b\x24\x03\x03\x02\x08\x01\x01\x0d": // 2b240303020801010d
		return &curveBrainpoolP512
	}
	return nil
}

// mustHex decodes a table constant; the table is fixed, so a failure is a bug
// caught by the tests.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("gpgio: bad curve constant")
	}
	return b
}

// magnitude strips leading zero bytes.
func magnitude(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// leftPad returns b left-padded with zeros to n bytes (b if longer).
func leftPad(b []byte, n int) []byte {
	if len(b) >= n {
		return b
	}
	out := make([]byte, n)
	copy(out[n-len(b):], b)
	return out
}

// signedMPI returns b as gcry's %m writes it: the magnitude, with a 0x00
// prepended when its top bit is set.
func signedMPI(b []byte) []byte {
	b = magnitude(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

func writeGripPart(buf []byte, name byte, v []byte) []byte {
	buf = append(buf, '(', '1', ':', name)
	buf = strconv.AppendInt(buf, int64(len(v)), 10)
	buf = append(buf, ':')
	buf = append(buf, v...)
	return append(buf, ')')
}

// keygrip computes libgcrypt's keygrip of pub (gpgio.md §7). The hashed
// S-expression is built in one buffer (on the stack for the usual keys)
// and the curve constants are decoded into it, so that a keygrip costs no
// allocation beyond readPubKeyFields (issue 3).
func keygrip(pub *packet.PublicKey) ([20]byte, error) {
	var grip [20]byte
	f, err := readPubKeyFields(pub)
	if err != nil {
		return grip, err
	}
	buf := make([]byte, 0, 1024)
	switch f.algo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
		buf = appendSignedMPI(buf, f.mpis[0])
	case packet.PubKeyAlgoDSA:
		for i, name := range []byte("pqgy") {
			buf = writeGripPart(buf, name, signedMPI(f.mpis[i]))
		}
	case packet.PubKeyAlgoElGamal:
		for i, name := range []byte("pgy") {
			buf = writeGripPart(buf, name, signedMPI(f.mpis[i]))
		}
	default: // ECC
		c := curveByOID(f.oid)
		if c == nil {
			return grip, fmt.Errorf("%w: curve oid %x", errKeyFields, f.oid)
		}
		q, err := c.point(f.mpis[0])
		if err != nil {
			return grip, err
		}
		var tmp [1 + 2*66]byte // 04 ‖ X ‖ Y of the largest curve, P-521
		buf = writeGripPart(buf, 'p', appendConst(tmp[:0], c.p, 0))
		buf = writeGripPart(buf, 'a', appendConst(tmp[:0], c.a, 0))
		buf = writeGripPart(buf, 'b', appendConst(tmp[:0], c.b, 0))
		g := append(tmp[:0], 4)
		g = appendConst(g, c.gx, c.size)
		g = appendConst(g, c.gy, c.size)
		buf = writeGripPart(buf, 'g', g)
		buf = writeGripPart(buf, 'n', appendConst(tmp[:0], c.n, 0))
		buf = writeGripPart(buf, 'q', q)
	}
	return sha1.Sum(buf), nil
}

// appendConst appends the magnitude of the hex table constant s to dst,
// left-padded with zeros to size bytes (0: no padding), as
// leftPad(magnitude(mustHex(s)), size) without allocating. The table is
// fixed, so bad hex is a bug caught by the tests.
func appendConst(dst []byte, s string, size int) []byte {
	if len(s)%2 != 0 {
		panic("gpgio: bad curve constant")
	}
	n := len(s) / 2
	skip := 0 // leading zero bytes
	for skip < n && s[2*skip] == '0' && s[2*skip+1] == '0' {
		skip++
	}
	for i := n - skip; i < size; i++ {
		dst = append(dst, 0)
	}
	for i := skip; i < n; i++ {
		hi, ok1 := hexNibble(s[2*i])
		lo, ok2 := hexNibble(s[2*i+1])
		if !ok1 || !ok2 {
			panic("gpgio: bad curve constant")
		}
		dst = append(dst, hi<<4|lo)
	}
	return dst
}

// appendSignedMPI appends b as gcry's %m writes it (see signedMPI).
func appendSignedMPI(dst, b []byte) []byte {
	b = magnitude(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		dst = append(dst, 0)
	}
	return append(dst, b...)
}

// point checks an OpenPGP point MPI for the curve and returns what the
// keygrip hashes as q: X for the 0x40-prefixed curves, else 04 ‖ X ‖ Y.
func (c *eccCurve) point(mpi []byte) ([]byte, error) {
	if c.compact {
		if len(mpi) != c.size+1 || mpi[0] != 0x40 {
			return nil, fmt.Errorf("%w: bad %s point", errKeyFields, c.name)
		}
		return mpi[1:], nil
	}
	if len(mpi) != 2*c.size+1 || mpi[0] != 4 {
		return nil, fmt.Errorf("%w: bad %s point", errKeyFields, c.name)
	}
	return mpi, nil
}
