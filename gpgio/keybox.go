package gpgio

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The keybox file pubring.kbx (gpgio.md §4.1): a sequence of blobs, read
// without parsing any OpenPGP packet.

// errKeybox is wrapped by every keybox format error.
var errKeybox = errors.New("malformed keybox")

// kbxBlob is one OpenPGP blob of a keybox: where its keyblock is, the
// fingerprints of its keys (primary first) and its user IDs.
type kbxBlob struct {
	keyblock []byte   // the transferable public key (a sub-slice of the file)
	fprs     [][]byte // 20-byte (v1) or 20/32-byte (v2) fingerprints, primary first
	uids     []string // raw user IDs, in order (pubring.gpg, keyboxd); see userIDs

	// A keybox blob's user-id table, checked by parseKbxBlob and decoded
	// only by userIDs: the decrypt path looks keys up by key id and never
	// needs the user IDs of the other blobs (issue 3).
	blob          []byte
	uidAt, uidLen int // offset of the table in blob, entry size
	nuids         int
}

// userIDs returns the raw user IDs of the blob, in order.
func (b *kbxBlob) userIDs() []string {
	if b.uids != nil || b.nuids == 0 {
		return b.uids
	}
	uids := make([]string, 0, b.nuids)
	for i := 0; i < b.nuids; i++ {
		ui := b.blob[b.uidAt+i*b.uidLen:]
		uo := int(binary.BigEndian.Uint32(ui))
		ul := int(binary.BigEndian.Uint32(ui[4:]))
		uids = append(uids, string(b.blob[uo:uo+ul]))
	}
	return uids
}

// parseKeybox walks the blobs of a keybox file. Empty, X.509 and
// ephemeral blobs are skipped; every offset is checked against its blob.
func parseKeybox(b []byte) ([]kbxBlob, error) {
	// One allocation for a keybox of typical blobs (~1 KiB each, the
	// header blob first); append grows it for denser files.
	blobs := make([]kbxBlob, 0, len(b)/1024+1)
	for off := 0; off < len(b); {
		if len(b)-off < 5 {
			return nil, fmt.Errorf("%w: truncated blob header at %d", errKeybox, off)
		}
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n < 32 || n > len(b)-off {
			return nil, fmt.Errorf("%w: bad blob length %d at %d", errKeybox, n, off)
		}
		blob := b[off : off+n : off+n]
		switch typ := blob[4]; {
		case off == 0 && typ == 1:
			if string(blob[8:12]) != "KBXf" {
				return nil, fmt.Errorf("%w: bad magic", errKeybox)
			}
		case typ == 2:
			kb, ok, err := parseKbxBlob(blob)
			if err != nil {
				return nil, fmt.Errorf("%w (blob at %d)", err, off)
			}
			if ok {
				blobs = append(blobs, kb)
			}
		case typ == 0 || typ == 3:
			// empty/deleted, X.509
		default:
			return nil, fmt.Errorf("%w: blob type %d at %d", errKeybox, typ, off)
		}
		off += n
	}
	return blobs, nil
}

// parseKbxBlob reads one type-2 blob; ok is false for ephemeral blobs.
func parseKbxBlob(blob []byte) (kb kbxBlob, ok bool, err error) {
	bad := func(what string) (kbxBlob, bool, error) {
		return kbxBlob{}, false, fmt.Errorf("%w: %s", errKeybox, what)
	}
	ver := blob[5]
	if ver != 1 && ver != 2 {
		return bad(fmt.Sprintf("blob version %d", ver))
	}
	flags := binary.BigEndian.Uint16(blob[6:])
	if flags&2 != 0 {
		return kbxBlob{}, false, nil // ephemeral
	}
	kbOff := int(binary.BigEndian.Uint32(blob[8:]))
	kbLen := int(binary.BigEndian.Uint32(blob[12:]))
	if kbOff < 20 || kbLen < 0 || kbOff > len(blob) || kbLen > len(blob)-kbOff {
		return bad("keyblock out of bounds")
	}
	kb.keyblock = blob[kbOff : kbOff+kbLen : kbOff+kbLen]
	nkeys := int(binary.BigEndian.Uint16(blob[16:]))
	kiSize := int(binary.BigEndian.Uint16(blob[18:]))
	minSize := 28
	if ver == 2 {
		minSize = 56
	}
	if nkeys < 1 || kiSize < minSize {
		return bad("bad key info")
	}
	p := 20
	if nkeys*kiSize > len(blob)-p {
		return bad("key infos out of bounds")
	}
	for i := 0; i < nkeys; i++ {
		ki := blob[p : p+kiSize]
		var fpr []byte
		if ver == 1 {
			fpr = ki[:20]
		} else {
			kflags := binary.BigEndian.Uint16(ki[32:])
			if kflags&0x80 != 0 {
				fpr = ki[:32]
			} else {
				fpr = ki[:20]
			}
		}
		if kb.fprs == nil {
			kb.fprs = make([][]byte, 0, nkeys)
		}
		kb.fprs = append(kb.fprs, fpr)
		p += kiSize
	}
	// serial number
	if len(blob)-p < 2 {
		return bad("truncated serial")
	}
	sn := int(binary.BigEndian.Uint16(blob[p:]))
	p += 2
	if sn > len(blob)-p {
		return bad("serial out of bounds")
	}
	p += sn
	// user IDs
	if len(blob)-p < 4 {
		return bad("truncated user-id table")
	}
	nuids := int(binary.BigEndian.Uint16(blob[p:]))
	uiSize := int(binary.BigEndian.Uint16(blob[p+2:]))
	p += 4
	if nuids > 0 && (uiSize < 12 || nuids*uiSize > len(blob)-p) {
		return bad("user-id table out of bounds")
	}
	kb.blob, kb.uidAt, kb.uidLen, kb.nuids = blob, p, uiSize, nuids
	for i := 0; i < nuids; i++ {
		ui := blob[p : p+uiSize]
		uo := int(binary.BigEndian.Uint32(ui))
		ul := int(binary.BigEndian.Uint32(ui[4:]))
		if uo < 0 || ul < 0 || uo > len(blob) || ul > len(blob)-uo {
			return bad("user id out of bounds")
		}
		p += uiSize
	}
	return kb, true, nil
}

// fprKeyID returns the v4 key id of a fingerprint (its last 8 bytes of a
// 20-byte fingerprint, the first 8 of a 32-byte one).
func fprKeyID(fpr []byte) uint64 {
	if len(fpr) == 32 {
		return binary.BigEndian.Uint64(fpr[:8])
	}
	if len(fpr) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(fpr[len(fpr)-8:])
}
