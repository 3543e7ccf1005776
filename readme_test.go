package passotp_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

// readmeBlock returns the lines of the first ```sh block after the first
// line of README.md that starts with heading.
func readmeBlock(t *testing.T, readme, heading string) []string {
	t.Helper()
	i := strings.Index(readme, "\n"+heading)
	if i < 0 {
		t.Fatalf("README.md has no line starting %q", heading)
	}
	rest := readme[i+1:]
	j := strings.Index(rest, "\n```sh\n")
	if j < 0 {
		t.Fatalf("README.md has no ```sh block after %q", heading)
	}
	body, _, ok := strings.Cut(rest[j+len("\n```sh\n"):], "\n```")
	if !ok {
		t.Fatalf("README.md: the ```sh block after %q is not closed", heading)
	}
	return strings.Split(body, "\n")
}

// TestReadmeQuickStart checks issue 2's README points: the quick start is
// the two commands `bash scripts/demo.sh` and `bash .ci/run`; the test
// command is the one .ci/run extracts and runs (go vet, go test -race,
// the fuzz run); and the first command works: scripts/demo.sh exits 0,
// prints the TOTP code oathtool computes (the script compares them) and
// the HOTP codes of counters 1 and 2, and removes its sandbox.
func TestReadmeQuickStart(t *testing.T) {
	testkeys.RequireGPG(t)
	testkeys.Require(t, "bash", "awk", "git", "oathtool", "go")
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)

	var quick []string
	for _, l := range readmeBlock(t, readme, "## Quick start") {
		cmd, _, _ := strings.Cut(l, "#")
		if cmd = strings.TrimSpace(cmd); cmd != "" {
			quick = append(quick, cmd)
		}
	}
	if want := []string{"bash scripts/demo.sh", "bash .ci/run"}; strings.Join(quick, "\n") != strings.Join(want, "\n") {
		t.Errorf("README quick start = %q, want %q", quick, want)
	}

	testCmd := readmeBlock(t, readme, "The test command")[0]
	for _, part := range []string{"go vet ./...", "go test -race", "./...", "bash scripts/fuzz.sh"} {
		if !strings.Contains(testCmd, part) {
			t.Errorf("README test command %q lacks %q", testCmd, part)
		}
	}
	// .ci/run finds the same line with its own awk program.
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	extract := regexp.MustCompile(`(?m)^cmdline=\$\(awk .*\)$`).Find(ci)
	if extract == nil {
		t.Fatal(".ci/run has no cmdline=$(awk ...) line")
	}
	out, err := exec.Command("bash", "-c", string(extract)+`; printf '%s' "$cmdline"`).Output()
	if err != nil || string(out) != testCmd {
		t.Errorf(".ci/run extracts %q (%v), README's test command is %q", out, err, testCmd)
	}

	// The first command. A generous limit that only catches a hang.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "scripts/demo.sh")
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "GNUPGHOME", "PASSWORD_STORE_DIR", "PASSWORD_STORE_KEY", "PASSWORD_STORE_GPG_OPTS", "GPG_TTY",
			"PASSOTP_TEST_NOW", "PASSOTP_GPG", "PASS_OATH_CREDENTIAL_NAME", "POSIXLY_CORRECT":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no terminal, as in CI
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bash scripts/demo.sh: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.Bytes(), stderr.Bytes())
	}
	got := stdout.String()

	m := regexp.MustCompile(`\$ passotp demo/totp\n(\d{6})\noathtool says (\d{6})\n`).FindStringSubmatch(got)
	if m == nil {
		t.Errorf("demo output lacks the TOTP code and oathtool's:\n%s", got)
	}
	// The demo's HOTP entry starts at counter 0: the codes are HOTP(1), HOTP(2).
	hotp := func(counter string) string {
		c := exec.Command("oathtool", "--hotp", "-b", "-c", counter, "-")
		c.Stdin = strings.NewReader("JBSWY3DPEHPK3PXP\n") // the demo's example secret
		out, err := c.Output()
		if err != nil {
			t.Fatalf("oathtool --hotp -c %s: %v", counter, err)
		}
		return strings.TrimSpace(string(out))
	}
	wantHOTP := "$ passotp code demo/hotp\n" + hotp("1") + "\n$ passotp code demo/hotp\n" + hotp("2") + "\n"
	if !strings.Contains(got, wantHOTP) {
		t.Errorf("demo output lacks the HOTP codes %q:\n%s", wantHOTP, got)
	}
	for _, want := range []string{
		"&counter=2&issuer=Example\n",
		"Increment HOTP counter for demo/hotp.\n",
		"nothere: passfile not found.\n",
		"Invalid key URI (missing accountname): otpauth://totp/?secret=REDACTED\n",
	} {
		if !strings.Contains(got+stderr.String(), want) {
			t.Errorf("demo output lacks %q:\n%s\nstderr:\n%s", want, got, stderr.Bytes())
		}
	}
	if sb := regexp.MustCompile(`(/tmp/potdemo\.\w+)/g\b`).FindStringSubmatch(got); sb == nil {
		t.Errorf("demo output does not name its sandbox:\n%s", got)
	} else if _, err := os.Stat(sb[1]); !os.IsNotExist(err) {
		t.Errorf("demo left its sandbox %s behind (%v)", sb[1], err)
	}
}
