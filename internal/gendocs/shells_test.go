package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestFishCompletion asks a real fish for the completions of command lines
// (complete -C) with the committed completions/passotp.fish.
func TestFishCompletion(t *testing.T) {
	testkeys.Require(t, "fish")
	script, err := filepath.Abs("../../completions/passotp.fish")
	if err != nil {
		t.Fatal(err)
	}
	store := completionStore(t)
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"passotp arn:aws", []string{"arn:aws:iam::123456789012:mfa/alice", "arn:aws:iam::123456789012:mfa/div/bob"}},
		{`passotp ACME\ C`, []string{"ACME Co/john.doe@email.com"}},
		{"passotp uri dir/", []string{"dir/a", "dir/b"}},
		{"passotp ins", []string{"insert"}},
		{"passotp insert --p", []string{"--path"}},
		{"passotp insert -p ", []string{"ACME Co/", "arn:aws:iam::123456789012:mfa/", "arn:aws:iam::123456789012:mfa/div/", "dir/"}},
		{"passotp uri -", []string{"-c", "-q", "--clip", "--qrcode", "--line", "--label", "--store"}},
		{"passotp validate ", nil},
		{"passotp ls --store p", []string{"pass", "passage"}},
		{"passotp .ext", nil}, // .extensions, .git, .gpg-id are never offered
	} {
		t.Run(tc.line, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("fish", "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, script, tc.line)
			cmd.Env = append(os.Environ(), "PASSWORD_STORE_DIR="+store, "HOME="+t.TempDir())
			checkFish(t, cmd, tc.line, tc.want)
		})
	}
}

// checkFish runs cmd (fish printing `complete -C` for line) and compares
// the completions it lists, without their descriptions, with want in any
// order.
func checkFish(t *testing.T, cmd *exec.Cmd, line string, want []string) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fish: %v\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			got = append(got, strings.SplitN(l, "\t", 2)[0])
		}
	}
	sort.Strings(got)
	want = append([]string(nil), want...)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s<TAB>: got %q, want %q", line, got, want)
	}
}

// TestFishPassCompletion checks completions/passotp-pass.fish: it adds
// `pass otp ...` to fish's own pass completion (autoloaded as usual, so
// fish runs with its normal configuration in a throwaway HOME) and leaves
// pass's other commands alone.
func TestFishPassCompletion(t *testing.T) {
	testkeys.Require(t, "fish")
	script, err := filepath.Abs("../../completions/passotp-pass.fish")
	if err != nil {
		t.Fatal(err)
	}
	store := completionStore(t)
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"pass otp arn:aws", []string{"arn:aws:iam::123456789012:mfa/alice", "arn:aws:iam::123456789012:mfa/div/bob"}},
		{"pass otp ins", []string{"insert"}},
		{"pass otp uri -", []string{"-c", "-q", "--clip", "--qrcode", "--line", "--label", "--store"}},
		{"pass otp validate ", nil},
		{"pass otp --store ", []string{"pass", "gopass", "passage"}},
		// pass's own commands are untouched: insert has -m, not --issuer.
		{"pass insert --i", nil},
		{"pass insert --m", []string{"--multiline"}},
	} {
		t.Run(tc.line, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			cmd := exec.Command("fish", "-c", `source $argv[1]; complete -C $argv[2]`, script, tc.line)
			cmd.Env = append(os.Environ(), "PASSWORD_STORE_DIR="+store, "HOME="+home, "XDG_CONFIG_HOME="+home+"/.config", "XDG_DATA_HOME="+home+"/.local/share")
			checkFish(t, cmd, tc.line, tc.want)
		})
	}
}

// TestZshCompletion types into a real interactive zsh (under expect) with
// completions/ on $fpath and compinit, presses TAB and Enter, and checks
// the arguments a stub passotp function receives.
func TestZshCompletion(t *testing.T) {
	testkeys.Require(t, "zsh", "expect")
	dir, err := filepath.Abs("../../completions")
	if err != nil {
		t.Fatal(err)
	}
	store := completionStore(t)
	// typed (expect's send syntax), echoed (text the completion adds, awaited
	// before Enter), want (the arguments passotp receives).
	cases := []struct{ typed, echoed, want string }{
		{`passotp arn:aws\t`, "mfa/", "arn:aws:iam::123456789012:mfa/"},
		{`passotp arn:aws:iam::123456789012:mfa/al\t`, "alice", "arn:aws:iam::123456789012:mfa/alice"},
		{`passotp ACME\t`, "Co/", "ACME Co/"},
		{`passotp ACME\\ Co/j\t`, "email.com", "ACME Co/john.doe@email.com"},
		{`passotp show pl\t`, "plain", "show plain"},
		{`passotp ins\t`, "insert", "insert"},
		{`passotp uri --q\t`, "qrcode", "uri --qrcode"},
		{`passotp ls --store gop\t`, "gopass", "ls --store gopass"},
	}
	script := `set timeout 20
spawn -noecho zsh -f -i
send "PS1='READY> '; fpath=(` + dir + ` \$fpath); autoload -U compinit; compinit -u -D; passotp() { print -r -- \"ARGS<\$*>\" }\r"
expect "READY> "
`
	for _, c := range cases {
		script += `send "` + c.typed + `"
expect {
	-re {` + regexp.QuoteMeta(c.echoed) + `} {}
	timeout { exit 1 }
}
send "\r"
expect {
	-re {ARGS<[^>]*>} {}
	timeout { exit 1 }
}
expect "READY> "
`
	}
	script += "send \"exit\\r\"\nexpect eof\n"
	cmd := exec.Command("expect", "-c", script)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "PASSWORD_STORE_DIR="+store, "HOME="+home, "ZDOTDIR="+home, "TERM=dumb")
	done := make(chan struct{})
	var out []byte
	go func() {
		out, err = cmd.CombinedOutput()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("zsh under expect hangs:\n%s", out)
	}
	if err != nil {
		t.Fatalf("expect: %v\n%s", err, out)
	}
	var got []string
	for _, m := range regexp.MustCompile(`ARGS<([^>]*)>`).FindAllStringSubmatch(string(out), -1) {
		if m[1] != "$*" {
			got = append(got, m[1])
		}
	}
	var want []string
	for _, c := range cases {
		want = append(want, c.want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("zsh completions:\ngot  %q\nwant %q\ntranscript:\n%s", got, want, out)
	}
}
