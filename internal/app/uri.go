package app

import (
	"context"
	"fmt"
)

// runURI is `uri [-c|-q] NAME` (compat §10.4): the first otpauth line's URI
// as parsed. NAME keeps its trailing slash (pass-otp quirk, §7).
func (a *App) runURI(ctx context.Context, clip, qr bool, name string) error {
	key, err := a.readKey(ctx, name, true)
	if err != nil {
		return err
	}
	switch {
	case clip:
		if err := a.copyToClipboard(ctx, key.URI); err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.Stdout, "Copied OTP key URI for %s to clipboard. Will clear in %s seconds.\n", name, a.clipTime())
		return err
	case qr:
		return a.showQR(ctx, name, key.URI)
	}
	_, err = fmt.Fprintln(a.Stdout, key.URI)
	return err
}
