package e2e

import (
	"os"
	"os/exec"
	"testing"
)

// TestDarwinBuild cross-compiles the whole module for macOS (CI runs Linux
// only): platform code such as the clipboard (pbcopy), gpgconf paths and
// terminal handling must build there.
func TestDarwinBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiling for darwin takes a while with a cold build cache (-short)")
	}
	t.Parallel()
	for _, arch := range []string{"arm64"} {
		cmd := exec.Command("go", "build", "./...")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=darwin", "GOARCH="+arch, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=darwin GOARCH=%s go build ./...: %v\n%s", arch, err, out)
		}
	}
}
