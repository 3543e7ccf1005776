package otp

import (
	"os"
	"os/exec"
	"testing"
)

// requireTools fails the test when a program the test uses as an oracle
// is missing, or skips it when PASSOTP_ALLOW_SKIP=1 (team rule: missing
// tools fail, they do not silently pass). otp may import nothing from this
// module, so this is a local copy of testkeys.Require.
func requireTools(t testing.TB, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("PASSOTP_ALLOW_SKIP") == "1" {
				t.Skipf("%s not installed (PASSOTP_ALLOW_SKIP=1)", p)
			}
			t.Fatalf("%s not installed; install it or set PASSOTP_ALLOW_SKIP=1", p)
		}
	}
}
