// Package otp owns the otpauth:// side of passotp: it parses and validates
// key URIs with pass-otp's grammar, computes TOTP and HOTP codes, advances
// a HOTP counter inside a URI, finds the URI (or gopass-style OTP data) in
// a decrypted entry, builds the URI `insert -s` stores, and redacts
// secrets for messages.
//
// The behaviour is fixed by compat.md (§6 grammar, §8 `-s`, §10.1 code
// checks, §10.3 append, §11.1 counter rewrite, §11.3 redaction) and
// clients.md §2 (gopass formats).
//
// # Parsing
//
// [Parse] accepts exactly what `pass otp validate` accepts, including its
// kept quirks (labels are decoded like bash's `printf %b`, so `a\x41` is
// `aA`; only the query's first line is read). Rejections are *[URIError]
// values whose [URIError.Message] is pass-otp's text and whose URI is
// already redacted. Digits, period, algorithm and the secret's base32 are
// checked only when a code is made, as oathtool 2.6.7 checks them: see
// [Key.TOTP] and [CodeError]. No default is applied silently: 6 digits,
// 30 s and SHA1 are compat.md's explicit defaults for absent parameters;
// anything unparsable fails. The grammar of compat.md §6 step 2 is matched
// by hand, not with package regexp, for start-up and parse time (issue 3);
// the tests hold the matcher to that regexp on tables, generated strings
// and fuzzing.
//
// # Codes
//
// [Key.TOTP], [Key.TOTPStep], [Key.HOTP] and [Key.NextHOTP] use
// github.com/pquerna/otp after the checks. encoder=steam yields five
// characters from Steam's alphabet whatever digits says (Steam always uses
// five; gopass uses the digits value, default 6, so it agrees only for
// digits=5).
//
// # Entries
//
// [Find] locates pass-otp's URI line, [ReplaceRange] rewrites it byte for
// byte, [Append] implements `append`. [FindAll] and [Lookup] add gopass's
// formats (`otpauth:`, `totp:` and `hotp:` keys in key-value bodies and
// YAML documents), used only when no otpauth:// line exists, and
// selection by line or label; [Match.NextHOTP] advances either kind of
// counter.
//
// # What it refuses
//
// The package imports nothing else from this module, never prints, logs,
// reads the environment or the clock (time is passed in), and never puts
// a secret in an error: errors show URIs only through [Redact]. A [Key]
// prints as its redacted URI with every fmt verb. It never uses an
// entry's password line as a secret unless that line is itself an
// otpauth:// URI (gopass does; a password like "hunter2" would silently
// yield a bogus code).
package otp
