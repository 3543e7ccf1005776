package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/passotp/passotp/internal/app"
	"github.com/passotp/passotp/internal/testkeys"
)

var update = flag.Bool("update", false, "rewrite the cmp targets of the test scripts")

// realPass is the real pass found on PATH before testscript puts its own
// `pass` (this binary in pass mode) first; scripts reach it as $REALPASS.
var realPass string

// binary is passotp built once by TestMain for the interop tests (a real
// binary, so that BuildInfo and start-up are what users get).
var binary string

func TestMain(m *testing.M) {
	// The clock hook: scripts fix the time with PASSOTP_TEST_NOW.
	app.TestOnlyNow = true
	commands := map[string]func() int{
		"passotp": run,
		"pass":    run, // argv[0] is "pass": pass mode, or forward to $REALPASS
	}
	if _, ok := commands[filepath.Base(os.Args[0])]; ok {
		os.Exit(testscript.RunMain(m, commands)) // a script's command
	}
	realPass, _ = exec.LookPath("pass")
	dir, err := os.MkdirTemp("", "passotp-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "passotp")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := testscript.RunMain(m, commands)
	os.RemoveAll(dir)
	os.Exit(code)
}

// run is main without os.Exit, for testscript.
func run() int {
	return app.Main(os.Args, os.Stdin, os.Stdout, os.Stderr, os.Environ())
}

func TestScripts(t *testing.T) {
	testkeys.RequireGPG(t)
	// age, age-keygen, ssh-keygen, setsid and timeout: the passage, gopass
	// age and ssh-key scripts.
	testkeys.Require(t, "pass", "oathtool", "git", "age", "age-keygen", "ssh-keygen", "setsid", "timeout")
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		Setup:               setup,
		UpdateScripts:       *update,
		RequireExplicitExec: true,
	})
}

// setup gives every script a short GNUPGHOME holding the throwaway
// keyring, an empty store directory, a home and a git identity. Keys are
// named by $KEY_RSA, $KEY_CV (cv25519), $KEY_P256 and $KEY_PROTECTED.
func setup(env *testscript.Env) error {
	home, err := testkeys.NewDir("pts")
	if err != nil {
		return err
	}
	env.Defer(func() {
		testkeys.KillAgent(home)
		os.RemoveAll(home)
	})
	if err := testkeys.CopyTo(home); err != nil {
		return err
	}
	userHome := filepath.Join(env.WorkDir, "home")
	if err := os.MkdirAll(userHome, 0o700); err != nil {
		return err
	}
	if realPass == "" {
		return fmt.Errorf("pass is not installed")
	}
	// testscript puts the directory holding its commands (passotp and
	// pass, both this binary) first on PATH; scripts reach it as $TSBIN.
	tsbin := filepath.SplitList(env.Getenv("PATH"))[0]
	// Under -race every process sleeps 1 s at exit (atexit_sleep_ms) to
	// catch late reports; scripts start hundreds of processes.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	for k, v := range map[string]string{
		"GORACE":              gorace,
		"TSBIN":               tsbin,
		"GNUPGHOME":           home,
		"PASSWORD_STORE_DIR":  filepath.Join(env.WorkDir, "store"),
		"HOME":                userHome,
		"REALPASS":            realPass,
		"GIT_AUTHOR_NAME":     "Pass Tester",
		"GIT_AUTHOR_EMAIL":    "tester@passotp.test",
		"GIT_COMMITTER_NAME":  "Pass Tester",
		"GIT_COMMITTER_EMAIL": "tester@passotp.test",
		"KEY_RSA":             testkeys.RSA.Email,
		"KEY_CV":              testkeys.Cv25519.Email,
		"KEY_P256":            testkeys.P256.Email,
		"KEY_PROTECTED":       testkeys.Protected.Email,
		"FPR_RSA":             testkeys.RSA.Fpr,
		"FPR_CV":              testkeys.Cv25519.Fpr,
		"LC_ALL":              "C.UTF-8",
	} {
		env.Setenv(k, v)
	}
	return nil
}
