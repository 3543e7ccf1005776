package gpgio

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/passotp/passotp/internal/sysread"
)

// The public keyring (gpgio.md §4): an index over pubring.kbx or a legacy
// pubring.gpg, built in one pass without parsing packets beyond their
// headers, or keyboxd reached over Assuan. Lookups parse only the keyblocks
// they need and verify no signature.

// maxKeyring bounds the public keyring file read into memory.
const maxKeyring = 256 << 20

// keyring is the index over the public keys of a GnuPG home.
type keyring struct {
	source string    // "pubring.kbx", "pubring.gpg" or "keyboxd"
	blobs  []kbxBlob // keyblocks in keyring order (file sources)

	// keyboxd: dial opens the connection on first use.
	dial func(ctx context.Context) (assuanTransactor, error)
	kbd  assuanTransactor
}

// assuanTransactor is the part of *assuanConn that keyboxd lookups use; a
// fake replays a transcript in tests.
type assuanTransactor interface {
	transact(ctx context.Context, cmd string, inquire func(keyword string) ([]byte, error), status func(keyword, args string)) ([]byte, error)
}

// candidate is one encryption (sub)key that may open a PKESK.
type candidate struct {
	pub     *packet.PublicKey // the encryption (sub)key named by the PKESK
	primary *packet.PublicKey // its primary key
	uid     string            // first user ID (for SETKEYDESC)
}

// openKeyring picks keyboxd, pubring.kbx or pubring.gpg as gpg does
// (gpgio.md §4). Keyring options in gpg.conf, or no keyring at all, give an
// *UnsupportedError: gpg must do the work.
func openKeyring(h *home) (*keyring, error) {
	if h.keyringOptions() {
		return nil, unsupported("keyring options in gpg.conf")
	}
	if h.useKeyboxd() {
		return &keyring{source: "keyboxd", dial: func(ctx context.Context) (assuanTransactor, error) {
			c, err := dialAssuan(ctx, h, "S.keyboxd", "keyboxd")
			if err != nil {
				return nil, err
			}
			return c, nil
		}}, nil
	}
	for _, name := range []string{"pubring.kbx", "pubring.gpg"} {
		b, err := readKeyringFile(filepath.Join(h.dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("public keyring: %w", err)
		}
		var blobs []kbxBlob
		if name == "pubring.kbx" {
			blobs, err = parseKeybox(b)
		} else {
			blobs, err = parsePubringGPG(b)
		}
		if err != nil {
			return nil, unsupported("%s: %v", name, err)
		}
		return newFileKeyring(name, blobs), nil
	}
	return nil, unsupported("no public keyring in %s", h.dir)
}

func readKeyringFile(name string) ([]byte, error) {
	b, err := sysread.ReadFile(name, 0, maxKeyring)
	if errors.Is(err, sysread.ErrTooLarge) {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxKeyring)
	}
	return b, err
}

func newFileKeyring(source string, blobs []kbxBlob) *keyring {
	return &keyring{source: source, blobs: blobs}
}

// blobsWithKeyID returns the indexes of the blobs holding a (sub)key with
// that key id, in keyring order. A scan of the fingerprints the keybox
// already lists: `passotp NAME` looks up one or two key ids per run, and
// a map over every key of the keyring cost more to build (two allocations
// per key) than the scans it saved (issue 3).
func (kr *keyring) blobsWithKeyID(keyID uint64) []int {
	var out []int
	for i := range kr.blobs {
		for _, f := range kr.blobs[i].fprs {
			if fprKeyID(f) == keyID {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// close releases the keyboxd connection, if any.
func (kr *keyring) close() error {
	if c, ok := kr.kbd.(interface{ close() error }); ok && c != nil {
		kr.kbd = nil
		return c.close()
	}
	return nil
}

// candidates returns the (sub)keys with the given key id; keyID 0 means
// every encryption-capable (sub)key in keyring order.
func (kr *keyring) candidates(keyID uint64) ([]candidate, error) {
	return kr.candidatesCtx(context.Background(), keyID)
}

func (kr *keyring) candidatesCtx(ctx context.Context, keyID uint64) ([]candidate, error) {
	var blocks [][]byte
	if kr.source == "keyboxd" {
		pattern := ""
		if keyID != 0 {
			pattern = fmt.Sprintf("0x%016X", keyID)
		}
		var err error
		if blocks, err = kr.search(ctx, pattern); err != nil {
			return nil, err
		}
	} else if keyID == 0 {
		for _, b := range kr.blobs {
			blocks = append(blocks, b.keyblock)
		}
	} else {
		for _, i := range kr.blobsWithKeyID(keyID) {
			blocks = append(blocks, kr.blobs[i].keyblock)
		}
	}
	var out []candidate
	for _, kb := range blocks {
		keys, uid := keyblockKeysOpt(kb, keyID == 0)
		if len(keys) == 0 {
			continue
		}
		for _, k := range keys {
			if keyID != 0 && k.pub.KeyId != keyID {
				continue
			}
			if keyID == 0 && !k.canEncrypt() {
				continue
			}
			out = append(out, candidate{pub: k.pub, primary: keys[0].pub, uid: uid})
		}
	}
	return out, nil
}

// blockKey is a public (sub)key of a keyblock with the key flags its
// self-signatures state, if any (unverified).
type blockKey struct {
	pub        *packet.PublicKey
	flagsSeen  bool
	encryptSet bool
}

func (k *blockKey) canEncrypt() bool {
	if !k.pub.PubKeyAlgo.CanEncrypt() {
		return false
	}
	return !k.flagsSeen || k.encryptSet
}

// keyblockKeys reads the public key packets of a keyblock (primary first),
// its first user ID and the key flags of the self-signatures, verifying no
// signature. Key packets go-crypto cannot parse (v5/v6 keys, unknown
// algorithms) are skipped; a damaged keyblock gives what precedes the damage.
func keyblockKeys(kb []byte) ([]*blockKey, string) {
	return keyblockKeysOpt(kb, true)
}

// keyblockKeysOpt is keyblockKeys; without flags it does not parse
// signature packets at all (the decrypt path looks keys up by key id).
func keyblockKeysOpt(kb []byte, flags bool) ([]*blockKey, string) {
	var keys []*blockKey
	var uid string
	var cur *blockKey
	for off := 0; off < len(kb); {
		tag, hdr, body, err := packetAt(kb, off)
		if err != nil {
			break
		}
		pkt := kb[off : off+hdr+body]
		off += hdr + body
		switch tag {
		case 6, 14:
			if (tag == 6) != (len(keys) == 0) {
				return keys, uid // a second primary, or a subkey first
			}
			p, err := packet.Read(bytes.NewReader(pkt))
			pub, ok := p.(*packet.PublicKey)
			if err != nil || !ok {
				if tag == 6 {
					return nil, ""
				}
				cur = nil
				continue
			}
			cur = &blockKey{pub: pub}
			keys = append(keys, cur)
		case 13:
			if uid == "" {
				uid = string(pkt[hdr:])
			}
		case 2:
			if !flags || cur == nil {
				continue
			}
			p, err := packet.Read(bytes.NewReader(pkt))
			sig, ok := p.(*packet.Signature)
			if err != nil || !ok || sig.IssuerKeyId == nil || *sig.IssuerKeyId != keys[0].pub.KeyId || !sig.FlagsValid {
				continue
			}
			cur.flagsSeen = true
			if sig.FlagEncryptCommunications || sig.FlagEncryptStorage {
				cur.encryptSet = true
			}
		}
	}
	return keys, uid
}

// search runs SEARCH --openpgp (and NEXT) on keyboxd and returns the
// keyblocks found. An empty pattern lists every key.
func (kr *keyring) search(ctx context.Context, pattern string) ([][]byte, error) {
	if kr.kbd == nil {
		c, err := kr.dial(ctx)
		if err != nil {
			return nil, err
		}
		kr.kbd = c
	}
	cmd := "SEARCH --openpgp"
	if pattern != "" {
		cmd += " -- " + pattern
	}
	var blocks [][]byte
	for i := 0; ; i++ {
		d, err := kr.kbd.transact(ctx, cmd, nil, nil)
		if err != nil {
			var ae *AgentError
			if errors.As(err, &ae) && (ae.Code == 27 || ae.Code == 16383) { // NOT_FOUND, EOF
				return blocks, nil
			}
			if i > 0 && errors.As(err, &ae) {
				return blocks, nil
			}
			return nil, fmt.Errorf("keyboxd: %w", err)
		}
		if len(d) == 0 {
			return blocks, nil
		}
		blocks = append(blocks, d)
		cmd = "NEXT"
		if i > 100000 {
			return nil, errors.New("keyboxd: too many results")
		}
	}
}

// parsePubringGPG splits a legacy pubring.gpg (keyblocks, each a public key
// packet followed by user IDs, signatures, subkeys and ring-trust packets)
// into blobs, reading only packet headers and hashing key packets for their
// v4 fingerprints.
func parsePubringGPG(b []byte) ([]kbxBlob, error) {
	var blobs []kbxBlob
	cur := -1
	start := 0
	for off := 0; off < len(b); {
		tag, hdr, body, err := packetAt(b, off)
		if err != nil {
			return nil, err
		}
		end := off + hdr + body
		switch tag {
		case 6: // public key: a new keyblock
			if cur >= 0 {
				blobs[cur].keyblock = b[start:off:off]
			}
			blobs = append(blobs, kbxBlob{})
			cur = len(blobs) - 1
			start = off
			fallthrough
		case 14: // public subkey
			if cur < 0 {
				return nil, fmt.Errorf("%w: subkey before a primary key", errKeybox)
			}
			if f := v4Fingerprint(b[off+hdr : end]); f != nil {
				blobs[cur].fprs = append(blobs[cur].fprs, f)
			}
		case 13: // user ID
			if cur >= 0 {
				blobs[cur].uids = append(blobs[cur].uids, string(b[off+hdr:end]))
			}
		}
		off = end
	}
	if cur >= 0 {
		blobs[cur].keyblock = b[start:len(b):len(b)]
	}
	return blobs, nil
}

// packetAt parses the OpenPGP packet header at off and returns the tag and
// the header and body lengths. Partial and indeterminate lengths are
// refused: keyrings never use them.
func packetAt(b []byte, off int) (tag, hdr, body int, err error) {
	bad := func(what string) (int, int, int, error) {
		return 0, 0, 0, fmt.Errorf("%w: %s at %d", errKeybox, what, off)
	}
	p := b[off:]
	if len(p) < 2 || p[0]&0x80 == 0 {
		return bad("bad packet header")
	}
	if p[0]&0x40 != 0 { // new format
		tag = int(p[0] & 0x3f)
		switch l := p[1]; {
		case l < 192:
			hdr, body = 2, int(l)
		case l < 224:
			if len(p) < 3 {
				return bad("truncated length")
			}
			hdr, body = 3, (int(l)-192)<<8+int(p[2])+192
		case l == 255:
			if len(p) < 6 {
				return bad("truncated length")
			}
			hdr, body = 6, int(binary.BigEndian.Uint32(p[2:]))
		default:
			return bad("partial body length")
		}
	} else {
		tag = int(p[0]>>2) & 0xf
		switch p[0] & 3 {
		case 0:
			hdr, body = 2, int(p[1])
		case 1:
			if len(p) < 3 {
				return bad("truncated length")
			}
			hdr, body = 3, int(binary.BigEndian.Uint16(p[1:]))
		case 2:
			if len(p) < 5 {
				return bad("truncated length")
			}
			hdr, body = 5, int(binary.BigEndian.Uint32(p[1:]))
		default:
			return bad("indeterminate length")
		}
	}
	if body < 0 || body > len(p)-hdr {
		return bad("packet runs past the end")
	}
	return tag, hdr, body, nil
}

// v4Fingerprint is SHA-1(0x99 ‖ u16 len ‖ body) for a v4 key packet body,
// or nil for other versions.
func v4Fingerprint(body []byte) []byte {
	if len(body) < 1 || body[0] != 4 || len(body) > 0xffff {
		return nil
	}
	h := sha1.New()
	h.Write([]byte{0x99, byte(len(body) >> 8), byte(len(body))})
	h.Write(body)
	return h.Sum(nil)
}

// hexFpr formats a fingerprint in upper-case hex.
func hexFpr(f []byte) string { return strings.ToUpper(fmt.Sprintf("%x", f)) }
