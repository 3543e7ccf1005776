package gpgio

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// encrypt implements Client.Encrypt natively when every recipient line
// resolves to one of the user's own keys (gpgio.md §5, §9): one PKESK v3 per
// recipient, SEIPD v1 with MDC, AES-256, a binary literal packet with no
// name and date 0, no compression, signature or armor. Otherwise it returns
// an *UnsupportedError before writing anything, and Client.Encrypt runs gpg.
func (c *Client) encrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error) {
	h, err := c.home()
	if err != nil {
		return nil, err
	}
	kr, err := c.keyring()
	if err != nil {
		return nil, err
	}
	if opt, err := gpgConfEncryptOption(h); err != nil {
		return nil, err
	} else if opt != "" {
		return nil, unsupported("gpg.conf option %q changes what gpg writes", opt)
	}
	rs, err := resolveNative(ctx, h, kr, recipients, c.o.Now())
	if err != nil {
		return nil, err
	}
	return encryptTo(dst, rs, c.o.Now)
}

// gpgConfEncryptOption returns the first gpg.conf option that makes gpg
// write something other than the native output (armor, hidden recipients,
// another cipher, a compliance mode), or "". pass runs gpg with the user's
// gpg.conf, so such a home gets gpg's own output. Read on each encrypt:
// writing is rare, and the decrypt path never pays for it.
func gpgConfEncryptOption(h *home) (string, error) {
	b, err := readSmall(filepath.Join(h.dir, "gpg.conf"))
	if err != nil || b == nil {
		return "", err
	}
	armor := ""
	other := ""
	eachOption(b, func(name, _ string) {
		switch name {
		case "armor", "a":
			armor = name
		case "no-armor":
			armor = ""
		case "throw-keyids", "hidden-recipient", "hidden-encrypt-to", "cipher-algo",
			"personal-cipher-preferences", "compliance", "rfc2440", "rfc4880", "rfc4880bis",
			"openpgp", "pgp6", "pgp7", "pgp8", "force-aead", "force-ocb", "disable-mdc", "no-force-mdc":
			if other == "" {
				other = name
			}
		}
	})
	if armor != "" {
		return armor, nil
	}
	return other, nil
}

// encryptTo writes a message for the resolved recipients to dst.
func encryptTo(dst io.Writer, rs []*recipient, now func() time.Time) (io.WriteCloser, error) {
	ents := make([]*openpgp.Entity, 0, len(rs))
	for _, r := range rs {
		ents = append(ents, onlyKey(r))
	}
	cfg := &packet.Config{
		DefaultCipher:          packet.CipherAES256,
		DefaultCompressionAlgo: packet.CompressionNone,
		Time:                   now,
	}
	w, err := openpgp.Encrypt(dst, ents, nil, &openpgp.FileHints{IsBinary: true}, cfg)
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	return w, nil
}

// onlyKey returns a shallow copy of the recipient's entity whose only
// encryption key is the chosen one, so that go-crypto encrypts to exactly
// the key gpg would pick. Signatures are copied before being adjusted: gpg
// accepts a key flagged for storage encryption only, go-crypto wants the
// communications flag.
func onlyKey(r *recipient) *openpgp.Entity {
	e := *r.entity
	e.Subkeys = nil
	e.Identities = make(map[string]*openpgp.Identity, len(r.entity.Identities))
	for name, id := range r.entity.Identities {
		cp := *id
		if id.SelfSignature != nil {
			s := *id.SelfSignature
			if r.key != r.entity.PrimaryKey {
				// The primary must not be picked instead of the subkey.
				s.FlagEncryptCommunications, s.FlagEncryptStorage = false, false
			} else {
				s.FlagEncryptCommunications = true
			}
			cp.SelfSignature = &s
		}
		e.Identities[name] = &cp
	}
	if r.key != r.entity.PrimaryKey {
		for _, sk := range r.entity.Subkeys {
			if sk.PublicKey == r.key {
				s := *sk.Sig
				s.FlagEncryptCommunications = true
				sk.Sig = &s
				e.Subkeys = []openpgp.Subkey{sk}
			}
		}
	}
	return &e
}
