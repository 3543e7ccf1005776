package testkeys

import (
	"strings"
	"testing"
)

// TestKeyring checks that the committed keyring still holds the keys and
// keygrips the constants name, as the real gpg lists them.
func TestKeyring(t *testing.T) {
	RequireGPG(t)
	home := Home(t)
	out := string(GPG(t, home, nil, "--with-colons", "--with-keygrip", "--list-secret-keys"))
	for _, k := range All {
		for _, want := range []string{k.Fpr, k.SubFpr, k.Grip, k.SubGrip, k.UID} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q not in gpg's listing", k.Name, want)
			}
		}
	}
	if len(home) > 40 {
		t.Errorf("home %q is too long for an agent socket", home)
	}
}
