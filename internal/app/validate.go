package app

import "github.com/passotp/passotp/otp"

// runValidate is `validate URI` (compat §10.6): pass-otp's grammar only
// (§6); silent on success.
func (a *App) runValidate(uri string) error {
	_, err := otp.Parse(uri)
	return err
}
