package gpgio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// kbxBuilder makes synthetic keybox blobs (gpgio.md §4.1) for the cases gpg
// 2.2 does not write: v2 blobs, ephemeral, deleted and X.509 blobs.
type kbxBuilder struct {
	ver      byte
	typ      byte
	flags    uint16
	fprs     [][]byte
	fpr32    []bool
	uids     []string
	keyblock []byte
}

func (k kbxBuilder) build() []byte {
	kiSize := 28
	if k.ver == 2 {
		kiSize = 56
	}
	var b bytes.Buffer
	u16 := func(v int) { binary.Write(&b, binary.BigEndian, uint16(v)) }
	u32 := func(v int) { binary.Write(&b, binary.BigEndian, uint32(v)) }
	// header: length, type, version, flags, keyblock off/len (patched later)
	u32(0)
	b.WriteByte(k.typ)
	b.WriteByte(k.ver)
	u16(int(k.flags))
	u32(0)
	u32(len(k.keyblock))
	u16(len(k.fprs))
	u16(kiSize)
	for i, f := range k.fprs {
		ki := make([]byte, kiSize)
		copy(ki, f)
		if k.ver == 2 && k.fpr32 != nil && k.fpr32[i] {
			binary.BigEndian.PutUint16(ki[32:], 0x80)
		}
		b.Write(ki)
	}
	u16(0) // serial
	u16(len(k.uids))
	u16(12)
	uidTable := b.Len()
	for range k.uids {
		b.Write(make([]byte, 12))
	}
	u16(0) // nsigs
	u16(4)
	b.Write(make([]byte, 16)) // ownertrust … created
	u32(0)                    // reserved
	for i, u := range k.uids {
		off := b.Len()
		b.WriteString(u)
		ent := b.Bytes()[uidTable+12*i:]
		binary.BigEndian.PutUint32(ent, uint32(off))
		binary.BigEndian.PutUint32(ent[4:], uint32(len(u)))
	}
	kbOff := b.Len()
	b.Write(k.keyblock)
	b.Write(make([]byte, 20)) // checksum
	out := b.Bytes()
	binary.BigEndian.PutUint32(out, uint32(len(out)))
	binary.BigEndian.PutUint32(out[8:], uint32(kbOff))
	return out
}

func kbxHeaderBlob() []byte {
	h := make([]byte, 32)
	binary.BigEndian.PutUint32(h, 32)
	h[4], h[5] = 1, 1
	copy(h[8:], "KBXf")
	return h
}

// syntheticKeybox is a header blob, a v1 and a v2 OpenPGP blob, then an
// ephemeral, a deleted and an X.509 blob.
func syntheticKeybox() []byte {
	fpr20 := bytes.Repeat([]byte{0xAB}, 20)
	fpr20b := bytes.Repeat([]byte{0xCD}, 20)
	fpr32 := bytes.Repeat([]byte{0xEF}, 32)
	var file []byte
	file = append(file, kbxHeaderBlob()...)
	file = append(file, kbxBuilder{ver: 1, typ: 2, fprs: [][]byte{fpr20, fpr20b}, uids: []string{"A <a@x.test>", "B"}, keyblock: []byte("kb1")}.build()...)
	file = append(file, kbxBuilder{ver: 2, typ: 2, fprs: [][]byte{fpr20, fpr32}, fpr32: []bool{false, true}, keyblock: []byte("kb2")}.build()...)
	file = append(file, kbxBuilder{ver: 1, typ: 2, flags: 2, fprs: [][]byte{fpr20}, keyblock: []byte("ephemeral")}.build()...)
	file = append(file, kbxBuilder{ver: 1, typ: 0, fprs: [][]byte{fpr20}, keyblock: []byte("deleted")}.build()...)
	file = append(file, kbxBuilder{ver: 1, typ: 3, fprs: [][]byte{fpr20}, keyblock: []byte("x509")}.build()...)
	return file
}

func TestParseKeyboxSynthetic(t *testing.T) {
	fpr20 := bytes.Repeat([]byte{0xAB}, 20)
	fpr32 := bytes.Repeat([]byte{0xEF}, 32)
	file := syntheticKeybox()

	blobs, err := parseKeybox(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(blobs) != 2 {
		t.Fatalf("%d blobs, want 2", len(blobs))
	}
	if string(blobs[0].keyblock) != "kb1" || string(blobs[1].keyblock) != "kb2" {
		t.Errorf("keyblocks %q %q", blobs[0].keyblock, blobs[1].keyblock)
	}
	if u := blobs[0].userIDs(); len(u) != 2 || u[0] != "A <a@x.test>" || u[1] != "B" {
		t.Errorf("uids %q", u)
	}
	if !bytes.Equal(blobs[1].fprs[0], fpr20) || !bytes.Equal(blobs[1].fprs[1], fpr32) {
		t.Errorf("v2 fingerprints %x", blobs[1].fprs)
	}
	if fprKeyID(fpr20) != 0xABABABABABABABAB || fprKeyID(fpr32) != 0xEFEFEFEFEFEFEFEF {
		t.Error("key ids")
	}
	kr := newFileKeyring("pubring.kbx", blobs)
	if got := kr.blobsWithKeyID(fprKeyID(fpr20)); len(got) != 2 || got[0] != 0 || got[1] != 1 {
		t.Errorf("index %v", got)
	}

	// Every truncation is either an error or a prefix of whole blobs, and
	// never panics.
	for n := 0; n < len(file); n++ {
		bl, err := parseKeybox(file[:n])
		if err != nil && bl != nil {
			t.Fatalf("truncated to %d: blobs with an error", n)
		}
	}
	// A key info size below the minimum, an out-of-bounds keyblock, a uid
	// past the blob, a bad version, a bad magic.
	bad := func(name string, mutate func(b []byte)) {
		b := kbxBuilder{ver: 1, typ: 2, fprs: [][]byte{fpr20}, uids: []string{"u"}, keyblock: []byte("kb")}.build()
		mutate(b)
		if _, err := parseKeybox(b); !errors.Is(err, errKeybox) {
			t.Errorf("%s: got %v, want errKeybox", name, err)
		}
	}
	bad("keyinfo size", func(b []byte) { binary.BigEndian.PutUint16(b[18:], 20) })
	bad("no keys", func(b []byte) { binary.BigEndian.PutUint16(b[16:], 0) })
	bad("keyblock", func(b []byte) { binary.BigEndian.PutUint32(b[12:], 1<<20) })
	bad("uid", func(b []byte) { binary.BigEndian.PutUint32(b[20+28+2+4+4:], 1<<20) })
	bad("version", func(b []byte) { b[5] = 9 })
	bad("type", func(b []byte) { b[4] = 7 })
	hdr := kbxHeaderBlob()
	hdr[8] = 'X'
	if _, err := parseKeybox(hdr); !errors.Is(err, errKeybox) {
		t.Errorf("bad magic: %v", err)
	}
}
