package otp

import (
	"encoding/base32"
	"math"
	"strconv"
	"strings"
	"time"

	pqotp "github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// Code is a computed one-time code.
type Code struct {
	Value     string // the code, zero-padded (5 Steam characters for encoder=steam)
	Period    int    // TOTP step size in seconds (0 for HOTP)
	Remaining int    // seconds left in the step at the time asked for (0 when unknown, as for TOTPStep)
	Step      uint64 // the TOTP time step T, or the HOTP counter used
	Digits    int    // length of Value
	Type      string // "totp" or "hotp"
}

// CodeError reports a parameter that makes a code impossible to compute
// (compat.md §10.1, oathtool 2.6.7's rules). Its Error text is one line and
// never contains the secret. An unsupported algorithm is a *[URIError]
// with [ReasonAlgorithm] instead.
type CodeError struct {
	Field  string // "secret", "digits", "period", "counter", "time" or "type"
	Reason string // lower-case explanation, without the secret
}

// Error returns "invalid FIELD: REASON", one line without the secret.
func (e *CodeError) Error() string {
	return "invalid " + e.Field + ": " + e.Reason
}

// steamAlphabet is Steam Guard's code alphabet (pquerna/otp, gopass).
const steamAlphabet = "23456789BCDFGHJKMNPQRTVWXY"

// SteamDigits is the length of every Steam Guard code.
const SteamDigits = 5

// params are the checked code parameters of a key.
type params struct {
	secret string // normalised: upper case, no spaces, padded
	alg    pqotp.Algorithm
	digits int
	period uint64
	steam  bool
}

// params checks the key as oathtool 2.6.7 would (compat.md §10.1) and
// applies the defaults compat.md keeps: 6 digits, 30 s, SHA1.
func (k *Key) params() (params, error) {
	var p params
	var err error
	if p.secret, err = normalizeSecret(k.Secret); err != nil {
		return p, err
	}
	p.steam = strings.EqualFold(k.Encoder, "steam")
	switch {
	case p.steam:
		// Steam codes are always five characters; digits is ignored.
		p.digits = SteamDigits
	case k.Digits == "":
		p.digits = 6
	default:
		d, err := strconv.ParseUint(k.Digits, 10, 64)
		if !isDecimal(k.Digits) || err != nil || d < 6 || d > 8 {
			return p, &CodeError{Field: "digits", Reason: strconv.Quote(k.Digits) + " is not 6, 7 or 8"}
		}
		p.digits = int(d)
	}
	p.period = 30
	if k.Period != "" {
		v, err := strconv.ParseUint(k.Period, 10, 64)
		if !isDecimal(k.Period) || err != nil {
			return p, &CodeError{Field: "period", Reason: strconv.Quote(k.Period) + " is not a decimal number of seconds"}
		}
		if v != 0 {
			p.period = v
		}
	}
	switch strings.ToLower(k.Algorithm) {
	case "", "sha1":
		p.alg = pqotp.AlgorithmSHA1
	case "sha256":
		p.alg = pqotp.AlgorithmSHA256
	case "sha512":
		p.alg = pqotp.AlgorithmSHA512
	default:
		return p, &URIError{Reason: ReasonAlgorithm, URI: k.Redacted()}
	}
	return p, nil
}

// padFor maps the length of unpadded base32 data mod 8 to the number of
// "=" that complete its last block; -1 marks lengths no data can have.
var padFor = [8]int{0, -1, 6, -1, 4, 3, -1, 1}

// normalizeSecret applies oathtool 2.6.7's base32 rules: any case, spaces
// ignored, then a length mod 8 of 0, 2, 4, 5 or 7 (completed with "="),
// and strict base32 (padding only as the canonical end of the last
// block). An empty secret is refused. The error never shows the secret.
func normalizeSecret(s string) (string, error) {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if s == "" {
		return "", &CodeError{Field: "secret", Reason: "empty"}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' || c == '=') {
			return "", &CodeError{Field: "secret", Reason: "not base32 (character " + strconv.Itoa(i+1) + ")"}
		}
	}
	pad := padFor[len(s)%8]
	if pad < 0 {
		return "", &CodeError{Field: "secret", Reason: "not base32 (length " + strconv.Itoa(len(s)) + ")"}
	}
	s += "======="[:pad]
	// Decode only to check: into a stack buffer for common secret sizes.
	var buf [64]byte
	dst := buf[:]
	if n := base32.StdEncoding.DecodedLen(len(s)); n > len(dst) {
		dst = make([]byte, n)
	}
	n, err := base32.StdEncoding.Decode(dst, []byte(s))
	if err != nil || n == 0 {
		return "", &CodeError{Field: "secret", Reason: "not base32 (bad padding)"}
	}
	return s, nil
}

// generate computes the code for counter or time step step.
func (p params) generate(step uint64) (string, error) {
	opts := hotp.ValidateOpts{Digits: pqotp.Digits(p.digits), Algorithm: p.alg}
	if p.steam {
		opts.Encoder = pqotp.EncoderSteam
	}
	v, err := hotp.GenerateCodeCustom(p.secret, step, opts)
	if err != nil {
		// Unreachable after normalizeSecret; never wrap pqotp's text.
		return "", &CodeError{Field: "secret", Reason: "not base32"}
	}
	return v, nil
}

// TOTP returns the time-based code at t (RFC 6238, T0 = 0, T = ⌊unix(t) /
// period⌋) after checking the parameters as compat.md §10.1 demands. The
// step is computed in integers and the code by pquerna/otp's HOTP
// function, which is what totp.GenerateCodeCustom does in floating point.
// An unsupported algorithm gives a *[URIError] ([ReasonAlgorithm]); other
// bad parameters a *[CodeError].
func (k *Key) TOTP(t time.Time) (Code, error) {
	if k.Type != "totp" {
		return Code{}, &CodeError{Field: "type", Reason: k.Type + " key has no time-based code"}
	}
	p, err := k.params()
	if err != nil {
		return Code{}, err
	}
	unix := t.Unix()
	if unix < 0 {
		return Code{}, &CodeError{Field: "time", Reason: "before 1970"}
	}
	step := uint64(unix) / p.period
	c, err := k.totpStep(p, step)
	if err != nil {
		return Code{}, err
	}
	rem := p.period - uint64(unix)%p.period
	if rem > math.MaxInt32 {
		rem = math.MaxInt32
	}
	c.Remaining = int(rem)
	return c, nil
}

// TOTPStep returns the time-based code for the explicit time step T (used
// to hand out the next step's code early). Remaining is 0.
func (k *Key) TOTPStep(step uint64) (Code, error) {
	if k.Type != "totp" {
		return Code{}, &CodeError{Field: "type", Reason: k.Type + " key has no time-based code"}
	}
	p, err := k.params()
	if err != nil {
		return Code{}, err
	}
	return k.totpStep(p, step)
}

func (k *Key) totpStep(p params, step uint64) (Code, error) {
	v, err := p.generate(step)
	if err != nil {
		return Code{}, err
	}
	period := p.period
	if period > math.MaxInt32 {
		period = math.MaxInt32
	}
	return Code{Value: v, Period: int(period), Step: step, Digits: p.digits, Type: "totp"}, nil
}

// HOTP returns the counter-based code for counter (RFC 4226) with the
// key's algorithm, digits and encoder; period is ignored. It does not add
// one: see [Key.NextHOTP] for pass-otp's "counter+1" rule.
func (k *Key) HOTP(counter uint64) (string, error) {
	p, err := k.params()
	if err != nil {
		return "", err
	}
	return p.generate(counter)
}

// NextHOTP returns HOTP(N+1) for the key's stored counter N (the last one
// used, compat.md §10.1) and the URI with that counter parameter's value
// replaced by the decimal N+1 wherever it sits (§11.1; the one used, i.e.
// the last duplicate). Every other byte of the URI is kept. The counter is
// read as decimal ("010" is ten).
func (k *Key) NextHOTP() (code string, uri string, err error) {
	if k.Type != "hotp" {
		return "", "", &CodeError{Field: "type", Reason: k.Type + " key has no counter"}
	}
	if k.counterOff < 0 {
		return "", "", &CodeError{Field: "counter", Reason: "missing"}
	}
	n, err := strconv.ParseUint(k.Counter, 10, 64)
	if err != nil || n == math.MaxUint64 {
		return "", "", &CodeError{Field: "counter", Reason: "out of range"}
	}
	code, err = k.HOTP(n + 1)
	if err != nil {
		return "", "", err
	}
	uri, err = k.CounterURI(n + 1)
	return code, uri, err
}

// CounterURI returns the URI with the value of its counter parameter (the
// last one) replaced by the decimal n, every other byte kept; useful for a
// counter resync.
func (k *Key) CounterURI(n uint64) (string, error) {
	if k.counterOff < 0 || k.counterEnd > len(k.URI) {
		return "", &CodeError{Field: "counter", Reason: "missing"}
	}
	return k.URI[:k.counterOff] + strconv.FormatUint(n, 10) + k.URI[k.counterEnd:], nil
}
