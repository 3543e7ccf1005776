package gpgio

import (
	"errors"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// keyring is the index over the public keys of a GnuPG home: a keybox
// (pubring.kbx), a legacy pubring.gpg, or keyboxd reached over Assuan.
type keyring struct{}

// candidate is one encryption (sub)key that may open a PKESK.
type candidate struct {
	pub     *packet.PublicKey // the encryption (sub)key named by the PKESK
	primary *packet.PublicKey // its primary key
	uid     string            // first user ID (for SETKEYDESC)
}

// openKeyring picks keyboxd, pubring.kbx or pubring.gpg as gpg does
// (gpgio.md §4).
func openKeyring(h *home) (*keyring, error) {
	return nil, errors.New("keyring: not implemented")
}

// candidates returns the (sub)keys with the given key id; keyID 0 means
// every encryption-capable (sub)key in keyring order.
func (kr *keyring) candidates(keyID uint64) ([]candidate, error) {
	return nil, errors.New("keyring: not implemented")
}
