package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

// interopEntry is one entry of the interop store (issue 2's acceptance).
type interopEntry struct {
	name string
	// content is the whole entry; uri is its otpauth line.
	uri      string
	password string // a first line before the URI, "" for none
	// oathtool's view of the key.
	secret string
	alg    string // "", sha256, sha512
	digits int
	period int
	// pass-otp 1.1.1 (Debian's) predates `:port` labels: its regex
	// rejects them, so the real pass is not compared there.
	noRealPass bool
}

var interopEntries = []interopEntry{
	{name: "sha1/default", uri: "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example", secret: "JBSWY3DPEHPK3PXP"},
	{name: "sha256/eight", uri: "otpauth://totp/S256:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA&algorithm=SHA256&digits=8", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA", alg: "sha256", digits: 8},
	{name: "sha512/seven-60", uri: "otpauth://totp/S512:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA&algorithm=sha512&digits=7&period=60", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA", alg: "sha512", digits: 7, period: 60},
	{name: "period15", uri: "otpauth://totp/Fast:dave?secret=MFRGGZDFMZTWQ2LK&period=15", secret: "MFRGGZDFMZTWQ2LK", period: 15},
	{name: "digits6-sha1", uri: "otpauth://totp/D6:erin?secret=ONSWG4TFOQ&digits=6&algorithm=SHA1", secret: "ONSWG4TFOQ"},
	{name: "issuer-param", uri: "otpauth://totp/frank?secret=KRUGKIDROVUWG2ZAMJZG653OEBTG66BA&issuer=ParamCo", secret: "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"},
	{name: "label-at", uri: "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=JBSWY3DPEHPK3PXQ&issuer=ACME%20Co", secret: "JBSWY3DPEHPK3PXQ"},
	{name: "label-plus", uri: "otpauth://totp/My+Issuer:me%40x.y?secret=JBSWY3DPEHPK3PXR&issuer=My+Issuer", secret: "JBSWY3DPEHPK3PXR"},
	{name: "label-space", uri: "otpauth://totp/Big%20Corp:grace%20h?secret=JBSWY3DPEHPK3PXS", secret: "JBSWY3DPEHPK3PXS"},
	{name: "label-port", uri: "otpauth://totp/Issuer:alice@x:443?secret=JBSWY3DPEHPK3PXT&issuer=Issuer", secret: "JBSWY3DPEHPK3PXT", noRealPass: true},
	{name: "password-line1", password: "hunter2!", uri: "otpauth://totp/Web:heidi?secret=JBSWY3DPEHPK3PXU", secret: "JBSWY3DPEHPK3PXU"},
	{name: "a/b/c/nested", uri: "otpauth://totp/Deep:ivan?secret=JBSWY3DPEHPK3PXV&digits=7", secret: "JBSWY3DPEHPK3PXV", digits: 7},
	{name: "arn:aws:iam::123456789012:mfa/alice", uri: "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},
}

// TestInteropWithPassOTP is issue 2's acceptance: a store made by the real
// `pass init` + `pass otp insert` (RSA-3072 and cv25519 keys); for every
// entry, passotp (native decryption and, with PASSOTP_GPG=gpg, the gpg
// binary), passotp as `pass otp` and the real `pass otp` print the code
// oathtool computes for a time taken just before or just after them.
func TestInteropWithPassOTP(t *testing.T) {
	testkeys.RequireGPG(t)
	testkeys.Require(t, "pass", "oathtool")
	for _, key := range []testkeys.Key{testkeys.RSA, testkeys.Cv25519} {
		t.Run(key.Name, func(t *testing.T) {
			t.Parallel()
			tmp := t.TempDir()
			env := append(cleanEnv(),
				"GNUPGHOME="+testkeys.Home(t),
				"PASSWORD_STORE_DIR="+filepath.Join(tmp, "store"),
				"HOME="+tmp,
			)
			runOK(t, env, nil, realPass, "init", key.Email)
			for _, e := range interopEntries {
				// pass otp insert where pass-otp 1.1.1 accepts the URI,
				// else (a password line, a :port label) pass insert -m.
				if e.password == "" && !e.noRealPass {
					runOK(t, env, []byte(e.uri+"\n"), realPass, "otp", "insert", e.name)
					continue
				}
				content := e.uri + "\n"
				if e.password != "" {
					content = e.password + "\n" + content
				}
				runOK(t, env, []byte(content), realPass, "insert", "-m", e.name)
			}
			for _, e := range interopEntries {
				t.Run(strings.ReplaceAll(e.name, "/", "_"), func(t *testing.T) {
					t.Parallel()
					before := time.Now()
					// PASSOTP_GPG=gpg: the gpg-binary Decrypter (issue 2
					// scope 3) on the same store.
					gpgEnv := append(env[:len(env):len(env)], "PASSOTP_GPG=gpg")
					got := map[string]string{
						"passotp":                   run1(t, env, binary, binary, e.name),
						"pass otp":                  run1(t, env, binary, "pass", "otp", e.name),
						"passotp (PASSOTP_GPG=gpg)": run1(t, gpgEnv, binary, binary, e.name),
					}
					if !e.noRealPass {
						got["real pass otp"] = run1(t, env, realPass, realPass, "otp", e.name)
					}
					after := time.Now()
					want := map[string]bool{oathtool(t, e, before): true, oathtool(t, e, after): true}
					for who, code := range got {
						if !want[code] {
							t.Errorf("%s printed %q, oathtool gives %q", who, code, keys(want))
						}
					}
				})
			}
		})
	}
}

// cleanEnv is the test's environment without variables that would change
// pass or passotp (a user's store, agent tty, fixed clock).
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GNUPGHOME", "PASSWORD_STORE_DIR", "HOME", "PASSWORD_STORE_KEY", "PASSWORD_STORE_GPG_OPTS",
			"PASSOTP_TEST_NOW", "PASSOTP_GPG", "GPG_TTY", "PASS_OATH_CREDENTIAL_NAME", "POSIXLY_CORRECT",
			"PASSOTP_FRESH", "PASSOTP_MIN_REMAINING", "PASSWORD_STORE_ENABLE_EXTENSIONS":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// runOK runs prog (argv[0] = prog) and fails the test on error.
func runOK(t *testing.T, env []string, stdin []byte, prog string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", prog, args, err, stderr.Bytes())
	}
	return out
}

// run1 runs path with the given argv (argv[0] first), stdin empty, and
// returns stdout, which must be one line; stderr must be empty.
func run1(t *testing.T, env []string, path string, argv ...string) string {
	t.Helper()
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("%q: %v\n%s", argv, err, stderr.Bytes())
		return ""
	}
	if stderr.Len() > 0 {
		t.Errorf("%q wrote on stderr: %q", argv, stderr.Bytes())
	}
	out := stdout.String()
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("%q printed %q, want one line", argv, out)
	}
	return strings.TrimSuffix(out, "\n")
}

// oathtool computes e's code at t with oathtool --now, the secret on stdin.
func oathtool(t *testing.T, e interopEntry, at time.Time) string {
	t.Helper()
	totp := "--totp"
	if e.alg != "" {
		totp += "=" + e.alg
	}
	args := []string{"-b", totp, "--now", "@" + strconv.FormatInt(at.Unix(), 10)}
	if e.digits != 0 {
		args = append(args, "--digits="+strconv.Itoa(e.digits))
	}
	if e.period != 0 {
		args = append(args, "--time-step-size="+strconv.Itoa(e.period)+"s")
	}
	cmd := exec.Command("oathtool", append(args, "-")...)
	cmd.Stdin = strings.NewReader(e.secret + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oathtool %q: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
