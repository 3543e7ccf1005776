package gpgio

import "context"

// agentConn is the client's connection to gpg-agent (gpgio.md §8.3).
type agentConn struct {
	a *assuanConn
}

func (ac *agentConn) close() error {
	if ac == nil {
		return nil
	}
	return ac.a.close()
}

// pkdecryptError marks an agent error that came after PKDECRYPT: the
// agent tried the key, so gpg must not be run after it (§8.5).
type pkdecryptError struct{ err error }

func (e *pkdecryptError) Error() string { return "pkdecrypt: " + e.err.Error() }
func (e *pkdecryptError) Unwrap() error { return e.err }

var _ = context.Background
