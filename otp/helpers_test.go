package otp

import (
	"os"
	"os/exec"
	"strings"
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

// bashEach runs script in one bash (C.UTF-8, a bare PATH) with ins as its
// arguments; the script prints one NUL-terminated result per argument,
// which bashEach returns in order.
func bashEach(t testing.TB, script string, ins []string) []string {
	t.Helper()
	requireTools(t, "bash")
	cmd := exec.Command("bash", append([]string{"-c", script, "bash"}, ins...)...)
	cmd.Env = []string{"LC_ALL=C.UTF-8", "PATH=/usr/bin:/bin"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(got) != len(ins) {
		t.Fatalf("bash gave %d results for %d inputs", len(got), len(ins))
	}
	return got
}
