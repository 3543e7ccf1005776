// Command age-plugin-passotptest is a throwaway age plugin for ageio's
// tests: its identities and recipients carry an ordinary X25519 key
// (the AGE-SECRET-KEY-1… or age1… string as plugin data), so the tests can
// check the plugin protocol end to end with the age CLI and with ageio.
// It prints a message through the client UI on every unwrap, as hardware
// plugins do ("touch your key").
package main

import (
	"os"

	"filippo.io/age"
	"filippo.io/age/plugin"
)

func main() {
	p, err := plugin.New("passotptest")
	if err != nil {
		os.Exit(1)
	}
	p.HandleRecipient(func(data []byte) (age.Recipient, error) {
		return age.ParseX25519Recipient(string(data))
	})
	p.HandleIdentityAsRecipient(func(data []byte) (age.Recipient, error) {
		id, err := age.ParseX25519Identity(string(data))
		if err != nil {
			return nil, err
		}
		return id.Recipient(), nil
	})
	p.HandleIdentity(func(data []byte) (age.Identity, error) {
		id, err := age.ParseX25519Identity(string(data))
		if err != nil {
			return nil, err
		}
		return &noisy{p: p, id: id}, nil
	})
	os.Exit(p.Main())
}

type noisy struct {
	p  *plugin.Plugin
	id *age.X25519Identity
}

func (n *noisy) Unwrap(s []*age.Stanza) ([]byte, error) {
	n.p.DisplayMessage("pretend to touch the token")
	return n.id.Unwrap(s)
}
