package gpgio

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Detached signatures for signed git commits (pass.signcommits): what
// `gpg --detach-sign --armor -u SIGNER` writes, made in process with an
// unprotected key file, or by gpg-agent (PKSIGN) for protected and
// smartcard keys and for brainpool curves, which Go cannot sign with. The v4 signature packet is serialised here, because
// go-crypto cannot take signature values computed elsewhere (the agent's).

// NoNativeSignError reports why [Client.Sign] could not make a signature
// in process although gpg might: no secret key for the signer, an
// unsupported algorithm, gpg.conf options that change what gpg signs, no
// agent, or [GPGOnly] mode. Callers may then let gpg sign (git commit -S).
// A bad passphrase, a cancel or a missing pinentry are never reported
// this way: gpg would fail the same way.
type NoNativeSignError struct {
	Reason string
	Err    error // the underlying error, if any
}

func (e *NoNativeSignError) Error() string {
	if e.Err != nil {
		return "cannot sign natively: " + e.Reason + ": " + e.Err.Error()
	}
	return "cannot sign natively: " + e.Reason
}

func (e *NoNativeSignError) Unwrap() error { return e.Err }

func noNativeSign(err error, format string, args ...any) error {
	return &NoNativeSignError{Reason: fmt.Sprintf(format, args...), Err: err}
}

// maxSignedMessage bounds the message read into memory (a commit object).
const maxSignedMessage = 64 << 20

// Sign returns an ASCII-armored detached OpenPGP signature of message
// (signature type 0x00, binary) by the key signer names in `gpg -u`
// syntax: a fingerprint, a key id, a mailbox, or a user-ID substring such
// as git's committer "Name <email>". As gpg does, the first key in keyring
// order that matches and whose secret key the user holds is taken, and of
// it the newest valid signing subkey, else the primary key (a trailing '!'
// names exactly one key).
//
// Unprotected key files sign in process; protected and smartcard keys are
// asked to gpg-agent (SIGKEY, SETKEYDESC, SETHASH, PKSIGN), with the same
// no-terminal fast failure as [Client.Decrypt]. Sign never runs gpg: when
// it cannot sign in process it returns a [*NoNativeSignError] saying why.
func (c *Client) Sign(ctx context.Context, signer string, message io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(message, maxSignedMessage+1))
	if err != nil {
		return nil, fmt.Errorf("sign: read message: %w", err)
	}
	if len(data) > maxSignedMessage {
		return nil, fmt.Errorf("sign: message larger than %d bytes", maxSignedMessage)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.o.Mode == GPGOnly {
		return nil, noNativeSign(nil, "gpg mode")
	}
	h, err := c.home()
	if err != nil {
		return nil, noNativeSign(err, "gnupg home")
	}
	if h.keyringOptions() {
		return nil, noNativeSign(nil, "keyring options in gpg.conf")
	}
	if opt, err := gpgConfSignOption(h); err != nil {
		return nil, noNativeSign(err, "gpg.conf")
	} else if opt != "" {
		return nil, noNativeSign(nil, "gpg.conf option %q changes what gpg signs", opt)
	}
	kr, err := c.keyring()
	if err != nil {
		return nil, noNativeSign(err, "public keyring")
	}
	now := c.o.Now()
	sk, err := resolveSigner(ctx, h, kr, signer, now)
	if err != nil {
		return nil, err
	}
	hashAlgo, err := signHash(sk.pub)
	if err != nil {
		return nil, err
	}
	hashed := sigHashedPart(sk.pub, hashAlgo, now)
	digest := sigDigest(hashAlgo, data, hashed)
	mpis, err := c.signDigest(ctx, h, sk, hashAlgo, digest)
	if err != nil {
		return nil, err
	}
	pkt := sigPacket(sk.pub, hashed, digest, mpis)
	if err := checkSignature(sk.pub, hashAlgo, data, pkt); err != nil {
		return nil, fmt.Errorf("sign: the new signature does not verify: %w", err)
	}
	var out bytes.Buffer
	w, err := armor.Encode(&out, "PGP SIGNATURE", nil)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	w.Write(pkt)
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// gpgConfSignOption returns the first gpg.conf option that makes gpg sign
// differently from the native path (another hash, notations, policy URLs,
// expiry, more signers, a compliance mode), or "".
func gpgConfSignOption(h *home) (string, error) {
	b, err := readSmall(filepath.Join(h.dir, "gpg.conf"))
	if err != nil || b == nil {
		return "", err
	}
	found := ""
	eachOption(b, func(name, _ string) {
		switch name {
		case "digest-algo", "personal-digest-preferences", "sig-notation", "set-notation",
			"sig-policy-url", "set-policy-url", "sig-keyserver-url", "default-sig-expire",
			"ask-sig-expire", "local-user", "u", "textmode", "t", "compliance", "rfc2440",
			"rfc4880", "rfc4880bis", "openpgp", "pgp6", "pgp7", "pgp8", "force-v3-sigs",
			"include-key-block", "weak-digest":
			if found == "" {
				found = name
			}
		}
	})
	return found, nil
}

// signKey is the resolved signing key.
type signKey struct {
	pub     *packet.PublicKey // the signing (sub)key
	primary *packet.PublicKey
	uid     string
	grip    [20]byte
}

// resolveSigner finds the key `gpg -u spec` would sign with (see Sign).
func resolveSigner(ctx context.Context, h *home, kr *keyring, spec string, now time.Time) (*signKey, error) {
	sp, err := classifyRecipient(spec)
	if err != nil {
		return nil, noNativeSign(err, "signer %q", spec)
	}
	blobs, err := kr.allBlobs(ctx)
	if err != nil {
		return nil, noNativeSign(err, "public keyring")
	}
	var soft error
	for _, b := range blobs {
		if !blobMayMatch(sp, b) {
			continue
		}
		ent, err := openpgp.ReadEntity(packet.NewReader(bytes.NewReader(b.keyblock)))
		if err != nil {
			if soft == nil {
				soft = noNativeSign(err, "key %s cannot be loaded", hexFpr(b.fprs[0]))
			}
			continue
		}
		if sk := pickSignKey(sp, ent, now, h.dir); sk != nil {
			return sk, nil
		}
	}
	if soft != nil {
		return nil, soft
	}
	return nil, noNativeSign(ErrNoSecretKey, "no usable signing key for %q", spec)
}

// pickSignKey applies spec to an entity as gpg's getkey with want_secret
// and signing usage does; nil when it gives no usable key.
func pickSignKey(sp recipientSpec, ent *openpgp.Entity, now time.Time, dir string) *signKey {
	selfSig, ident := ent.PrimarySelfSignature()
	if selfSig == nil || ent.PrimaryKey.KeyExpired(selfSig, now) || ent.Revoked(now) || selfSig.SigExpired(now) ||
		(ident != nil && ident.Revoked(now)) {
		return nil
	}
	uid := ""
	if ident != nil {
		uid = ident.Name
	}
	named := func(pub *packet.PublicKey) bool {
		switch sp.kind {
		case specKeyID, specFpr:
			return sp.keyMatches(pub.Fingerprint)
		case specKeygrip:
			g, err := keygrip(pub)
			return err == nil && strings.ToUpper(hex.EncodeToString(g[:])) == sp.value
		}
		return false
	}
	match := false
	var exact *packet.PublicKey
	switch sp.kind {
	case specKeyID, specFpr, specKeygrip:
		if named(ent.PrimaryKey) {
			match, exact = true, ent.PrimaryKey
		}
		for i := range ent.Subkeys {
			if named(ent.Subkeys[i].PublicKey) {
				match, exact = true, ent.Subkeys[i].PublicKey
			}
		}
	default:
		for _, id := range ent.Identities {
			if !id.Revoked(now) && sp.uidMatches(id.Name) {
				match = true
			}
		}
	}
	if !match {
		return nil
	}
	held := func(pub *packet.PublicKey) (*signKey, bool) {
		g, err := keygrip(pub)
		if err != nil || !keyFileExists(dir, g) {
			return nil, false
		}
		return &signKey{pub: pub, primary: ent.PrimaryKey, uid: uid, grip: g}, true
	}
	primaryOK := func() bool {
		return ent.PrimaryKey.PubKeyAlgo.CanSign() && (!selfSig.FlagsValid || selfSig.FlagSign)
	}
	subOK := func(sk *openpgp.Subkey) bool {
		return sk.PublicKey.PubKeyAlgo.CanSign() && sk.Sig != nil && (!sk.Sig.FlagsValid || sk.Sig.FlagSign) &&
			!sk.PublicKey.KeyExpired(sk.Sig, now) && !sk.Sig.SigExpired(now) && !sk.Revoked(now)
	}
	if sp.exact {
		if exact == ent.PrimaryKey {
			if k, ok := held(exact); ok && primaryOK() {
				return k
			}
			return nil
		}
		for i := range ent.Subkeys {
			sk := &ent.Subkeys[i]
			if sk.PublicKey == exact && subOK(sk) {
				if k, ok := held(exact); ok {
					return k
				}
			}
		}
		return nil
	}
	// The newest valid signing subkey whose secret key is held, else the
	// primary (gpg's finish_lookup for PUBKEY_USAGE_SIG).
	var best *openpgp.Subkey
	for i := range ent.Subkeys {
		sk := &ent.Subkeys[i]
		if !subOK(sk) {
			continue
		}
		if _, ok := held(sk.PublicKey); !ok {
			continue
		}
		if best == nil || sk.PublicKey.CreationTime.After(best.PublicKey.CreationTime) {
			best = sk
		}
	}
	if best != nil {
		k, _ := held(best.PublicKey)
		return k
	}
	if primaryOK() {
		if k, ok := held(ent.PrimaryKey); ok {
			return k
		}
	}
	return nil
}

// signHash is the hash gpg 2.2 picks without digest options: SHA-256,
// or for ECDSA the hash matching the curve size (match_dsa_hash).
func signHash(pub *packet.PublicKey) (crypto.Hash, error) {
	switch pub.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly:
		return crypto.SHA256, nil
	case packet.PubKeyAlgoEdDSA:
		if f, err := readPubKeyFields(pub); err == nil && hex.EncodeToString(f.oid) == "2b06010401da470f01" {
			return crypto.SHA256, nil
		}
	case packet.PubKeyAlgoECDSA:
		if f, err := readPubKeyFields(pub); err == nil {
			switch nistCurve(f.oid) {
			case elliptic.P256():
				return crypto.SHA256, nil
			case elliptic.P384():
				return crypto.SHA384, nil
			case elliptic.P521():
				return crypto.SHA512, nil
			}
			// brainpool: signed by the agent only (no Go implementation)
			switch hex.EncodeToString(f.oid) {
			case "2b2403030208010107":
				return crypto.SHA256, nil
			case "2b240303020801010b":
				return crypto.SHA384, nil
			case "2b240303020801010d":
				return crypto.SHA512, nil
			}
		}
	}
	return 0, noNativeSign(nil, "signing key %016X: algorithm %d or its curve", pub.KeyId, pub.PubKeyAlgo)
}

// nistCurve returns the NIST curve with the given OID, or nil.
func nistCurve(oid []byte) elliptic.Curve {
	switch hex.EncodeToString(oid) {
	case "2a8648ce3d030107":
		return elliptic.P256()
	case "2b81040022":
		return elliptic.P384()
	case "2b81040023":
		return elliptic.P521()
	}
	return nil
}

// hashID is the OpenPGP (and libgcrypt) number of a hash.
func hashID(h crypto.Hash) byte {
	switch h {
	case crypto.SHA384:
		return 9
	case crypto.SHA512:
		return 10
	}
	return 8 // SHA-256
}

// sigHashedPart is the hashed part of a v4 binary-document signature:
// version, type, algorithms and the hashed subpackets gpg 2.2 writes
// (issuer fingerprint, creation time).
func sigHashedPart(pub *packet.PublicKey, h crypto.Hash, created time.Time) []byte {
	var sub []byte
	sub = append(sub, 22, 33, 4) // issuer fingerprint, v4
	sub = append(sub, pub.Fingerprint...)
	sub = append(sub, 5, 2) // signature creation time
	sub = binary.BigEndian.AppendUint32(sub, uint32(created.Unix()))
	b := []byte{4, 0x00, byte(pub.PubKeyAlgo), hashID(h)}
	b = binary.BigEndian.AppendUint16(b, uint16(len(sub)))
	return append(b, sub...)
}

// sigDigest hashes the message and the v4 trailer (RFC 4880 §5.2.4).
func sigDigest(h crypto.Hash, message, hashed []byte) []byte {
	d := h.New()
	d.Write(message)
	d.Write(hashed)
	d.Write([]byte{4, 0xff})
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(hashed)))
	d.Write(n[:])
	return d.Sum(nil)
}

// sigPacket serialises the signature packet: the hashed part, the
// unhashed issuer key id, the left 16 bits of the digest and the MPIs.
func sigPacket(pub *packet.PublicKey, hashed, digest []byte, mpis [][]byte) []byte {
	body := append([]byte(nil), hashed...)
	body = append(body, 0, 10, 9, 16) // unhashed: issuer key id
	body = binary.BigEndian.AppendUint64(body, pub.KeyId)
	body = append(body, digest[0], digest[1])
	for _, m := range mpis {
		m = magnitude(m)
		bits := 0
		if len(m) > 0 {
			bits = (len(m)-1)*8 + bitLen8(m[0])
		}
		body = binary.BigEndian.AppendUint16(body, uint16(bits))
		body = append(body, m...)
	}
	// New-format header, tag 2.
	out := []byte{0xc0 | 2}
	switch n := len(body); {
	case n < 192:
		out = append(out, byte(n))
	case n < 8384:
		n -= 192
		out = append(out, byte(n>>8)+192, byte(n))
	default:
		out = append(out, 0xff)
		out = binary.BigEndian.AppendUint32(out, uint32(n))
	}
	return append(out, body...)
}

func bitLen8(b byte) int {
	n := 0
	for ; b != 0; b >>= 1 {
		n++
	}
	return n
}

// checkSignature verifies the new packet with go-crypto, as gpg checks a
// signature it has just made.
func checkSignature(pub *packet.PublicKey, h crypto.Hash, message, pkt []byte) error {
	p, err := packet.Read(bytes.NewReader(pkt))
	if err != nil {
		return err
	}
	sig, ok := p.(*packet.Signature)
	if !ok {
		return fmt.Errorf("not a signature packet: %T", p)
	}
	d := h.New()
	d.Write(message)
	return pub.VerifySignature(d, sig)
}

// signDigest returns the signature values (RSA: s; ECDSA, EdDSA: r, s)
// for digest: in process with an unprotected key file, else by the agent.
func (c *Client) signDigest(ctx context.Context, h *home, sk *signKey, hashAlgo crypto.Hash, digest []byte) ([][]byte, error) {
	if !c.agentOnly {
		b, err := readKeyFile(keyFilePath(h.dir, sk.grip))
		if err != nil {
			return nil, noNativeSign(err, "key file for %016X", sk.pub.KeyId)
		}
		s, kind, err := parseKeyFile(b)
		if err != nil {
			return nil, noNativeSign(err, "key file for %016X", sk.pub.KeyId)
		}
		if kind == keyUnprotected {
			mpis, err := signWithKeyFile(s, sk.pub, hashAlgo, digest)
			var ne *NoNativeSignError
			if !errors.As(err, &ne) {
				return mpis, err
			}
			// A curve Go cannot sign with (brainpool): the agent can.
			c.tracef("gpgio: key file %X: %v; asking the agent", sk.grip, err)
		}
	}
	return c.agentSign(ctx, sk, hashAlgo, digest)
}

// signWithKeyFile signs digest with an unprotected (private-key …) tree
// whose public values must be pub's: RSA, NIST ECDSA or Ed25519.
func signWithKeyFile(s *sexp, pub *packet.PublicKey, hashAlgo crypto.Hash, digest []byte) ([][]byte, error) {
	priv, err := signingKeyFromSexp(s, pub)
	if err != nil {
		return nil, err
	}
	switch k := priv.(type) {
	case *rsa.PrivateKey:
		sig, err := rsa.SignPKCS1v15(nil, k, hashAlgo, digest)
		if err != nil {
			return nil, fmt.Errorf("sign: rsa: %w", err)
		}
		return [][]byte{sig}, nil
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest)
		if err != nil {
			return nil, fmt.Errorf("sign: ecdsa: %w", err)
		}
		return [][]byte{r.Bytes(), s.Bytes()}, nil
	case ed25519.PrivateKey:
		sig := ed25519.Sign(k, digest)
		return [][]byte{sig[:32], sig[32:]}, nil
	}
	return nil, noNativeSign(nil, "key type %T", priv)
}

// signingKeyFromSexp builds a Go private key for pub from an unprotected
// key file: (rsa (n)(e)(d)(p)(q)(u)), (ecc (curve Ed25519)(flags eddsa)(q)(d))
// with d the 32-byte seed, or (ecc (curve NIST P-…)(q)(d)). The file's
// public values must be the certificate's.
func signingKeyFromSexp(s *sexp, pub *packet.PublicKey) (crypto.Signer, error) {
	if s == nil || s.name() != "private-key" || len(s.list) < 2 || !s.list[1].isList {
		return nil, fmt.Errorf("%w: not an unprotected key", errKeyFile)
	}
	if pub == nil {
		return nil, fmt.Errorf("%w: no public key", errKeyFile)
	}
	k := s.list[1]
	switch k.name() {
	case "rsa":
		priv, err := privateKeyFromSexp(s, pub)
		if err != nil {
			return nil, err
		}
		rk, ok := priv.PrivateKey.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: not an rsa key", errKeyFile)
		}
		return rk, nil
	case "ecc":
	default:
		return nil, noNativeSign(nil, "key file algorithm %q", k.name())
	}
	f, err := readPubKeyFields(pub)
	if err != nil {
		return nil, noNativeSign(err, "signing key %016X", pub.KeyId)
	}
	q, d := k.value("q"), k.value("d")
	if q == nil || d == nil {
		return nil, fmt.Errorf("%w: no \"q\" or \"d\"", errKeyFile)
	}
	if !bytes.Equal(magnitude(q), magnitude(f.mpis[0])) {
		return nil, fmt.Errorf("%w: \"q\" differs from the certificate", errKeyFile)
	}
	d = magnitude(d)
	switch {
	case pub.PubKeyAlgo == packet.PubKeyAlgoEdDSA && hex.EncodeToString(f.oid) == "2b06010401da470f01":
		if len(d) > ed25519.SeedSize || len(q) != 33 || q[0] != 0x40 {
			return nil, fmt.Errorf("%w: bad ed25519 key", errKeyFile)
		}
		priv := ed25519.NewKeyFromSeed(leftPad(d, ed25519.SeedSize))
		if !bytes.Equal(priv.Public().(ed25519.PublicKey), q[1:]) {
			return nil, fmt.Errorf("%w: ed25519: d does not match q", errKeyFile)
		}
		return priv, nil
	case pub.PubKeyAlgo == packet.PubKeyAlgoECDSA && nistCurve(f.oid) != nil:
		curve := nistCurve(f.oid)
		size := (curve.Params().BitSize + 7) / 8
		if len(d) > size {
			return nil, fmt.Errorf("%w: \"d\" too long", errKeyFile)
		}
		priv, err := ecdsa.ParseRawPrivateKey(curve, leftPad(d, size))
		if err != nil {
			return nil, fmt.Errorf("%w: ecdsa: %v", errKeyFile, err)
		}
		pubBytes, err := priv.PublicKey.Bytes()
		if err != nil || !bytes.Equal(pubBytes, q) {
			return nil, fmt.Errorf("%w: ecdsa: d does not match q", errKeyFile)
		}
		return priv, nil
	}
	return nil, noNativeSign(nil, "signing key %016X: algorithm %d or its curve", pub.KeyId, pub.PubKeyAlgo)
}

// agentSign asks gpg-agent to sign digest with the key (gpgio.md §8.3,
// with SIGKEY/SETHASH/PKSIGN instead of SETKEY/PKDECRYPT).
func (c *Client) agentSign(ctx context.Context, sk *signKey, hashAlgo crypto.Hash, digest []byte) ([][]byte, error) {
	ac, err := c.agentConn(ctx)
	if err != nil {
		if errors.Is(err, ErrNoAgent) {
			return nil, noNativeSign(err, "agent")
		}
		return nil, err
	}
	a := ac.a
	ac.used = true
	gripHex := strings.ToUpper(hex.EncodeToString(sk.grip[:]))
	early := func(err error) error { // before PKSIGN: gpg may know more
		err = mapAgentError(err)
		var ae *AgentError
		if errors.Is(err, ErrNoSecretKey) || errors.As(err, &ae) {
			return noNativeSign(err, "agent")
		}
		return err
	}
	if _, err := a.transact(ctx, "HAVEKEY "+gripHex, nil, nil); err != nil {
		return nil, early(err)
	}
	if c.o.Passphrase == nil {
		ok, err := c.canPrompt(ctx, a, gripHex)
		if err != nil {
			return nil, early(err)
		}
		if !ok {
			return nil, ErrNoPinentry
		}
	}
	desc := keyDescription(sk.pub, sk.primary, sk.uid)
	for _, cmd := range []string{
		"SIGKEY " + gripHex,
		"SETKEYDESC " + percentPlusEscape(desc),
		fmt.Sprintf("SETHASH %d %X", hashID(hashAlgo), digest),
	} {
		if _, err := a.transact(ctx, cmd, nil, nil); err != nil {
			return nil, early(err)
		}
	}
	inquire := func(kw string) ([]byte, error) {
		if kw == "PASSPHRASE" && c.o.Passphrase != nil {
			return c.o.Passphrase(ctx, desc)
		}
		return nil, fmt.Errorf("unexpected inquiry %s", kw)
	}
	data, err := a.transact(ctx, "PKSIGN", inquire, nil)
	if err != nil {
		err = mapAgentError(err)
		if errors.Is(err, ErrNoSecretKey) {
			return nil, noNativeSign(err, "agent")
		}
		return nil, fmt.Errorf("pksign: %w", err)
	}
	mpis, err := parseSigVal(data, sk.pub.PubKeyAlgo)
	if err != nil {
		return nil, fmt.Errorf("pksign: %w", err)
	}
	return mpis, nil
}

// parseSigVal reads the agent's (sig-val (rsa (s …))), (sig-val (ecdsa
// (r …)(s …))) or (sig-val (eddsa (r …)(s …))), allowing a trailing NUL.
func parseSigVal(b []byte, algo packet.PublicKeyAlgorithm) ([][]byte, error) {
	s, err := parseSexp(bytes.TrimRight(b, "\x00"))
	if err != nil {
		return nil, fmt.Errorf("agent result: %w", err)
	}
	if s.name() != "sig-val" || len(s.list) < 2 || !s.list[1].isList {
		return nil, errors.New("agent result: not a sig-val S-expression")
	}
	v := s.list[1]
	var want string
	var names []string
	switch algo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly:
		want, names = "rsa", []string{"s"}
	case packet.PubKeyAlgoECDSA:
		want, names = "ecdsa", []string{"r", "s"}
	case packet.PubKeyAlgoEdDSA:
		want, names = "eddsa", []string{"r", "s"}
	default:
		return nil, fmt.Errorf("agent result: algorithm %d", algo)
	}
	if v.name() != want {
		return nil, fmt.Errorf("agent result: %q signature, want %q", v.name(), want)
	}
	var out [][]byte
	for _, n := range names {
		x := v.value(n)
		if len(magnitude(x)) == 0 {
			return nil, fmt.Errorf("agent result: no %q", n)
		}
		out = append(out, x)
	}
	return out, nil
}
