package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestShimSigned: with PASSWORD_STORE_SIGNING_KEY set, pass runs a user
// extension only with a valid otp.bash.sig; signed as install.sh --user
// says (gpg --detach-sign --default-key KEY otp.bash), the shim runs.
func TestShimSigned(t *testing.T) {
	s := newSandbox(t)
	s.insert(t, arn, uriAWS+"\n")
	shim := filepath.Join(s.store, ".extensions/otp.bash")
	copyFile(t, filepath.Join(root, "scripts/otp.bash"), shim, 0o755)
	key := testkeys.Cv25519.Fpr
	env := s.with("PASSWORD_STORE_ENABLE_EXTENSIONS=true", "PASSOTP_BIN="+passotpBin, "PASSWORD_STORE_SIGNING_KEY="+key)

	r := runEnv(t, env, nil, "pass", "otp", "--at", "1234567890", arn)
	if r.code == 0 || !strings.Contains(r.stderr, "Signature for "+shim+" does not exist.") {
		t.Errorf("unsigned shim with PASSWORD_STORE_SIGNING_KEY: %s", r)
	}

	testkeys.GPG(t, s.gnupg, nil, "--detach-sign", "--default-key", key, shim)
	if _, err := os.Stat(shim + ".sig"); err != nil {
		t.Fatal(err)
	}
	r = runEnv(t, env, nil, "pass", "otp", "--at", "1234567890", arn)
	if want := oathtool(t, awsSecret, 1234567890) + "\n"; r.code != 0 || r.stdout != want {
		t.Errorf("signed shim: %s\nwant %q", r, want)
	}
}
