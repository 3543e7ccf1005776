package ageio

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// ssh keys are age identities and recipients of the age CLI
// (filippo.io/age/agessh), but ageio does not link agessh: it brings in
// golang.org/x/crypto/ssh, crypto/x509, encoding/pem and bcrypt, whose
// initialisation costs every run of passotp start-up time (issue 3). ageio
// reads only the public half of an ssh key, here, by hand, and leaves
// wrapping and unwrapping to the age binary (agecmd.go).

// The ssh key types age supports.
const (
	sshEd25519 = "ssh-ed25519"
	sshRSA     = "ssh-rsa"
)

// SSHIdentity is an OpenSSH private key (ssh-ed25519 or ssh-rsa) used as an
// age identity, as with `age -d -i KEYFILE`. ageio never reads its secret
// half: a [Client] decrypts a file encrypted to it by running the age
// binary with -i File, which asks on the terminal for the passphrase of a
// protected key. Used directly with [age.Decrypt] it matches nothing.
type SSHIdentity struct {
	// File is the private key file, "" when the key did not come from a
	// file of its own (e.g. [ParseIdentities]).
	File string
	// Type is "ssh-ed25519" or "ssh-rsa"; "" when it cannot be told
	// without decoding the secret key (a PKCS#8 key without File.pub).
	Type string
	// Encrypted is true for a passphrase-protected key, when that is known.
	Encrypted bool
	// pub is the public key in ssh wire format, nil when unknown.
	pub []byte
}

// Unwrap implements [age.Identity]: ageio cannot unwrap ssh stanzas, so it
// always returns an error wrapping [age.ErrIncorrectIdentity].
func (i *SSHIdentity) Unwrap([]*age.Stanza) ([]byte, error) {
	return nil, fmt.Errorf("%w: ssh identities are used through the age binary", age.ErrIncorrectIdentity)
}

// Recipient returns the public key in authorized_keys form ("ssh-ed25519
// AAAA…"), or "" when it is not known.
func (i *SSHIdentity) Recipient() string {
	if i.pub == nil {
		return ""
	}
	return i.Type + " " + base64.StdEncoding.EncodeToString(i.pub)
}

// name is how errors refer to the key.
func (i *SSHIdentity) name() string {
	if i.File != "" {
		return i.File
	}
	if r := i.Recipient(); r != "" {
		return shorten(r)
	}
	return "(ssh key)"
}

// matches reports whether a stanza of the file may be for this key: same
// type and, when the public key is known, the same tag (age's first four
// bytes of SHA-256 of the wire-format key).
func (i *SSHIdentity) matches(stanzas []*age.Stanza) bool {
	var tag string
	if i.pub != nil {
		tag = sshTag(i.pub)
	}
	for _, s := range stanzas {
		if s.Type != sshEd25519 && s.Type != sshRSA {
			continue
		}
		if i.Type != "" && s.Type != i.Type {
			continue
		}
		if tag == "" || len(s.Args) > 0 && s.Args[0] == tag {
			return true
		}
	}
	return false
}

// sshTag is the tag age writes as the first argument of an ssh stanza.
func sshTag(pub []byte) string {
	h := sha256.Sum256(pub)
	return base64.RawStdEncoding.EncodeToString(h[:4])
}

// SSHRecipient is an OpenSSH public key (ssh-ed25519, ssh-rsa) as a
// recipient. ageio does not wrap file keys for it: a [Client] encrypts to a
// recipient list holding one by running the age binary. Used directly with
// [age.Encrypt] it fails with an error wrapping [ErrNeedAgeBinary].
type SSHRecipient struct {
	typ string
	pub []byte // wire format; nil for idFile
	// idFile is an ssh private key whose public half is unknown (a PEM key
	// without .pub): the age binary derives it from -i idFile.
	idFile string
}

// Wrap implements [age.Recipient]; it always fails (see [SSHRecipient]).
func (r *SSHRecipient) Wrap([]byte) ([]*age.Stanza, error) {
	return nil, fmt.Errorf("%w: ssh recipient %s", ErrNeedAgeBinary, shorten(r.String()))
}

// String returns the key in authorized_keys form.
func (r *SSHRecipient) String() string {
	if r.pub == nil {
		return "ssh key " + r.idFile
	}
	return r.typ + " " + base64.StdEncoding.EncodeToString(r.pub)
}

// parseSSHRecipient parses an authorized_keys line "TYPE BASE64 [comment]"
// of a type age supports. The error never quotes the input (the caller
// shows the shortened line).
func parseSSHRecipient(s string) (*SSHRecipient, error) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return nil, errors.New("malformed ssh public key")
	}
	if f[0] != sshEd25519 && f[0] != sshRSA {
		return nil, fmt.Errorf("ssh key type %.40s is not supported by age", f[0])
	}
	pub, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return nil, errors.New("malformed ssh public key: bad base64")
	}
	if err := checkSSHPublicKey(f[0], pub); err != nil {
		return nil, err
	}
	return &SSHRecipient{typ: f[0], pub: pub}, nil
}

// checkSSHPublicKey checks a wire-format public key of type typ: the type
// string, a 32-byte ed25519 key, or an RSA exponent and modulus of at
// least 2048 bits (age refuses smaller ones).
func checkSSHPublicKey(typ string, pub []byte) error {
	rest, fields, ok := sshStrings(pub, 3)
	switch {
	case !ok || len(fields) < 2 || string(fields[0]) != typ:
		return errors.New("malformed ssh public key")
	case typ == sshEd25519 && (len(fields) != 2 || len(fields[1]) != 32 || len(rest) != 0):
		return errors.New("malformed ssh-ed25519 public key")
	case typ == sshRSA:
		if len(fields) != 3 || len(rest) != 0 {
			return errors.New("malformed ssh-rsa public key")
		}
		n := bytes.TrimLeft(fields[2], "\x00")
		if len(n) == 0 || (len(n)-1)*8+bitLen(n[0]) < 2048 {
			return errors.New("ssh-rsa key is smaller than 2048 bits")
		}
	}
	return nil
}

func bitLen(b byte) int {
	n := 0
	for ; b != 0; b >>= 1 {
		n++
	}
	return n
}

// sshStrings reads up to max length-prefixed strings from the ssh wire
// format and returns what follows them.
func sshStrings(b []byte, max int) (rest []byte, out [][]byte, ok bool) {
	for len(out) < max && len(b) > 0 {
		if len(b) < 4 {
			return nil, nil, false
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return nil, nil, false
		}
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return b, out, true
}

// parseSSHPrivateKey looks at a PEM-armored ssh private key without
// decoding its secret: the key type and, when stored in clear, the public
// key (OpenSSH's format keeps it unencrypted; for PKCS#1 RSA it is derived
// from the modulus and exponent). The error never quotes the input.
func parseSSHPrivateKey(data []byte) (*SSHIdentity, error) {
	label, headers, der, err := decodePEM(data)
	if err != nil {
		return nil, err
	}
	switch label {
	case "OPENSSH PRIVATE KEY":
		return parseOpenSSHKey(der)
	case "RSA PRIVATE KEY":
		id := &SSHIdentity{Type: sshRSA, Encrypted: headers}
		if !headers {
			pub, err := pkcs1Public(der)
			if err != nil {
				return nil, err
			}
			id.pub = pub
		}
		return id, nil
	case "PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
		// PKCS#8: the type is only known from a .pub file next to it.
		return &SSHIdentity{Encrypted: label != "PRIVATE KEY"}, nil
	case "EC PRIVATE KEY", "DSA PRIVATE KEY":
		return nil, fmt.Errorf("%w: %s ssh keys are not supported by age", ErrUnsupportedIdentity, strings.Fields(label)[0])
	}
	return nil, errors.New("not an ssh private key")
}

// decodePEM decodes a single PEM block by hand (encoding/pem pulls no
// weight here but costs start-up). headers reports RFC 1421 headers, which
// only encrypted legacy keys have.
func decodePEM(data []byte) (label string, headers bool, der []byte, err error) {
	lines := strings.Split(strings.ReplaceAll(string(bytes.TrimSpace(data)), "\r", ""), "\n")
	first, last := strings.TrimSpace(lines[0]), strings.TrimSpace(lines[len(lines)-1])
	label, ok := strings.CutPrefix(first, "-----BEGIN ")
	label, ok2 := strings.CutSuffix(label, "-----")
	if !ok || !ok2 || len(lines) < 2 || last != "-----END "+label+"-----" {
		return "", false, nil, errors.New("malformed PEM block")
	}
	var b64 strings.Builder
	for _, l := range lines[1 : len(lines)-1] {
		l = strings.TrimSpace(l)
		if strings.Contains(l, ":") {
			headers = true
			continue
		}
		b64.WriteString(l)
	}
	der, err = base64.StdEncoding.DecodeString(b64.String())
	if err != nil {
		return "", false, nil, errors.New("malformed PEM block: bad base64")
	}
	return label, headers, der, nil
}

// parseOpenSSHKey reads the clear part of an openssh-key-v1 blob: cipher,
// KDF, one public key.
func parseOpenSSHKey(b []byte) (*SSHIdentity, error) {
	const magic = "openssh-key-v1\x00"
	if !bytes.HasPrefix(b, []byte(magic)) {
		return nil, errors.New("malformed OpenSSH private key")
	}
	rest, f, ok := sshStrings(b[len(magic):], 3) // cipher, kdf, kdf options
	if !ok || len(f) != 3 || len(rest) < 4 {
		return nil, errors.New("malformed OpenSSH private key")
	}
	if n := binary.BigEndian.Uint32(rest); n != 1 {
		return nil, fmt.Errorf("OpenSSH private key file holds %d keys, want 1", n)
	}
	_, pk, ok := sshStrings(rest[4:], 1)
	if !ok || len(pk) != 1 {
		return nil, errors.New("malformed OpenSSH private key")
	}
	_, t, ok := sshStrings(pk[0], 1)
	if !ok || len(t) != 1 {
		return nil, errors.New("malformed OpenSSH private key")
	}
	typ := string(t[0])
	if typ != sshEd25519 && typ != sshRSA {
		return nil, fmt.Errorf("%w: ssh key type %.40q is not supported by age", ErrUnsupportedIdentity, typ)
	}
	if err := checkSSHPublicKey(typ, pk[0]); err != nil {
		return nil, err
	}
	return &SSHIdentity{Type: typ, Encrypted: string(f[0]) != "none", pub: pk[0]}, nil
}

// pkcs1Public returns the ssh-rsa wire public key of a PKCS#1 RSAPrivateKey
// (SEQUENCE { version, n, e, … }). DER INTEGER contents and ssh mpints are
// both minimal big-endian two's complement, so the bytes carry over.
func pkcs1Public(der []byte) ([]byte, error) {
	bad := errors.New("malformed RSA private key")
	seq, _, ok := derTLV(der, 0x30)
	if !ok {
		return nil, bad
	}
	var ints [3][]byte
	for i := range ints {
		if ints[i], seq, ok = derTLV(seq, 0x02); !ok {
			return nil, bad
		}
	}
	var pub []byte
	for _, s := range [][]byte{[]byte(sshRSA), ints[2], ints[1]} {
		pub = binary.BigEndian.AppendUint32(pub, uint32(len(s)))
		pub = append(pub, s...)
	}
	if err := checkSSHPublicKey(sshRSA, pub); err != nil {
		return nil, err
	}
	return pub, nil
}

// derTLV reads one DER element of the given tag: its contents and what
// follows.
func derTLV(b []byte, tag byte) (content, rest []byte, ok bool) {
	if len(b) < 2 || b[0] != tag {
		return nil, nil, false
	}
	n, b := int(b[1]), b[2:]
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 4 || len(b) < k {
			return nil, nil, false
		}
		n = 0
		for _, c := range b[:k] {
			n = n<<8 | int(c)
		}
		b = b[k:]
	}
	if n < 0 || n > len(b) {
		return nil, nil, false
	}
	return b[:n], b[n:], true
}

// readPubFile fills in the type and public key of id from FILE.pub when
// the private key does not show them (as the age CLI does for protected
// keys). A missing or unreadable .pub changes nothing.
func readPubFile(id *SSHIdentity) {
	if id.File == "" || id.pub != nil {
		return
	}
	b, err := os.ReadFile(id.File + ".pub")
	if err != nil {
		return
	}
	r, err := parseSSHRecipient(string(b))
	if err != nil || id.Type != "" && r.typ != id.Type {
		return
	}
	id.Type, id.pub = r.typ, r.pub
}

// sshDir is where gopass looks for ssh keys: $GOPASS_SSH_DIR when it holds
// a .ssh directory (gopass's own test), else .ssh in the user's home
// ($GOPASS_HOMEDIR or $HOME). "" when there is none.
func sshDir(env []string) string {
	if d, _ := lookup(env, "GOPASS_SSH_DIR"); d != "" {
		if fi, err := os.Stat(filepath.Join(d, ".ssh")); err == nil && fi.IsDir() {
			return d
		}
	}
	home, _ := lookup(env, "GOPASS_HOMEDIR")
	if home == "" {
		home, _ = lookup(env, "HOME")
	}
	if home == "" {
		return ""
	}
	d := filepath.Join(home, ".ssh")
	if fi, err := os.Stat(d); err == nil && fi.IsDir() {
		return d
	}
	return ""
}

// sshIdentities lists, as gopass does, every key pair NAME + NAME.pub in
// dir that age can use (ed25519, rsa), from the .pub files alone: the
// private keys are not read (the age binary reads the one a file needs,
// asking for its passphrase if it has one). Pairs whose .pub does not
// parse are skipped.
func sshIdentities(dir string) []age.Identity {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var ids []age.Identity
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".pub") {
			continue
		}
		pubFile := filepath.Join(dir, e.Name())
		priv := strings.TrimSuffix(pubFile, ".pub")
		if fi, err := os.Stat(priv); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(pubFile)
		if err != nil {
			continue
		}
		r, err := parseSSHRecipient(string(b))
		if err != nil {
			continue
		}
		ids = append(ids, &SSHIdentity{File: priv, Type: r.typ, pub: r.pub})
	}
	return ids
}
