package app

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGoBinaryPaths: goBinaryPaths agrees with debug/buildinfo (which the
// binary no longer links) on Go binaries, and says no to everything else.
func TestGoBinaryPaths(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	selfBytes, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		file string
		isGo bool // buildinfo reads it
	}{
		{"this test binary", self, true},
		{"script", write("pass", []byte("#!/usr/bin/env bash\necho \xff Go buildinf:\n")), false},
		{"empty", write("empty", nil), false},
		{"missing", filepath.Join(dir, "missing"), false},
		{"magic only", write("magic", []byte("\x7fELF....\xff Go buildinf:\x08\x02")), false},
		{"first half of a Go binary", write("half", selfBytes[:len(selfBytes)/2]), false},
	}
	for _, tool := range []string{"go", "gofmt", "sh", "git", "gpg"} {
		if p, err := exec.LookPath(tool); err == nil {
			_, err := buildinfo.ReadFile(p)
			tests = append(tests, struct {
				name string
				file string
				isGo bool
			}{tool, p, err == nil})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, mainPath, ok := goBinaryPaths(tt.file)
			bi, err := buildinfo.ReadFile(tt.file)
			if (err == nil) != tt.isGo {
				t.Fatalf("buildinfo: %v, want Go binary %v", err, tt.isGo)
			}
			if !tt.isGo {
				if ok {
					t.Errorf("read %q, %q from a file that is no Go binary", path, mainPath)
				}
				return
			}
			if !ok || path != bi.Path || mainPath != bi.Main.Path {
				t.Errorf("got %q, %q, %v; buildinfo has %q, %q", path, mainPath, ok, bi.Path, bi.Main.Path)
			}
		})
	}
	// The test binary is built from this module: a passotp for forward.go.
	if _, mainPath, _ := goBinaryPaths(self); mainPath != modulePath {
		t.Errorf("main module %q, want %q", mainPath, modulePath)
	}
}

// FuzzParseGoBuildInfo: any file content parses without a panic.
func FuzzParseGoBuildInfo(f *testing.F) {
	f.Add([]byte("\xff Go buildinf:\x08\x02" + string(make([]byte, 16)) + "\x06go1.26" +
		"\x4a0123456789abcdefpath\tgithub.com/passotp/passotp/cmd/passotp\nmod\tgithub.com/passotp/passotp\t(devel)\t\n0123456789abcdef"))
	f.Add([]byte("\xff Go buildinf:\x08\x02" + string(make([]byte, 16)) + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"))
	f.Add([]byte("\xff Go buildinf:\xff Go buildinf:\x04\x02"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseGoBuildInfo(b)
	})
}
