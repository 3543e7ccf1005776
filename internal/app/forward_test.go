package app

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestGoBuildInfo: goBuildInfo reads the same package and module paths as
// debug/buildinfo from Go binaries (this test binary, the go and gofmt
// commands), and nothing from other files.
func TestGoBuildInfo(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	gofmt := filepath.Join(filepath.Dir(goBin), "gofmt")
	for _, p := range []string{self, goBin, gofmt} {
		bi, err := buildinfo.ReadFile(p)
		if err != nil {
			t.Fatalf("debug/buildinfo %s: %v", p, err)
		}
		path, mod := goBuildInfo(p)
		if path != bi.Path || mod != bi.Main.Path {
			t.Errorf("%s: goBuildInfo = %q, %q; debug/buildinfo says %q, %q", p, path, mod, bi.Path, bi.Main.Path)
		}
	}
	if _, mod := goBuildInfo(self); mod != modulePath {
		t.Errorf("this test binary's module = %q, want %q", mod, modulePath)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "pass")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho '\xff Go buildinf:'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	fake := make([]byte, 64)
	copy(fake, buildInfoMagic)
	fake[14], fake[15], fake[32] = 8, 2, 200 // a string length past the end
	fakeBin := filepath.Join(dir, "fake")
	if err := os.WriteFile(fakeBin, fake, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{script, fakeBin, "/bin/sh", filepath.Join(dir, "missing")} {
		if path, mod := goBuildInfo(p); path != "" || mod != "" {
			t.Errorf("%s: goBuildInfo = %q, %q; want nothing", p, path, mod)
		}
	}
	if isPassotp(script, self) {
		t.Error("a shell script named pass counts as passotp")
	}
}
