package otp_test

import (
	"fmt"
	"time"

	"github.com/passotp/passotp/otp"
)

func ExampleParse() {
	// RFC 6238's SHA1 seed "12345678901234567890", base32-encoded.
	k, err := otp.Parse("otpauth://totp/ACME%20Co:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co&digits=8")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := k.TOTP(time.Unix(59, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.Issuer, "/", k.Account)
	fmt.Println(c.Value, c.Remaining)
	fmt.Println(k) // keys print redacted
	// Output:
	// ACME Co / alice@example.com
	// 94287082 1
	// otpauth://totp/ACME%20Co:alice%40example.com?secret=REDACTED&issuer=ACME%20Co&digits=8
}

func ExampleURIError_Message() {
	_, err := otp.Parse("otpauth://totp/?secret=JBSWY3DPEHPK3PXP")
	if ue, ok := err.(*otp.URIError); ok {
		fmt.Println(ue.Message())
		fmt.Println(ue)
	}
	// Output:
	// Invalid key URI (missing accountname): otpauth://totp/?secret=REDACTED
	// parse otpauth uri: missing accountname: otpauth://totp/?secret=REDACTED
}

func ExampleLookup() {
	// A gopass entry: password, then key-value lines; no otpauth:// line.
	entry := []byte("hunter2\nuser: alice\ncounter: 7\nhotp: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n")
	m, err := otp.Lookup(entry, otp.Selector{})
	if err != nil {
		fmt.Println(err)
		return
	}
	code, next, err := m.NextHOTP(entry)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Source, m.Line, code)
	fmt.Printf("%q\n", next)
	// Output:
	// hotp key 4 162583
	// "hunter2\nuser: alice\ncounter: 8\nhotp: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"
}
