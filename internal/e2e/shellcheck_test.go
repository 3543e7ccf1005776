package e2e

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestShellcheck lints the shell this package tests: the extension shim,
// the installer and the generated bash completion.
func TestShellcheck(t *testing.T) {
	testkeys.Require(t, "shellcheck")
	args := []string{"-s", "bash"}
	for _, f := range []string{"scripts/otp.bash", "scripts/install.sh", "completions/passotp.bash"} {
		args = append(args, filepath.Join(root, f))
	}
	if out, err := exec.Command("shellcheck", args...).CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
