// Command gendocs writes passotp's man page and shell completions from the
// command tree of record, [app.NewCLI], plus the hand-written sections in
// sections/ (DESCRIPTION, ENVIRONMENT, EXIT STATUS, FILES, AWS-VAULT,
// COMPATIBILITY, ...) and the completion templates in templates/.
//
// Run it from the module root after changing a command, a flag or a
// section, and commit the result:
//
//	go run ./internal/gendocs
//
// It writes man/passotp.1.md (the go-md2man source), man/passotp.1 (the
// rendered page), completions/passotp.bash, completions/_passotp (zsh),
// completions/passotp.fish and completions/passotp-pass.fish (fish's
// `pass otp`, a conf.d snippet). The tests regenerate everything in memory and
// compare it with the committed files (`go test ./internal/gendocs -update`
// rewrites them). gendocs is a separate program so that the man page
// renderer is never linked into, nor initialised by, the passotp binary.
//
// # Departures from style.md §7
//
// The completion scripts are plain shell generated from the tree, not
// urfave/cli's runtime protocol (--generate-bash-completion, the generic
// zsh_autocomplete, ToFishCompletion): passotp normalises argv getopt-style
// before urfave sees it, entry names must come from the store directory
// with spaces and COMP_WORDBREAKS characters intact (AWS ARNs), and a
// completion must not start the binary (and a gpg-agent) on every TAB. The
// bash script still hooks into pass's completion as style.md asks.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/passotp/passotp/internal/app"
	"github.com/urfave/cli/v2"
)

func main() {
	root := flag.String("C", ".", "the module root to write into")
	flag.Parse()
	files, err := Generate(app.NewCLI())
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	if err := Write(*root, files); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

// Generate returns every generated file, by path relative to the module
// root.
func Generate(a *cli.App) (map[string][]byte, error) {
	m := FromApp(a)
	md := ManMarkdown(m)
	files := map[string][]byte{
		"man/passotp.1.md": md,
		"man/passotp.1":    Man(md),
	}
	for _, g := range []struct {
		path string
		gen  func(Model) ([]byte, error)
	}{
		{"completions/passotp.bash", Bash},
		{"completions/_passotp", Zsh},
		{"completions/passotp.fish", Fish},
		{"completions/passotp-pass.fish", FishPass},
	} {
		b, err := g.gen(m)
		if err != nil {
			return nil, err
		}
		files[g.path] = b
	}
	return files, nil
}

// Write writes files below root, creating directories as needed.
func Write(root string, files map[string][]byte) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}
