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
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"otp", []string{mod, "github.com/ProtonMail/go-crypto", "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term"}},
		{"gpgio", []string{mod, "github.com/pquerna/otp", "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term"}},
		{"fresh", []string{mod + "gpgio", mod + "passstore", mod + "internal", "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term"}},
		{"ageio", []string{mod, "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term"}},
		{"storeconf", []string{mod, "github.com/urfave/cli", "golang.org/x/term", "github.com/ProtonMail/go-crypto"}},
		{"passstore", []string{mod + "gpgio", mod + "otp", mod + "internal/app", "github.com/ProtonMail/go-crypto", "github.com/urfave/cli", "golang.org/x/term"}},
		{"ageio", []string{mod, "github.com/ProtonMail/go-crypto", "github.com/go-git", "github.com/urfave/cli", "golang.org/x/term", "github.com/pquerna/otp"}},
		{"storeconf", []string{mod, "github.com/ProtonMail/go-crypto", "github.com/urfave/cli", "golang.org/x/term", "github.com/pquerna/otp", "filippo.io/age"}},
	}
	for _, r := range rules {
		deps := goList(t, "-deps", "./"+r.pkg+"/...")
		direct := goList(t, "-f", "{{join .Imports \"\\n\"}}", "./"+r.pkg+"/...")
		check := func(list []string, internalOnly bool) {
			for _, dep := range list {
				if strings.HasPrefix(dep, mod+r.pkg) {
					continue
				}
				for _, f := range r.forbidden {
					if internalOnly != strings.HasPrefix(f, mod) {
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
