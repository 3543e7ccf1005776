package ageio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
	"filippo.io/age/armor"
	"filippo.io/age/plugin"
)

// maxIdentitiesSize bounds an identities file, as the age CLI does.
const maxIdentitiesSize = 1 << 24

// Errors returned while loading identities.
var (
	// ErrNoIdentities means the identities file does not exist or holds no key.
	ErrNoIdentities = errors.New("no age identities")
	// ErrPassphraseRequired means the identities file is passphrase
	// protected and no passphrase source was given.
	ErrPassphraseRequired = errors.New("age identities file is passphrase protected and no passphrase is available")
	// ErrBadPassphrase means the passphrase did not open the identities file.
	ErrBadPassphrase = errors.New("incorrect passphrase for the age identities file")
	// ErrUnsupportedIdentity is returned for key types age cannot use
	// (ecdsa and dsa ssh keys).
	ErrUnsupportedIdentity = errors.New("unsupported age identity")
)

// IdentityError reports a problem in an identities file. It never carries key
// material: only the file name and the line number.
type IdentityError struct {
	File string // the identities file
	Line int    // 1-based line, 0 when the whole file is concerned
	Err  error
}

func (e *IdentityError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("age identities %s, line %d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("age identities %s: %v", e.File, e.Err)
}

func (e *IdentityError) Unwrap() error { return e.Err }

// isEncrypted reports whether data is an age file (binary or armored) rather
// than a list of keys.
func isEncrypted(data []byte) (encrypted, armored bool) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(data, []byte("age-encryption.org/")):
		return true, false
	case bytes.HasPrefix(trimmed, []byte(armor.Header)):
		return true, true
	}
	return false, false
}

// ParseIdentities parses the contents of an unencrypted identities file: one
// key per line (AGE-SECRET-KEY-1…, AGE-SECRET-KEY-PQ-1… or a plugin's
// AGE-PLUGIN-NAME-1…, optionally followed by gopass's "|recipient"
// suffix), blank lines and # comments skipped; or a single ssh private key
// (ed25519 or rsa; OpenSSH or PEM form, protected or not), returned as an
// [*SSHIdentity] whose secret half is not read. Plugin identities run age-plugin-NAME
// (found on PATH) when used, with no way to talk to the user; a [Client]
// gives them [Options.PluginUI]. The error never contains key material.
func ParseIdentities(data []byte) ([]age.Identity, error) {
	return parseIdentities(data, nil)
}

func parseIdentities(data []byte, ui *plugin.ClientUI) ([]age.Identity, error) {
	if ui == nil {
		ui = &plugin.ClientUI{}
	}
	if len(data) > maxIdentitiesSize {
		return nil, errors.New("identities file is too long")
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN")) {
		id, err := parseSSHPrivateKey(data)
		if err != nil {
			if errors.Is(err, ErrUnsupportedIdentity) {
				return nil, err
			}
			return nil, fmt.Errorf("ssh private key: %w", err)
		}
		return []age.Identity{id}, nil
	}
	var ids []age.Identity
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxIdentitiesSize)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, &IdentityError{Line: n, Err: errors.New("not valid UTF-8")}
		}
		// gopass stores "<identity>|<recipient>".
		key, _, _ := strings.Cut(line, "|")
		var (
			id  age.Identity
			err error
		)
		switch {
		case strings.HasPrefix(key, "AGE-SECRET-KEY-PQ-1"):
			id, err = age.ParseHybridIdentity(key)
		case strings.HasPrefix(key, "AGE-SECRET-KEY-1"):
			id, err = age.ParseX25519Identity(key)
		case strings.HasPrefix(key, "AGE-PLUGIN-"):
			id, err = plugin.NewIdentity(key, ui)
		default:
			err = errors.New("unknown identity type")
		}
		if err != nil {
			return nil, &IdentityError{Line: n, Err: redactErr(err)}
		}
		ids = append(ids, id)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, ErrNoIdentities
	}
	return ids, nil
}

// redactErr keeps sentinel identity errors and replaces any other message by
// a generic one, because parser errors from dependencies might quote input.
func redactErr(err error) error {
	if errors.Is(err, ErrUnsupportedIdentity) {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "AGE-SECRET-KEY") || strings.Contains(msg, "PRIVATE KEY") {
		return errors.New("malformed identity")
	}
	return errors.New("malformed identity: " + firstWords(msg))
}

// firstWords keeps a short error message short and free of long tokens that
// could be key material.
func firstWords(s string) string {
	var out []string
	for _, w := range strings.Fields(s) {
		if len(w) > 24 {
			w = "…"
		}
		out = append(out, w)
		if len(out) == 8 {
			break
		}
	}
	return strings.Join(out, " ")
}

// decryptIdentities opens an age-encrypted identities file with a
// passphrase and parses the keys it holds.
func decryptIdentities(data []byte, armored bool, passphrase []byte, ui *plugin.ClientUI) ([]age.Identity, error) {
	sid, err := age.NewScryptIdentity(string(passphrase))
	if err != nil {
		return nil, err
	}
	var r io.Reader = bytes.NewReader(data)
	if armored {
		r = armor.NewReader(bytes.NewReader(bytes.TrimSpace(data)))
	}
	pr, err := age.Decrypt(r, sid)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) || strings.Contains(err.Error(), "incorrect passphrase") {
			return nil, ErrBadPassphrase
		}
		return nil, fmt.Errorf("decrypt identities: %w", err)
	}
	plain, err := io.ReadAll(io.LimitReader(pr, maxIdentitiesSize+1))
	if err != nil {
		return nil, fmt.Errorf("decrypt identities: %w", err)
	}
	defer clear(plain)
	return parseIdentities(plain, ui)
}
