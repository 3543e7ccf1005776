package app

import (
	"encoding/json"

	"github.com/passotp/passotp/otp"
)

// codeJSON is the object `code --json` prints (issue 7): never the secret.
type codeJSON struct {
	Code      string `json:"code"`
	Remaining int    `json:"remaining"` // seconds left in the step (0 for hotp)
	Period    int    `json:"period"`    // seconds (0 for hotp)
	Digits    int    `json:"digits"`
	Type      string `json:"type"` // totp or hotp
	Name      string `json:"name"`
	Step      uint64 `json:"step"` // the TOTP time step, or the HOTP counter used
}

// printJSON prints code as one JSON object and a newline on stdout.
func (a *App) printJSON(name string, code otp.Code) error {
	b, err := json.Marshal(codeJSON{
		Code: code.Value, Remaining: code.Remaining, Period: code.Period,
		Digits: code.Digits, Type: code.Type, Name: name, Step: code.Step,
	})
	if err != nil {
		return err
	}
	_, err = a.Stdout.Write(append(b, '\n'))
	return err
}
