package app

// Signed commits (pass.signcommits, commit.gpgsign): passstore builds the
// commit and asks this signer for the gpgsig signature, which gpgio makes
// in process (an unprotected key file, or gpg-agent for protected keys).
// When gpgio cannot (no secret key it can reach, an algorithm or gpg.conf
// option it does not handle), the commit is left to git commit -S, quietly:
// git prints its own reason if gpg cannot sign either.

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/passotp/passotp/gpgio"
	"github.com/passotp/passotp/passstore"
)

// commitSigner returns passstore's Options.Signer for the gpg mode: nil
// (git commit -S) in gpg mode, where gpg does all OpenPGP work; native
// signing with the git fallback in auto mode; native signing only in
// native mode, where a signature gpgio cannot make fails the commit with
// the reason.
func commitSigner(c *gpgio.Client, mode gpgio.Mode) func(keyID string) (passstore.Signer, error) {
	if c == nil || mode == gpgio.GPGOnly {
		return nil
	}
	return func(keyID string) (passstore.Signer, error) {
		return nativeSigner{c: c, key: keyID, fallback: mode == gpgio.Auto}, nil
	}
}

// nativeSigner signs one commit with gpgio for the key git would use
// (user.signingkey, else the committer's "Name <email>").
type nativeSigner struct {
	c        *gpgio.Client
	key      string
	fallback bool
}

func (s nativeSigner) Sign(message io.Reader) ([]byte, error) {
	sig, err := s.c.Sign(context.Background(), s.key, message)
	var ne *gpgio.NoNativeSignError
	if err != nil && s.fallback && errors.As(err, &ne) {
		return nil, fmt.Errorf("%w: %w", passstore.ErrSignWithGit, err)
	}
	return sig, err
}
