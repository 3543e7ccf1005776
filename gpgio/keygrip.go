package gpgio

import (
	"errors"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// keygrip computes libgcrypt's keygrip of pub (gpgio.md §7).
func keygrip(pub *packet.PublicKey) ([20]byte, error) {
	return [20]byte{}, errors.New("keygrip: not implemented")
}
