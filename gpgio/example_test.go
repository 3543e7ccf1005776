package gpgio_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/passotp/passotp/gpgio"
	"github.com/passotp/passotp/internal/testkeys"
)

// Decrypt a committed entry with the committed throwaway keyring. The key
// has no passphrase, so no agent and no gpg process is involved.
func ExampleClient_Decrypt() {
	home, err := testkeys.NewDir("poe")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(home)
	if err := testkeys.CopyTo(home); err != nil {
		log.Fatal(err)
	}

	c, err := gpgio.Open(gpgio.Options{
		Home: home,
		Mode: gpgio.NativeOnly,
		Env:  []string{"HOME=/nonexistent"}, // cmd passes os.Environ()
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	f, err := os.Open("testdata/entries/cv25519.gpg")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	plaintext, err := c.Decrypt(context.Background(), f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", plaintext)
	// Output:
	// otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example
}
