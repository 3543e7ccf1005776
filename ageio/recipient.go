package ageio

import (
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"
	"filippo.io/age/plugin"
)

// ErrNoRecipients means there is nothing to encrypt to.
var ErrNoRecipients = errors.New("no age recipients")

// RecipientError reports a recipient string that cannot be used. Recipients
// are public keys, so the value is shown (shortened).
type RecipientError struct {
	Value string // the recipient as given, shortened to 40 bytes
	Err   error
}

func (e *RecipientError) Error() string {
	return fmt.Sprintf("age recipient %q: %v", e.Value, e.Err)
}

func (e *RecipientError) Unwrap() error { return e.Err }

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// ParseRecipient parses one recipient: an age X25519 key (age1…), a hybrid
// post-quantum key (age1pq1…), a plugin recipient (age1NAME1…, wrapped by
// age-plugin-NAME from PATH), or an OpenSSH public key (ssh-ed25519,
// ssh-rsa). github:user references are refused.
func ParseRecipient(s string) (age.Recipient, error) {
	return parseRecipient(s, nil)
}

func parseRecipient(s string, ui *plugin.ClientUI) (age.Recipient, error) {
	if ui == nil {
		ui = &plugin.ClientUI{}
	}
	s = strings.TrimSpace(s)
	var (
		r   age.Recipient
		err error
	)
	switch {
	case strings.HasPrefix(s, "age1pq1"):
		r, err = age.ParseHybridRecipient(s)
	case strings.HasPrefix(s, "age1") && !isPlugin(s):
		r, err = age.ParseX25519Recipient(s)
	case strings.HasPrefix(s, "age1"):
		r, err = plugin.NewRecipient(s, ui)
	case strings.HasPrefix(s, "ssh-"):
		r, err = parseSSHRecipient(s)
	case strings.HasPrefix(s, "github:"):
		err = errors.New("github recipients are not supported (they need the network)")
	default:
		err = errors.New("unknown recipient type")
	}
	if err != nil {
		return nil, &RecipientError{Value: shorten(s), Err: err}
	}
	return r, nil
}

// isPlugin reports whether an age1… string is a plugin recipient
// (age1NAME1…), whose human-readable part is longer than "age".
func isPlugin(s string) bool {
	hrp := s[:strings.LastIndexByte(s, '1')]
	return hrp != "age"
}

// ParseRecipients parses recipient lines as found in .age-recipients,
// $PASSAGE_RECIPIENTS or a recipients file: blank lines and lines starting
// with # are skipped, a trailing " # comment" after an age key is dropped.
func ParseRecipients(lines []string) ([]age.Recipient, error) {
	return parseRecipients(lines, nil)
}

func parseRecipients(lines []string, ui *plugin.ClientUI) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, l := range lines {
		l = strings.TrimSpace(strings.TrimRight(l, "\r"))
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "age1") {
			l, _, _ = strings.Cut(l, " ")
		}
		r, err := parseRecipient(l, ui)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// recipientOf returns the public recipient of an identity, or nil for an
// identity type that has none.
func recipientOf(id age.Identity) age.Recipient {
	switch i := id.(type) {
	case *age.X25519Identity:
		return i.Recipient()
	case *age.HybridIdentity:
		return i.Recipient()
	case *SSHIdentity:
		switch {
		case i.pub != nil:
			return &SSHRecipient{typ: i.Type, pub: i.pub}
		case i.File != "":
			return &SSHRecipient{typ: i.Type, idFile: i.File}
		}
	case *plugin.Identity:
		return i.Recipient()
	}
	return nil
}

// recipientKey gives a comparable form of a recipient to drop duplicates.
func recipientKey(r age.Recipient) string {
	if s, ok := r.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%p", r)
}
