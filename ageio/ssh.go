package ageio

import (
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"
)

// sshDir is where gopass looks for ssh keys: $GOPASS_SSH_DIR when it holds
// a .ssh directory (gopass's own test), else .ssh in the user's home
// ($GOPASS_HOMEDIR or $HOME). "" when there is none.
func sshDir(env []string) string {
	if d, _ := lookup(env, "GOPASS_SSH_DIR"); d != "" {
		if fi, err := os.Stat(filepath.Join(d, ".ssh")); err == nil && fi.IsDir() {
			return d
		}
	}
	home, _ := lookup(env, "GOPASS_HOMEDIR")
	if home == "" {
		home, _ = lookup(env, "HOME")
	}
	if home == "" {
		return ""
	}
	d := filepath.Join(home, ".ssh")
	if fi, err := os.Stat(d); err == nil && fi.IsDir() {
		return d
	}
	return ""
}

// sshIdentities loads, as gopass does, every key pair NAME + NAME.pub in
// dir that age can use (ed25519, rsa). A passphrase-protected key asks
// passphrase(NAME.pub) only when a file is actually encrypted to it.
// Keys that do not parse are skipped.
func sshIdentities(dir string, passphrase func(string) ([]byte, error)) []age.Identity {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var ids []age.Identity
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".pub") {
			continue
		}
		pubFile := filepath.Join(dir, e.Name())
		pubBuf, err := os.ReadFile(pubFile)
		if err != nil {
			continue
		}
		privBuf, err := os.ReadFile(strings.TrimSuffix(pubFile, ".pub"))
		if err != nil {
			continue
		}
		pub, _, _, _, err := ssh.ParseAuthorizedKey(pubBuf)
		if err != nil {
			clear(privBuf)
			continue
		}
		id, err := agessh.ParseIdentity(privBuf)
		if _, missing := err.(*ssh.PassphraseMissingError); missing && passphrase != nil {
			pf := pubFile
			id, err = agessh.NewEncryptedSSHIdentity(pub, privBuf, func() ([]byte, error) { return passphrase(pf) })
		} else {
			clear(privBuf)
		}
		if err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
