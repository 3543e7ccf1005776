package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDropInForward runs aws-vault's keyring calls and other pass commands
// through the `pass` symlink to passotp in one store and through the real
// pass in another, and compares stdout, stderr, exit status and files.
// With git, the commits (subjects and files) must match too.
func TestDropInForward(t *testing.T) {
	for _, withGit := range []bool{false, true} {
		name := "plain store"
		if withGit {
			name = "git store"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testDropInForward(t, withGit)
		})
	}
}

// hashes matches abbreviated and full git object names in git's output.
var hashes = regexp.MustCompile(`\b[0-9a-f]{7,40}\b`)

func testDropInForward(t *testing.T, withGit bool) {
	viaDropIn, viaPass := newSandbox(t), newSandbox(t)
	drop := dropIn(t)
	gitEnv := []string{"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@passotp.test",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@passotp.test"}
	viaDropIn.env = append(viaDropIn.env, gitEnv...)
	viaPass.env = append(viaPass.env, gitEnv...)
	envDrop := viaDropIn.with("PATH=" + drop + ":/usr/bin:/bin")
	const creds = `{"Version":1,"AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"throwaway","SessionToken":"","Expiration":"0001-01-01T00:00:00Z"}`
	session := "aws-vault/sts.GetSessionToken,YWxpY2U,YXJuOmF3czppYW06OjEyMzQ1Njc4OTAxMjptZmEvYWxpY2U,1700000000"
	type call struct {
		args  []string
		stdin string
	}
	var calls []call
	if withGit {
		calls = append(calls, call{[]string{"git", "init"}, ""})
	}
	calls = append(calls, []call{
		{[]string{"insert", "-m", "-f", "aws-vault/alice"}, creds},
		{[]string{"show", "aws-vault/alice"}, ""},
		{[]string{"insert", "-m", "-f", session}, creds},
		{[]string{"show", session}, ""},
		{[]string{"ls"}, ""},
		{[]string{"show", "aws-vault/nobody"}, ""},
		{[]string{"rm", "-f", session}, ""},
		{[]string{"rm", "-f", "aws-vault/nobody"}, ""},
		{[]string{"insert", "-m", "-f", "aws-vault/alice"}, creds + "\nsecond line"},
		{[]string{"show", "aws-vault/alice"}, ""},
		{[]string{"ls", "aws-vault"}, ""},
		{[]string{"version"}, ""},
		{[]string{"bogus-command"}, ""},
		{[]string{}, ""},
	}...)
	if withGit {
		calls = append(calls, call{[]string{"git", "log", "--format=%s", "--name-status"}, ""})
	}
	for _, c := range calls {
		var stdin []byte
		if c.stdin != "" {
			stdin = []byte(c.stdin)
		}
		got := runEnv(t, envDrop, stdin, filepath.Join(drop, "pass"), c.args...)
		want := viaPass.run(t, stdin, "/usr/bin/pass", c.args...)
		got.stdout = strings.ReplaceAll(got.stdout, viaDropIn.store, "PREFIX")
		got.stderr = strings.ReplaceAll(got.stderr, viaDropIn.store, "PREFIX")
		want.stdout = strings.ReplaceAll(want.stdout, viaPass.store, "PREFIX")
		want.stderr = strings.ReplaceAll(want.stderr, viaPass.store, "PREFIX")
		for _, r := range []*result{&got, &want} {
			r.stdout = hashes.ReplaceAllString(r.stdout, "HASH")
			r.stderr = hashes.ReplaceAllString(r.stderr, "HASH")
		}
		if len(c.args) > 1 && c.args[1] == "log" && !strings.Contains(got.stdout, "Remove aws-vault/sts.GetSessionToken") {
			t.Errorf("git log through the drop-in lacks pass's commits:\n%s", got.stdout)
		}
		if got != want {
			t.Errorf("pass %s through the drop-in:\n%s\nreal pass:\n%s", strings.Join(c.args, " "), got, want)
		}
	}
	a, b := entries(t, viaDropIn), entries(t, viaPass)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("files differ:\ndrop-in: %q\npass:    %q", a, b)
	}
	if r := viaPass.run(t, nil, "pass", "show", "aws-vault/alice"); r.stdout != creds+"\nsecond line" { // insert -m stores stdin as is
		t.Errorf("pass show after the calls: %s", r)
	}
}

// TestDropInWithoutRealPass: the drop-in alone, or PASSOTP_PASS naming
// passotp itself, gives compat's error instead of recursing.
func TestDropInWithoutRealPass(t *testing.T) {
	s := newSandbox(t)
	drop := dropIn(t)
	for _, env := range [][]string{
		s.with("PATH=" + drop),
		s.with("PATH="+drop+":/usr/bin:/bin", "PASSOTP_PASS="+filepath.Join(drop, "pass")),
		s.with("PATH="+drop+":"+drop+":/usr/bin:/bin", "PASSOTP_PASS="+passotpBin),
	} {
		r := runEnv(t, env, nil, filepath.Join(drop, "pass"), "show", "x")
		// compat §5.3's line, optionally followed by a hint line.
		if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "Error: the real pass was not found in PATH.\n") ||
			!strings.Contains(r.stderr, "show") {
			t.Errorf("env %q: got %s\nwant compat's error naming the subcommand", env, r)
		}
	}
	// Without pass (and without gpg on PATH), `pass otp NAME` still works:
	// someone without pass gets a working `pass otp NAME` for aws-vault.
	s.insert(t, arn, uriAWS+"\n")
	r := runEnv(t, s.with("PATH="+drop), nil, filepath.Join(drop, "pass"), "otp", "--at", "1234567890", arn)
	if want := oathtool(t, awsSecret, 1234567890) + "\n"; r.code != 0 || r.stdout != want {
		t.Errorf("pass otp without a real pass or gpg on PATH: %s\nwant %q", r, want)
	}
	// PASSOTP_PASS picks the real pass explicitly (PATH holds only the
	// drop-in and what `pass show` runs: bash for its #! line, getopt, tty).
	tools := t.TempDir()
	for _, tool := range []string{"bash", "getopt", "tty"} {
		if err := os.Symlink("/usr/bin/"+tool, filepath.Join(tools, tool)); err != nil {
			t.Fatal(err)
		}
	}
	r = runEnv(t, s.with("PATH="+drop+":"+tools, "PASSOTP_PASS=/usr/bin/pass"), nil, filepath.Join(drop, "pass"), "show", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "Error: x is not in the password store.") {
		t.Errorf("PASSOTP_PASS=/usr/bin/pass pass show x: %s", r)
	}
}

// TestAWSVault does what aws-vault does with an MFA device stored under
// its ARN: v6 runs `pass otp ARN` (argv, no shell) and v7 runs
// `/bin/sh -c "pass otp ARN"`, both with stdin /dev/null, no terminal and
// PATH leading to the drop-in, and use strings.TrimSpace(stdout).
func TestAWSVault(t *testing.T) {
	s := newSandbox(t)
	// The entry as an aws-vault user has it: written by the real pass-otp.
	if r := s.run(t, []byte(uriAWS+"\n"), "pass", "otp", "insert", arn); r.code != 0 {
		t.Fatalf("pass otp insert (pass-otp): %s", r)
	}
	drop := dropIn(t)
	env := s.with("PATH=" + drop + ":/usr/bin:/bin")
	pass := filepath.Join(drop, "pass")
	for _, tc := range []struct {
		name string
		prog string
		args []string
	}{
		{"v6 prompt=pass", pass, []string{"otp", arn}},
		{"v7 mfa_process", "/bin/sh", []string{"-c", "pass otp " + arn}},
		{"v7 mfa_process code", "/bin/sh", []string{"-c", "pass otp code " + arn}},
		{"v7 mfa_process passotp", "/bin/sh", []string{"-c", passotpBin + " code " + arn}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := time.Now().Unix()
			r := runEnv(t, env, nil, tc.prog, tc.args...)
			after := time.Now().Unix()
			token := strings.TrimSpace(r.stdout)
			ok := false
			for ts := before; ts <= after+1; ts++ {
				if token == oathtool(t, awsSecret, ts) {
					ok = true
					break
				}
			}
			if r.code != 0 || !ok || r.stdout != token+"\n" || r.stderr != "" {
				t.Errorf("got %s\nwant oathtool's code for the ARN's secret", r)
			}
		})
	}
	t.Run("missing entry", func(t *testing.T) {
		const nobody = "arn:aws:iam::123456789012:mfa/nobody"
		for _, args := range [][]string{{"otp", nobody}, {"otp", "arn:aws:iam::123456789012:mfa"}} {
			r := runEnv(t, env, nil, pass, args...)
			want := args[1] + ": passfile not found.\n"
			if r.code == 0 || r.stdout != "" || r.stderr != want {
				t.Errorf("pass %s: got %s\nwant exit 1, stderr %q", strings.Join(args, " "), r, want)
			}
		}
	})
	t.Run("PASS_OATH_CREDENTIAL_NAME", func(t *testing.T) {
		// aws-vault v6 passes the variable's value as the name; passotp also
		// reads it when no name is given.
		before := time.Now().Unix()
		r := runEnv(t, append(env, "PASS_OATH_CREDENTIAL_NAME="+arn), nil, pass, "otp")
		after := time.Now().Unix()
		if r.code != 0 || (strings.TrimSpace(r.stdout) != oathtool(t, awsSecret, before) && strings.TrimSpace(r.stdout) != oathtool(t, awsSecret, after)) {
			t.Errorf("got %s", r)
		}
	})
}

// TestAWSVaultStdinOpen: the ByteNess fork gives mfa_process the terminal
// as stdin; `code` must never read stdin, so a stdin that stays open and
// silent does not block it.
func TestAWSVaultStdinOpen(t *testing.T) {
	s := newSandbox(t)
	s.insert(t, arn, uriAWS+"\n")
	drop := dropIn(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", "pass otp "+arn)
	cmd.Env = s.with("PATH=" + drop + ":/usr/bin:/bin")
	cmd.Stdin = r
	before := time.Now().Unix()
	out, err := cmd.Output()
	after := time.Now().Unix()
	if ctx.Err() != nil {
		t.Fatal("pass otp blocked on an open stdin")
	}
	if err != nil {
		t.Fatalf("pass otp: %v", err)
	}
	got := strings.TrimSpace(string(out))
	if got != oathtool(t, awsSecret, before) && got != oathtool(t, awsSecret, after) {
		t.Errorf("got %q", out)
	}
}
