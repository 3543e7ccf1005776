package app

import (
	"os"
	"strconv"
)

// platformClipboard is pbcopy/pbpaste, as pass's darwin platform file,
// whose timer is named after the user instead of a display.
func platformClipboard() *clipboard {
	return &clipboard{
		Copy:  []string{"pbcopy"},
		Paste: []string{"pbpaste"},
		Name:  "password store sleep for user " + strconv.Itoa(os.Getuid()),
	}
}
