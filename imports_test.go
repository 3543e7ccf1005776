package passotp_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules enforces the import table of ARCHITECTURE.md (style.md §2).
// Edges inside the module are checked transitively (go list -deps); third-party
// libraries are checked on the package's own imports, since go-git itself
// depends on go-crypto.
func TestImportRules(t *testing.T) {
	const mod = "github.com/passotp/passotp/"
	// The git-config and gitignore parsers that go-git would bring in
	// cost start-up time (encoding/gob via gcfg, issue 3): passstore and
	// storeconf use internal/gitconfig and internal/gitignore instead.
	// encoding/gob is checked transitively.
	slowGit := []string{"github.com/go-git/gcfg", "github.com/go-git/go-git/v5/plumbing/format/config", "github.com/go-git/go-git/v5/plumbing/format/gitignore", "encoding/gob"}
	rules := []struct {
		pkg       string
		forbidden []string
		allowed   []string // exceptions to forbidden prefixes
	}{
		{"otp", []string{mod, "github.com/ProtonMail/go-crypto", "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term"}, nil},
		{"gpgio", []string{mod, "github.com/pquerna/otp", "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term"}, []string{mod + "internal/sysread", mod + "internal/child"}},
		{"fresh", []string{mod + "gpgio", mod + "passstore", mod + "internal", "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term"}, nil},
		{"ageio", []string{mod, "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term"}, []string{mod + "internal/child"}},
		{"storeconf", append([]string{mod, "github.com/urfave/cli", "golang.org/x/term", "github.com/ProtonMail/go-crypto"}, slowGit...), []string{mod + "internal/gitconfig"}},
		{"passstore", append([]string{mod + "gpgio", mod + "otp", mod + "internal/", "github.com/ProtonMail/go-crypto", "github.com/urfave/cli", "golang.org/x/term"}, slowGit...), []string{mod + "internal/gitconfig", mod + "internal/gitignore", mod + "internal/sysread"}},
		{"internal/gitconfig", []string{mod, "github.com/", "golang.org/"}, nil},
		{"internal/gitignore", []string{mod, "github.com/", "golang.org/"}, nil},
		{"internal/sysread", []string{mod, "github.com/", "golang.org/"}, nil},
		{"internal/child", []string{mod, "github.com/", "golang.org/"}, nil},
		{"ageio", []string{mod, "github.com/ProtonMail/go-crypto", "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term", "github.com/pquerna/otp"}, []string{mod + "internal/child"}},
		{"storeconf", []string{mod, "github.com/ProtonMail/go-crypto", "github.com/urfave/cli", "golang.org/x/term", "github.com/pquerna/otp", "filippo.io/age"}, []string{mod + "internal/gitconfig"}},
	}
	for _, r := range rules {
		deps := goList(t, "-deps", "./"+r.pkg+"/...")
		direct := goList(t, "-f", "{{join .Imports \"\\n\"}}", "./"+r.pkg+"/...")
		check := func(list []string, internalOnly bool) {
		outer:
			for _, dep := range list {
				if strings.HasPrefix(dep, mod+r.pkg) {
					continue
				}
				for _, a := range r.allowed {
					if strings.HasPrefix(dep, a) {
						continue outer
					}
				}
				for _, f := range r.forbidden {
					// Module and standard-library edges are checked transitively.
					if internalOnly != (strings.HasPrefix(f, mod) || !strings.Contains(f, ".")) {
						continue
					}
					if strings.HasPrefix(dep, f) {
						t.Errorf("%s imports %s, which ARCHITECTURE.md forbids", r.pkg, dep)
					}
				}
			}
		}
		check(deps, true)
		check(direct, false)
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, out)
	}
	return strings.Fields(string(out))
}
