package otp

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
)

// steamFromHMAC is an independent Steam Guard implementation: RFC 4226
// dynamic truncation, then five base-26 digits, least significant first.
func steamFromHMAC(k *Key, step uint64) string {
	key, err := base32.StdEncoding.DecodeString(k.Secret + "========"[:(8-len(k.Secret)%8)%8])
	if err != nil {
		panic(err)
	}
	m := hmac.New(sha1.New, key)
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], step)
	m.Write(buf[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0xf
	v := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	out := make([]byte, 5)
	for i := range out {
		out[i] = steamAlphabet[v%26]
		v /= 26
	}
	return string(out)
}
