package app

// Placeholders for the write path, owned by engineer W. W deletes this file
// when insert.go, append.go, hotp.go, clip.go and qr.go land; the signatures
// below are the contract between the read path (code.go, uri.go) and them.

import (
	"context"
	"errors"
)

// errNotSupportedYet answers every write-path call until W's code lands.
var errNotSupportedYet = errors.New("not supported yet")

func (a *App) runInsert(ctx context.Context, o InsertOptions, names []string) error {
	return errNotSupportedYet
}

func (a *App) runAppend(ctx context.Context, o AppendOptions, name string) error {
	return errNotSupportedYet
}

// runHOTP is called by code when the URI found is hotp, after the lock rules
// of compat §11.5 (W owns the locking inside: lock, decrypt again, compute,
// rewrite, commit, then print or copy the code).
func (a *App) runHOTP(ctx context.Context, name string, o CodeOptions) error {
	return errNotSupportedYet
}

// copyToClipboard copies value (-c of code and uri); the caller prints the
// "Copied ..." message of compat §5.1.
func (a *App) copyToClipboard(ctx context.Context, value string) error {
	return errNotSupportedYet
}

// clipboardUsable reports whether a clipboard back end exists (checked
// before a HOTP counter moves).
func (a *App) clipboardUsable() error {
	return errNotSupportedYet
}

// showQR displays uri as a QR code (uri -q).
func (a *App) showQR(ctx context.Context, name, uri string) error {
	return errNotSupportedYet
}
