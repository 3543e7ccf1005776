package passotp_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 3 holds `passotp NAME` to twice the wall time of an empty Go
// program, and most of a run is process start: initialising every linked
// package and faulting in the binary. These tests keep out of the binary
// what measurably cost start-up time without helping a code get printed;
// they check the build, not a clock (scripts/bench.sh measures).

// startupForbidden are packages the passotp binary must not link, with
// what they cost. A key names the package and the packages below it; a
// key ending in "$" names that one package only.
var startupForbidden = map[string]string{
	// The resolver and everything else of package net (net/url and
	// net/netip are small and stay).
	"net$":        "gpgio dials the agent's unix socket with syscall + os.File",
	"crypto/x509": "nothing here verifies certificates",
	// go-git's storage, config and object packages: its URL regexps, the
	// diff and merkletrie code, and gcfg (passstore/gitobj.go).
	"github.com/go-git/go-git/v5/storage":         "passstore reads and writes objects and refs itself",
	"github.com/go-git/go-git/v5/config":          "passstore reads and writes objects and refs itself",
	"github.com/go-git/go-git/v5/plumbing/object": "passstore encodes trees and commits itself",
	// gcfg imports encoding/gob, whose init registers its types (0.13-0.17
	// ms per run); go-git's config-format and gitignore packages use gcfg.
	"github.com/go-git/gcfg": "internal/gitconfig reads git's config syntax",
	"encoding/gob":           "nothing here encodes gobs",
	"github.com/go-git/go-git/v5/plumbing/format/config":    "internal/gitconfig reads git's config syntax",
	"github.com/go-git/go-git/v5/plumbing/format/gitignore": "internal/gitignore matches gitignore patterns",
	// urfave/cli's docs renderer (install.sh builds without it; a plain
	// go build links it, but no init of it may be reached either way).
	"github.com/cpuguy83/go-md2man": "the man-page renderer belongs in internal/gendocs",
	// ssh keys in age stores go through the age binary (ageio/ssh.go):
	// agessh and x/crypto/ssh bring crypto/x509, encoding/pem, bcrypt and
	// their init (0.43 ms of a 3.77 ms run).
	"filippo.io/age/agessh":   "ageio hands ssh keys to the age binary",
	"golang.org/x/crypto/ssh": "ageio hands ssh keys to the age binary",
	// Links the ELF, Mach-O, PE, XCOFF and DWARF readers: ~0.3 ms per run.
	"debug/buildinfo": "forward.go's goBuildInfo reads the one block it needs",
}

// TestStartupDeps: the binary links none of startupForbidden.
func TestStartupDeps(t *testing.T) {
	for _, dep := range goList(t, "-deps", "-tags", "urfave_cli_no_docs", "./cmd/passotp") {
		for p, why := range startupForbidden {
			if exact, ok := strings.CutSuffix(p, "$"); ok {
				if dep == exact {
					t.Errorf("./cmd/passotp links %s: %s", dep, why)
				}
			} else if dep == p || strings.HasPrefix(dep, p+"/") {
				t.Errorf("./cmd/passotp links %s: %s", dep, why)
			}
		}
	}
}

// TestNoReflectMethod: nothing reachable in the binary calls
// reflect.Value.Method or MethodByName with a computed name. One such call
// (text/template executing, reached through urfave/cli's App.Run and its
// help printer) makes the linker keep every exported method of every type
// that can be boxed in an interface: about a third of the binary, and
// ~0.6 ms more start-up per run (run.go, runCommand).
func TestNoReflectMethod(t *testing.T) {
	if testing.Short() {
		t.Skip("links the binary")
	}
	out := filepath.Join(t.TempDir(), "passotp")
	cmd := exec.Command("go", "build", "-tags", "urfave_cli_no_docs", "-ldflags=-dumpdep", "-o", out, "./cmd/passotp")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%.2000s", err, b)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "<ReflectMethod>") {
			t.Errorf("linker dependency with a computed method lookup: %s", line)
			n++
		}
		if n > 10 {
			break
		}
	}
	if !strings.Contains(string(b), "main.main") {
		t.Fatalf("-dumpdep printed no dependency graph:\n%.2000s", b)
	}
}
