package ageio_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"filippo.io/age"
	"github.com/passotp/passotp/ageio"
)

// A passage store: identities in $PASSAGE_IDENTITIES_FILE, an entry
// encrypted to its recipient, read back with Decrypt.
func ExampleClient_Decrypt() {
	dir, _ := os.MkdirTemp("", "ageio-example")
	defer os.RemoveAll(dir)
	id, _ := age.GenerateX25519Identity()
	ids := filepath.Join(dir, "identities")
	os.WriteFile(ids, []byte(id.String()+"\n"), 0o600)

	c, err := ageio.Open(ageio.Options{Mode: ageio.Passage, Env: []string{"PASSAGE_IDENTITIES_FILE=" + ids}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var file bytes.Buffer
	w, _ := c.Encrypt(context.Background(), &file, []string{id.Recipient().String()})
	fmt.Fprintln(w, "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
	w.Close()

	plain, err := c.Decrypt(context.Background(), &file)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(plain))
	// Output: otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP
}
