package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/app"
	"github.com/passotp/passotp/internal/testkeys"
)

// The bash completion is exercised in a real bash: the committed script is
// sourced (alone, and after pass's own completion for the hook), COMP_LINE,
// COMP_POINT, COMP_WORDS and COMP_CWORD are set as bash sets them (COMP_WORDS
// split at COMP_WORDBREAKS, so an ARN is several words), the completion
// function is called and COMPREPLY is compared.

const passCompletion = "/usr/share/bash-completion/completions/pass"

// completionStore makes a store holding entries with spaces, colons and @.
func completionStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{
		"arn:aws:iam::123456789012:mfa/alice.gpg",
		"arn:aws:iam::123456789012:mfa/div/bob.gpg",
		"ACME Co/john.doe@email.com.gpg",
		"dir/a.gpg",
		"dir/b.gpg",
		"plain.gpg",
		"notes.txt",
		".gpg-id",
		".extensions/otp.bash",
		".git/HEAD",
	} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// complete runs the completion for line (the cursor at its end) with
// COMP_WORDS = words in a fresh bash and returns COMPREPLY and the
// output of the setup lines.
func complete(t *testing.T, store, setup, fn, line string, words []string) []string {
	t.Helper()
	return completeIn(t, store, setup, fn, line, words, true)
}

// completeIn is complete; without withLine, COMP_LINE and COMP_POINT stay
// unset, as when a caller sets only COMP_WORDS and COMP_CWORD.
func completeIn(t *testing.T, store, setup, fn, line string, words []string, withLine bool) []string {
	t.Helper()
	setLine := "COMP_LINE=$1; COMP_POINT=${#COMP_LINE}"
	if !withLine {
		setLine = "unset COMP_LINE COMP_POINT"
	}
	script := `set -u
export PASSWORD_STORE_DIR="$1"; shift
` + setup + `
` + setLine + `; shift
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMPREPLY=()
` + fn + `
for r in "${COMPREPLY[@]}"; do printf '%s\0' "$r"; done
`
	args := append([]string{"-c", script, "bash", store, line}, words...)
	cmd := exec.Command("bash", args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("bash completion for %q: %v\nstderr: %s", line, err, stderr.String())
	}
	var got []string
	for _, s := range strings.Split(string(out), "\x00") {
		if s != "" {
			got = append(got, s)
		}
	}
	return got
}

// flagWords lists the option words of a command of the tree that start
// with prefix, in the tree's order (what the completion offers).
func flagWords(cmd, prefix string) []string {
	var out []string
	for _, c := range FromApp(app.NewCLI()).Commands {
		if c.Name != cmd {
			continue
		}
		for _, f := range c.Flags {
			for _, w := range f.Words() {
				if strings.HasPrefix(w, prefix) {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// commandWords lists every command name and alias of the tree, in order.
var commandWords = func() []string {
	var out []string
	for _, c := range FromApp(app.NewCLI()).Commands {
		out = append(out, c.Names()...)
	}
	return out
}()

var completionCases = []struct {
	name  string
	line  string   // after "passotp " or "pass otp "
	words []string // COMP_WORDS after the command words, as bash splits them
	want  []string
}{
	{"empty", "", []string{""},
		append(append([]string(nil), commandWords...), "ACME Co/", "arn:aws:iam::123456789012:mfa/", "dir/", "plain")},
	{"ARN prefix", "arn", []string{"arn"}, []string{"arn:aws:iam::123456789012:mfa/"}},
	// COMP_WORDBREAKS holds ':': bash replaces only the text after the last colon.
	{"ARN after colon", "arn:aws", []string{"arn", ":", "aws"}, []string{"aws:iam::123456789012:mfa/"}},
	{"ARN after double colon", "arn:aws:iam::1", []string{"arn", ":", "aws", ":", "iam", "::", "1"}, []string{"123456789012:mfa/"}},
	{"ARN ending in colon", "arn:aws:iam:", []string{"arn", ":", "aws", ":", "iam", ":"}, []string{":123456789012:mfa/"}},
	{"ARN directory", "arn:aws:iam::123456789012:mfa/", []string{"arn", ":", "aws", ":", "iam", "::", "123456789012", ":", "mfa/"},
		[]string{"mfa/alice", "mfa/div/"}},
	{"ARN entry", "arn:aws:iam::123456789012:mfa/al", []string{"arn", ":", "aws", ":", "iam", "::", "123456789012", ":", "mfa/al"},
		[]string{"mfa/alice"}},
	{"space escaped", `ACME\ C`, []string{`ACME\ C`}, []string{"ACME Co/john.doe@email.com"}},
	{"space quoted", `"ACME Co/j`, []string{`"ACME Co/j`}, []string{"ACME Co/john.doe@email.com"}},
	{"at sign", `ACME\ Co/john.doe@e`, []string{`ACME\ Co/john.doe`, "@", "e"}, []string{"email.com"}},
	{"directory", "dir/", []string{"dir/"}, []string{"dir/a", "dir/b"}},
	{"hidden files never", ".", []string{"."}, nil},
	{"code flags", "-", []string{"-"}, []string{"-c", "--clip", "-q", "--quiet", "--fresh", "--min-remaining", "--json", "--line", "--label", "--store"}},
	{"flag after name", "plain --c", []string{"plain", "--c"}, []string{"--clip"}},
	{"subcommand word", "ins", []string{"ins"}, []string{"insert"}},
	{"insert flags", "insert --", []string{"insert", "--"}, flagWords("insert", "--")},
	{"insert path folders", "insert -p ", []string{"insert", "-p", ""}, []string{"ACME Co/", "arn:aws:iam::123456789012:mfa/", "dir/"}},
	{"insert issuer is free text", "insert --issuer ", []string{"insert", "--issuer", ""}, nil},
	{"uri entries", "uri pl", []string{"uri", "pl"}, []string{"plain"}},
	{"uri flags", "uri -", []string{"uri", "-"}, []string{"-c", "--clip", "-q", "--qrcode", "--line", "--label", "--store"}},
	{"show is code", "show arn:aws", []string{"show", "arn", ":", "aws"}, []string{"aws:iam::123456789012:mfa/"}},
	{"validate takes a URI", "validate ", []string{"validate", ""}, nil},
	{"store kinds", "--store g", []string{"--store", "g"}, []string{"gopass"}},
	{"ls store kinds", "ls --store ", []string{"ls", "--store", ""}, []string{"pass", "gopass", "passage"}},
}

func TestBashCompletionStandalone(t *testing.T) {
	testkeys.Require(t, "bash")
	script, err := filepath.Abs("../../completions/passotp.bash")
	if err != nil {
		t.Fatal(err)
	}
	store := completionStore(t)
	setup := `. "` + script + `"`
	for _, tc := range completionCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			words := append([]string{"passotp"}, tc.words...)
			got := complete(t, store, setup, "_passotp", "passotp "+tc.line, words)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("passotp %s<TAB>: got %q, want %q", tc.line, got, tc.want)
			}
			// Only COMP_WORDS and COMP_CWORD: the words are glued back at
			// the COMP_WORDBREAKS tokens.
			got = completeIn(t, store, setup, "_passotp", "", words, false)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("passotp %s<TAB> without COMP_LINE: got %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}

func TestBashCompletionPassHook(t *testing.T) {
	testkeys.Require(t, "bash")
	if _, err := os.Stat(passCompletion); err != nil {
		t.Fatalf("pass's bash completion is required (apt-get install pass): %v", err)
	}
	script, err := filepath.Abs("../../completions/passotp.bash")
	if err != nil {
		t.Fatal(err)
	}
	store := completionStore(t)
	// Both orders: /etc/bash_completion.d is read before pass's lazily
	// loaded completion, a ~/.bashrc line may come after it.
	for _, order := range []struct{ name, setup string }{
		{"ours first", `. "` + script + `"; . ` + passCompletion},
		{"pass first", `. ` + passCompletion + `; . "` + script + `"`},
	} {
		t.Run(order.name, func(t *testing.T) {
			for _, tc := range completionCases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					words := append([]string{"pass", "otp"}, tc.words...)
					got := complete(t, store, order.setup, "_pass", "pass otp "+tc.line, words)
					if !reflect.DeepEqual(got, tc.want) {
						t.Errorf("pass otp %s<TAB>: got %q, want %q", tc.line, got, tc.want)
					}
					got = completeIn(t, store, order.setup, "_pass", "", words, false)
					if !reflect.DeepEqual(got, tc.want) {
						t.Errorf("pass otp %s<TAB> without COMP_LINE: got %q, want %q", tc.line, got, tc.want)
					}
				})
			}
			t.Run("otp is a pass command", func(t *testing.T) {
				got := complete(t, store, order.setup, "_pass", "pass ot", []string{"pass", "ot"})
				if !reflect.DeepEqual(got, []string{"otp"}) {
					t.Errorf("pass ot<TAB>: got %q, want [otp]", got)
				}
			})
		})
	}
}

// TestBashCompleteP checks what `complete -p` reports after sourcing the
// script, and that sourcing it twice registers otp once.
func TestBashCompleteP(t *testing.T) {
	testkeys.Require(t, "bash")
	script, err := filepath.Abs("../../completions/passotp.bash")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", "-c", `. `+passCompletion+`; . "$1"; . "$1"; complete -p pass passotp; echo "${PASSWORD_STORE_EXTENSION_COMMANDS[*]}"; type -t __password_store_extension_complete_otp`, "bash", script).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	want := "complete -o filenames -F _pass pass\ncomplete -o filenames -F _passotp passotp\notp\nfunction\n"
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}
