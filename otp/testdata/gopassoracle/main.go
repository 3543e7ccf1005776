// Command gopassoracle computes OTP codes for entries the way gopass
// v1.16.1 does, with gopass's own parser (secparse) and OTP lookup
// (pkg/otp.Calculate), for otp's TestGopassOracle. It reads a JSON array
// of entries on stdin and prints one JSON result per entry: TOTP codes at
// unix time 1700000000, HOTP codes with gopass's `counter:` rule.
//
// It is a separate module so that passotp's go.mod does not depend on
// gopass. Test secrets only.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/gopasspw/gopass/pkg/gopass/secrets/secparse"
	gpotp "github.com/gopasspw/gopass/pkg/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

type result struct {
	Type string `json:"type,omitempty"`
	Code string `json:"code,omitempty"`
	Err  string `json:"err,omitempty"`
}

func main() {
	var entries []string
	if err := json.NewDecoder(os.Stdin).Decode(&entries); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	for _, e := range entries {
		enc.Encode(compute(e))
	}
}

func compute(e string) result {
	sec, err := secparse.Parse([]byte(e))
	if sec == nil {
		return result{Err: "parse: " + err.Error()}
	}
	// internal/action/otp.go: the HOTP counter comes from the counter key.
	var counter uint64 = 1
	if sv, found := sec.Get("counter"); found && sv != "" {
		if iv, err := strconv.ParseUint(sv, 10, 64); iv != 0 && err == nil {
			counter = iv
		}
	}
	k, err := gpotp.Calculate("entry", sec)
	if err != nil {
		return result{Err: err.Error()}
	}
	var tok string
	switch k.Type() {
	case "totp":
		tok, err = totp.GenerateCodeCustom(k.Secret(), time.Unix(1700000000, 0), totp.ValidateOpts{
			Period: uint(k.Period()), Skew: 1, Digits: k.Digits(), Algorithm: k.Algorithm(), Encoder: k.Encoder()})
	case "hotp":
		tok, err = hotp.GenerateCodeCustom(k.Secret(), counter, hotp.ValidateOpts{
			Digits: k.Digits(), Algorithm: k.Algorithm(), Encoder: k.Encoder()})
	}
	if err != nil {
		return result{Err: err.Error()}
	}
	return result{Type: k.Type(), Code: tok}
}
