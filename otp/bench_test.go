package otp

import (
	"testing"
	"time"
)

// benchURI is the URI scripts/bench.sh stores (issue 3): what `passotp
// NAME` parses on its hot path.
const benchURI = "otpauth://totp/Bench:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Bench"

// BenchmarkParse is the grammar and query split of one typical URI.
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct{ name, uri string }{
		{"bench", benchURI},
		{"encoded", "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"},
		{"hotp", "otpauth://hotp/a:b:12?secret=JBSWY3DPEHPK3PXP&counter=41"},
		{"reject", "otpauth://totp/a:b:c?secret=JBSWY3DPEHPK3PXP"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Parse(bc.uri)
			}
		})
	}
}

// BenchmarkLookupCode is everything otp does for `passotp NAME`: find the
// URI in the decrypted entry, parse it and make the TOTP code.
func BenchmarkLookupCode(b *testing.B) {
	now := time.Unix(1700000000, 0)
	for _, bc := range []struct{ name, entry string }{
		{"uri only", benchURI + "\n"},
		{"password first", "hunter2\n" + benchURI + "\n"},
		{"gopass akv", "hunter2\nuser: alice\ntotp: JBSWY3DPEHPK3PXP\n"},
	} {
		entry := []byte(bc.entry)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, err := Lookup(entry, Selector{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.Key.TOTP(now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
