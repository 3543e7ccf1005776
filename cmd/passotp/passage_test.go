package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/plugin"
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

// TestPassageProtectedIdentities: a passphrase-protected identities file. On a terminal
// passotp asks for its passphrase there (never on stdin); without one it
// fails at once with a hint instead of waiting.
func TestPassageProtectedIdentities(t *testing.T) {
	home := t.TempDir()
	plain := filepath.Join(home, "plain")
	if out, err := exec.Command("age-keygen", "-o", plain).CombinedOutput(); err != nil {
		t.Fatalf("age-keygen: %v\n%s", err, out)
	}
	pub, err := exec.Command("age-keygen", "-y", plain).Output()
	if err != nil {
		t.Fatal(err)
	}
	ids := filepath.Join(home, ".passage", "identities")
	os.MkdirAll(filepath.Dir(ids), 0o700)
	// What `age -p` writes (ageio's tests use the real age -p), with a low
	// scrypt work factor to keep this test fast.
	keys, _ := os.ReadFile(plain)
	sr, _ := age.NewScryptRecipient("pw-for-test")
	sr.SetWorkFactor(10)
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, sr)
	w.Write(keys)
	w.Close()
	os.WriteFile(ids, buf.Bytes(), 0o600)
	store := filepath.Join(home, ".passage", "store")
	os.MkdirAll(store, 0o700)
	enc := exec.Command("age", "-e", "-r", strings.TrimSpace(string(pub)), "-o", filepath.Join(store, "x.age"))
	enc.Stdin = strings.NewReader("otpauth://totp/RFC:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8\n")
	if out, err := enc.CombinedOutput(); err != nil {
		t.Fatalf("age -e: %v\n%s", err, out)
	}

	// No terminal: fails fast, says why.
	cmd := &exec.Cmd{Path: binary, Args: []string{"passage", "x"}, Dir: home,
		Env: []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}, SysProcAttr: newSession()}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Run(); err == nil {
		t.Fatal("no terminal, protected identities: exit 0")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("failing without a terminal took %v", d)
	}
	if !strings.Contains(errb.String(), "no terminal to ask for the age identities passphrase") || !strings.Contains(errb.String(), "x: OTP secret not found.") {
		t.Errorf("stderr = %q", errb.String())
	}

	// On a terminal: the prompt, then the code (RFC 6238, T=59 → 94287082
	// needs the fixed clock; here any 8 digits do).
	script := filepath.Join(home, "run.exp")
	os.WriteFile(script, []byte("set timeout 60\nspawn -noecho "+binary+" x\n"+
		"expect \"Enter passphrase for identity file\"\nsend \"pw-for-test\\r\"\nexpect -re {([0-9]{8})\\r\\n}\n"+
		"puts \"CODE=$expect_out(1,string)\"\nexpect eof\n"), 0o600)
	run := exec.Command("expect", script)
	run.Dir = home
	run.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "PASSOTP_STORE=passage"}
	out, err := run.CombinedOutput()
	if err != nil || !regexp.MustCompile(`CODE=[0-9]{8}`).Match(out) {
		t.Errorf("on a terminal: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "pw-for-test") {
		t.Errorf("passphrase echoed: %q", out)
	}
}

// TestPassagePluginIdentity: a plugin identity (as with age-plugin-yubikey)
// in ~/.passage/identities; the plugin's message reaches stderr, the code
// stdout.
func TestPassagePluginIdentity(t *testing.T) {
	home := t.TempDir()
	bin := filepath.Join(home, "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "age-plugin-passotptest"), "../../ageio/testdata/testplugin").CombinedOutput(); err != nil {
		t.Fatalf("build the test plugin: %v\n%s", err, out)
	}
	x, _ := age.GenerateX25519Identity()
	ids := filepath.Join(home, ".passage", "identities")
	os.MkdirAll(filepath.Join(home, ".passage", "store"), 0o700)
	os.WriteFile(ids, []byte(plugin.EncodeIdentity("passotptest", []byte(x.String()))+"\n"), 0o600)
	env := []string{"HOME=" + home, "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}
	enc := exec.Command("age", "-e", "-r", plugin.EncodeRecipient("passotptest", []byte(x.Recipient().String())), "-o", filepath.Join(home, ".passage", "store", "p.age"))
	enc.Env = env
	enc.Stdin = strings.NewReader("otpauth://hotp/RFC:p?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0\n")
	if out, err := enc.CombinedOutput(); err != nil {
		t.Fatalf("age -e: %v\n%s", err, out)
	}
	cmd := &exec.Cmd{Path: binary, Args: []string{"passage", "otp", "p"}, Env: env, Dir: home}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("passage otp p: %v\n%s", err, errb.String())
	}
	if out.String() != "287082\n" {
		t.Errorf("stdout = %q, want HOTP(1)", out.String())
	}
	if !strings.Contains(errb.String(), "age-plugin-passotptest: pretend to touch the token") {
		t.Errorf("stderr = %q", errb.String())
	}
	// The HOTP rewrite was encrypted back for the plugin recipient.
	dec := exec.Command("age", "-d", "-i", ids, filepath.Join(home, ".passage", "store", "p.age"))
	dec.Env = env
	if b, err := dec.Output(); err != nil || !strings.Contains(string(b), "counter=1") {
		t.Errorf("age -d after HOTP = %q, %v", b, err)
	}
}
