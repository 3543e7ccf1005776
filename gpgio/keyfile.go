package gpgio

import (
	"errors"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// keyFileKind classifies a private-keys-v1.d file.
type keyFileKind int

const (
	keyMissing keyFileKind = iota
	keyUnprotected
	keyProtected
	keyShadowed
	keyUnknown
)

// loadKeyFile reads private-keys-v1.d/<GRIP>.key. For an unprotected key
// it returns a usable private key whose public part is pub.
func loadKeyFile(h *home, grip [20]byte, pub *packet.PublicKey) (*packet.PrivateKey, keyFileKind, error) {
	return nil, keyMissing, errors.New("key file: not implemented")
}
