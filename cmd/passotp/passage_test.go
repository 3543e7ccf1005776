package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPassageArgv0 checks the passage selector that needs a real argv[0]
// (testscript cannot set one): run as `passage otp …` (a passage extension
// shim doing `exec -a passage passotp otp "$@"`) or `passage …`, passotp
// uses ~/.passage even with PASSWORD_STORE_DIR set for pass.
func TestPassageArgv0(t *testing.T) {
	for _, tool := range []string{"age", "age-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed", tool)
		}
	}
	home := t.TempDir()
	ids := filepath.Join(home, ".passage", "identities")
	if err := os.MkdirAll(filepath.Dir(ids), 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("age-keygen", "-o", ids).CombinedOutput(); err != nil {
		t.Fatalf("age-keygen: %v\n%s", err, out)
	}
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "PASSWORD_STORE_DIR=" + filepath.Join(home, "pass-store")}
	run := func(argv0, stdin string, args ...string) (string, string, error) {
		cmd := &exec.Cmd{Path: binary, Args: append([]string{argv0}, args...), Env: env, Dir: home}
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	uri := "otpauth://hotp/RFC:h?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0\n"
	if _, stderr, err := run("passage", uri, "otp", "insert", "web/h"); err != nil {
		t.Fatalf("passage otp insert: %v\n%s", err, stderr)
	}
	file := filepath.Join(home, ".passage", "store", "web", "h.age")
	out, err := exec.Command("age", "-d", "-i", ids, file).Output()
	if err != nil || string(out) != uri {
		t.Fatalf("age -d %s = %q, %v", file, out, err)
	}
	// RFC 4226: HOTP(1) = 287082.
	for _, argv0 := range []string{"passage", "/usr/local/bin/passage"} {
		args := []string{"otp", "web/h"}
		if argv0 != "passage" {
			args = []string{"web/h"} // direct mode under the name passage
		}
		code, stderr, err := run(argv0, "", args...)
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", argv0, args, err, stderr)
		}
		want := map[string]string{"passage": "287082\n", "/usr/local/bin/passage": "359152\n"}[argv0]
		if code != want {
			t.Errorf("%s %v = %q, want %q", argv0, args, code, want)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "pass-store")); !os.IsNotExist(err) {
		t.Errorf("the pass store was touched: %v", err)
	}
}
