package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestFastPath: `passotp ARG` with one argument behaves the same with and
// without the fast path that skips the urfave App (run.go): same stdout,
// stderr and status, for entry names, command words, options, and the
// environment the code command reads.
func TestFastPath(t *testing.T) {
	keepUmask(t)
	home := testkeys.Home(t)
	store := t.TempDir()
	ct, err := os.ReadFile("../../gpgio/testdata/entries/cv25519.gpg") // the committed keyring's cv25519 key
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store, "e.gpg"), ct, 0o600); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(store, "dir"), 0o700)
	if err := os.WriteFile(filepath.Join(store, "dir", "e.gpg"), ct, 0o600); err != nil {
		t.Fatal(err)
	}
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	TestOnlyNow = true
	defer func() { TestOnlyNow = false }()
	base := []string{"HOME=" + t.TempDir(), "GNUPGHOME=" + home, "PASSWORD_STORE_DIR=" + store,
		"PASSOTP_TEST_NOW=1700000000", "PASSOTP_GPG=native"}
	tests := []struct {
		arg   string
		env   []string
		plain bool // plainName(arg)
	}{
		{"e", nil, true},
		{"dir/e", nil, true},
		{"e/", nil, true},
		{"missing", nil, true},
		{"../e", nil, true},
		{"a b", nil, true},
		{"HELP", nil, true},
		{"otp", nil, true},
		{"e", []string{"PASSOTP_FRESH=maybe"}, true},
		{"e", []string{"PASSOTP_MIN_REMAINING=x"}, true},
		{"e", []string{"PASSOTP_MIN_REMAINING=0"}, true},
		{"e", []string{"PASS_OATH_CREDENTIAL_NAME=dir/e"}, true},
		{"", nil, false},
		{"-", nil, false},
		{"--", nil, false},
		{"-c", nil, false},
		{"--help", nil, false},
		{"-h", nil, false},
		{"--version", nil, false},
		{"--generate-bash-completion", nil, false},
		{"help", nil, false},
		{"version", nil, false},
		{"insert", nil, false},
		{"add", nil, false},
		{"append", nil, false},
		{"uri", nil, false},
		{"validate", nil, false},
		{"ls", nil, false},
		{"code", nil, false},
		{"show", nil, false},
	}
	run := func(arg string, env []string, slow bool) (string, string, int) {
		testOnlySlowPath = slow
		defer func() { testOnlySlowPath = false }()
		var stdout, stderr bytes.Buffer
		st := Main([]string{"passotp", arg}, devNull, &stdout, &stderr, append(base[:len(base):len(base)], env...))
		return stdout.String(), stderr.String(), st
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			if got := plainName(tt.arg); got != tt.plain {
				t.Errorf("plainName(%q) = %v, want %v", tt.arg, got, tt.plain)
			}
			out, errOut, st := run(tt.arg, tt.env, false)
			out2, errOut2, st2 := run(tt.arg, tt.env, true)
			if out != out2 || errOut != errOut2 || st != st2 {
				t.Errorf("fast path: %d %q %q\nslow path: %d %q %q", st, out, errOut, st2, out2, errOut2)
			}
			if tt.arg == "e" && tt.env == nil && (st != 0 || len(out) != 7) {
				t.Errorf("e: status %d, stdout %q, stderr %q; want a code", st, out, errOut)
			}
		})
	}
}

// TestComplete: urfave/cli's --generate-bash-completion request, answered
// by run.go's complete as urfave/cli's default completion answered it.
func TestComplete(t *testing.T) {
	all := "code\nshow\ninsert\nadd\nappend\nuri\nls\nvalidate\nhelp\nversion\n"
	zshAll := ""
	for _, c := range NewCLI().Commands {
		for _, n := range c.Names() {
			zshAll += n + ":" + c.Usage + "\n"
		}
	}
	if !strings.HasPrefix(zshAll, "code:Generate an OTP code") || strings.Count(zshAll, "\n") != 10 {
		t.Fatalf("the command tree changed: %q", zshAll)
	}
	tests := []struct {
		args []string
		env  []string
		want string
	}{
		{nil, nil, all},
		{[]string{"foo"}, nil, all},
		{[]string{"code"}, nil, ""},
		{[]string{"-c"}, nil, ""},
		{[]string{"code", "--c"}, nil, "--clip\n"},
		{[]string{"ls", "--co"}, nil, "--codes\n"},
		{[]string{"code", "-"}, nil, "--clip\n-c\n--quiet\n-q\n--fresh\n--min-remaining\n--json\n--line\n--label\n--store\n"},
		{[]string{"code", "--clip", "-"}, nil, "-c\n--quiet\n-q\n--fresh\n--min-remaining\n--json\n--line\n--label\n--store\n"},
		{[]string{"insert", "--"}, nil, "--force\n--echo\n--secret\n--issuer\n--account\n--path\n--store\n"},
		{[]string{"validate", "-"}, nil, ""},
		{nil, []string{"0=/usr/bin/zsh"}, zshAll},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{}, tt.args...), completionFlag)
		status := Main(append([]string{"passotp"}, args...), nil, &stdout, &stderr, append([]string{"HOME=" + t.TempDir()}, tt.env...))
		got := stdout.String()
		if status != 0 || got != tt.want || stderr.Len() != 0 {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want 0, %q, nothing", args, status, got, stderr.String(), tt.want)
		}
	}
}
