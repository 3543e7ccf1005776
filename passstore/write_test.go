package passstore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func mode(t *testing.T, p string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestWriteModes(t *testing.T) { forVariants(t, testWriteModes) }

func testWriteModes(t *testing.T, variant func(*Store)) {
	// Not parallel: it changes the process umask to prove that Options.Umask
	// wins over it.
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	tests := []struct {
		umask          int
		file, dir      fs.FileMode
		replaceKeeps   fs.FileMode
		replaceStarter fs.FileMode
	}{
		{0o077, 0o600, 0o700, 0o640, 0o640},
		{0o022, 0o644, 0o755, 0o600, 0o600},
		{0o002, 0o664, 0o775, 0o644, 0o644},
	}
	for _, tt := range tests {
		s, dir := newStore(t, tt.umask)
		variant(s)
		ctx := context.Background()
		created, err := s.Write(ctx, "a/b/c", []byte("x\n"), &fakeCrypt{})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{dir + "/a", dir + "/a/b"}; !reflect.DeepEqual(created, want) {
			t.Errorf("created = %q, want %q", created, want)
		}
		if m := mode(t, dir+"/a/b/c.gpg"); m != tt.file {
			t.Errorf("umask %03o: file mode %03o, want %03o", tt.umask, m, tt.file)
		}
		for _, d := range created {
			if m := mode(t, d); m != tt.dir {
				t.Errorf("umask %03o: dir %s mode %03o, want %03o", tt.umask, d, m, tt.dir)
			}
		}
		// Replacing keeps the old file's mode.
		os.Chmod(dir+"/a/b/c.gpg", tt.replaceStarter)
		created, err = s.Write(ctx, "a/b/c", []byte("y\n"), &fakeCrypt{})
		if err != nil || len(created) != 0 {
			t.Fatalf("replace: %q %v", created, err)
		}
		if m := mode(t, dir+"/a/b/c.gpg"); m != tt.replaceKeeps {
			t.Errorf("umask %03o: replaced mode %03o, want %03o", tt.umask, m, tt.replaceKeeps)
		}
		if left := tempFiles(t, dir); len(left) != 0 {
			t.Errorf("temp files left: %q", left)
		}
	}
	// Umask -1: the process umask decides.
	s, dir := newStore(t, -1)
	variant(s)
	if _, err := s.Write(context.Background(), "p/q", []byte("x"), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dir+"/p/q.gpg"); m != 0o640 {
		t.Errorf("umask -1: file mode %03o, want 0640 from the process umask", m)
	}
	if m := mode(t, dir+"/p"); m != 0o750 {
		t.Errorf("umask -1: dir mode %03o, want 0750", m)
	}
}

func TestWriteContentAndRecipients(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t, 0o77)
	writeFile(t, dir+"/team/.gpg-id", "T1 # comment\nT2")
	fc := &fakeCrypt{}
	ctx := context.Background()
	if _, err := s.Write(ctx, "team/x", []byte("line1\notpauth://totp/a?secret=B"), fc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fc.recipients, []string{"T1", "T2"}) {
		t.Errorf("recipients = %q", fc.recipients)
	}
	pt, err := s.Read(ctx, "team/x", fc)
	if err != nil || string(pt) != "line1\notpauth://totp/a?secret=B" {
		t.Errorf("round trip = %q, %v", pt, err)
	}
}

func TestWriteMissingPrefix(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	s := Open(Options{Dir: base + "/x/store", Umask: 0o77})
	created, err := s.Write(context.Background(), "a/b", []byte("x"), &fakeCrypt{})
	if !errors.Is(err, ErrNoGPGID) {
		t.Fatalf("err = %v, want ErrNoGPGID", err)
	}
	// mkdir -p -v prints PREFIX's missing parents too, before the .gpg-id check fails.
	if want := []string{base + "/x", base + "/x/store", base + "/x/store/a"}; !reflect.DeepEqual(created, want) {
		t.Errorf("created = %q, want %q", created, want)
	}
	if _, err := os.Stat(base + "/x/store/a/b.gpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("entry written without recipients: %v", err)
	}
}

func TestWriteFailures(t *testing.T) { forVariants(t, testWriteFailures) }

func testWriteFailures(t *testing.T, variant func(*Store)) {
	t.Parallel()
	ctx := context.Background()
	boom := errors.New("gpg: boom")
	s, dir := newStore(t, 0o77)
	variant(s)
	if _, err := s.Write(ctx, "x", []byte("old\n"), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	oldBytes, _ := os.ReadFile(dir + "/x.gpg")
	for _, fc := range []*fakeCrypt{{failEncrypt: boom}, {failClose: boom}} {
		_, err := s.Write(ctx, "x", []byte("new\n"), fc)
		var ee *EncryptError
		if !errors.As(err, &ee) || !errors.Is(err, boom) {
			t.Errorf("err = %v, want *EncryptError wrapping the cause", err)
		}
		if b, _ := os.ReadFile(dir + "/x.gpg"); string(b) != string(oldBytes) {
			t.Errorf("old entry changed after a failed write")
		}
		if left := tempFiles(t, dir); len(left) != 0 {
			t.Errorf("temp files left: %q", left)
		}
	}
	// New entry: nothing at all remains.
	if _, err := s.Write(ctx, "new", []byte("x"), &fakeCrypt{failClose: boom}); err == nil {
		t.Error("no error")
	}
	if _, err := os.Lstat(dir + "/new.gpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("partial entry: %v", err)
	}
	// Empty .gpg-id: an encryption error.
	writeFile(t, dir+"/empty/.gpg-id", "# nobody\n")
	if _, err := s.Write(ctx, "empty/x", []byte("x"), &fakeCrypt{}); !errors.Is(err, ErrNoRecipients) {
		t.Errorf("empty .gpg-id: %v", err)
	}
	// Sneaky names are refused before anything happens.
	for _, n := range []string{"../x", "a/../../x", "..", "a/.."} {
		if created, err := s.Write(ctx, n, []byte("x"), &fakeCrypt{}); !errors.Is(err, ErrSneaky) || created != nil {
			t.Errorf("Write(%q) = %q, %v; want ErrSneaky", n, created, err)
		}
	}
	if _, err := os.Stat(filepath.Dir(dir) + "/x.gpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("sneaky write escaped: %v", err)
	}
	// A directory where the entry should be, or a file where a directory should be.
	os.Mkdir(dir+"/isdir.gpg", 0o700)
	if _, err := s.Write(ctx, "isdir", []byte("x"), &fakeCrypt{}); err == nil {
		t.Error("writing over a directory succeeded")
	}
	if _, err := s.Write(ctx, "x/y", []byte("x"), &fakeCrypt{}); err != nil {
		t.Errorf("x.gpg exists but x/ does not: %v", err)
	}
	writeFile(t, dir+"/file", "")
	if _, err := s.Write(ctx, "file/y", []byte("x"), &fakeCrypt{}); err == nil {
		t.Error("writing below a regular file succeeded")
	}
	if left := tempFiles(t, dir); len(left) != 0 {
		t.Errorf("temp files left: %q", left)
	}
}

func TestWriteSymlinks(t *testing.T) { forVariants(t, testWriteSymlinks) }

func testWriteSymlinks(t *testing.T, variant func(*Store)) {
	t.Parallel()
	ctx := context.Background()
	s, dir := newStore(t, 0o77)
	variant(s)
	outside := t.TempDir()
	writeFile(t, outside+"/victim.gpg", "precious")
	os.Symlink(outside, dir+"/outdir")                      // directory link out
	os.Symlink(outside+"/victim.gpg", dir+"/outfile.gpg")   // entry link out
	os.Symlink(outside+"/new.gpg", dir+"/outdangling.gpg")  // dangling entry link out
	os.Symlink("../../"+filepath.Base(outside), dir+"/rel") // relative link out (may not resolve)
	os.Symlink(outside, dir+"/nested")
	os.MkdirAll(dir+"/real/sub", 0o700)
	os.Symlink("real", dir+"/inlink")                       // directory link in
	writeFile(t, dir+"/real/target.gpg", "old")             //
	os.Chmod(dir+"/real/target.gpg", 0o640)                 //
	os.Symlink("real/target.gpg", dir+"/inentry.gpg")       // entry link in
	os.Symlink("real/sub/fresh.gpg", dir+"/indangling.gpg") // dangling link in

	for _, name := range []string{"outdir/victim", "outdir/x/y", "outfile", "outdangling", "nested/victim"} {
		created, err := s.Write(ctx, name, []byte("evil"), &fakeCrypt{})
		var ee *EscapeError
		if !errors.As(err, &ee) || !errors.Is(err, ErrOutsideStore) || created != nil {
			t.Errorf("Write(%q) = %q, %v; want *EscapeError", name, created, err)
		}
	}
	if b, _ := os.ReadFile(outside + "/victim.gpg"); string(b) != "precious" {
		t.Error("file outside the store was overwritten")
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 1 {
		t.Errorf("something was created outside the store: %v", ents)
	}

	if _, err := s.Write(ctx, "inlink/sub/a", []byte("a"), &fakeCrypt{}); err != nil {
		t.Errorf("directory link inside the store: %v", err)
	}
	if !s.Exists("real/sub/a") {
		t.Error("write through an inside directory link did not land at the target")
	}
	if _, err := s.Write(ctx, "inentry", []byte("new"), &fakeCrypt{}); err != nil {
		t.Fatalf("entry link inside the store: %v", err)
	}
	if fi, err := os.Lstat(dir + "/inentry.gpg"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Error("the symlink itself was replaced")
	}
	if pt, err := s.Read(ctx, "real/target", &fakeCrypt{}); err != nil || string(pt) != "new" {
		t.Errorf("target = %q, %v", pt, err)
	}
	if m := mode(t, dir+"/real/target.gpg"); m != 0o640 {
		t.Errorf("target mode %03o, want kept 0640", m)
	}
	if _, err := s.Write(ctx, "indangling", []byte("n"), &fakeCrypt{}); err != nil || !s.Exists("real/sub/fresh") {
		t.Errorf("dangling link inside: %v", err)
	}
	// PREFIX itself may be a symlink.
	link := filepath.Join(t.TempDir(), "storelink")
	os.Symlink(dir, link)
	ls := Open(Options{Dir: link, Umask: 0o77})
	variant(ls)
	if _, err := ls.Write(ctx, "via/link", []byte("x"), &fakeCrypt{}); err != nil || !s.Exists("via/link") {
		t.Errorf("PREFIX as a symlink: %v", err)
	}
	if left := tempFiles(t, dir); len(left) != 0 {
		t.Errorf("temp files left: %q", left)
	}
}

// forVariants runs a write test with O_TMPFILE (the Linux path), with
// named temporary files only (the portable path), and with O_TMPFILE whose
// linking fails (the copy fallback).
func forVariants(t *testing.T, f func(*testing.T, func(*Store))) {
	variants := []struct {
		name string
		set  func(*Store)
	}{
		{"tmpfile", func(*Store) {}},
		{"named", func(s *Store) { s.testNamedTemp = true }},
		{"copy", func(s *Store) { s.testNoLink = true }},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) { f(t, v.set) })
	}
}

func TestWriteCheckRecipientsFile(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t, 0o77)
	bad := errors.New("Signature for .gpg-id is invalid.")
	var seen []string
	s.o.CheckRecipientsFile = func(p string) error {
		seen = append(seen, p)
		return bad
	}
	created, err := s.Write(context.Background(), "n/x", []byte("x"), &fakeCrypt{})
	if !errors.Is(err, bad) || len(created) != 1 || !reflect.DeepEqual(seen, []string{dir + "/.gpg-id"}) { // n/x: dirname n, up to PREFIX
		t.Errorf("Write = %q, %v; checked %q", created, err, seen)
	}
	if s.Exists("n/x") {
		t.Error("written despite the failed check")
	}
	s.o.Keys = []string{"K"}
	seen = nil
	if _, err := s.Write(context.Background(), "n/x", []byte("x"), &fakeCrypt{}); err != nil || seen != nil {
		t.Errorf("with Keys: %v, checked %q", err, seen)
	}
}

func TestIsOurTemp(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"x.gpg.tmp.1.2.--":         true,
		"x.gpg.tmp.123.456.--":     true,
		"x.gpg.tmp.1.2.3.4.--":     false, // pass's reencrypt shape: not ours to remove
		"x.gpg.tmp.1.--":           false,
		"x.gpg.tmp.a.2.--":         false,
		"y.gpg.tmp.1.2.--":         false,
		"x.gpg.tmp.1.2.--.gpg":     false,
		"x.gpg":                    false,
		"xx.gpg.tmp.1.2.--":        false,
		"x.gpg.tmp..2.--":          false,
		"x.gpg.tmp.1.2.-":          false,
		"x.gpg.tmp.1.2.--\x00junk": false,
	} {
		if got := isOurTemp(name, "x.gpg"); got != want {
			t.Errorf("isOurTemp(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestWriteMkdirLinesLikeMkdir compares the created directories with what
// GNU mkdir -p -v prints for the same path (pass runs exactly that).
func TestWriteMkdirLinesLikeMkdir(t *testing.T) {
	t.Parallel()
	if v, _ := exec.Command("mkdir", "--version").Output(); !strings.Contains(string(v), "GNU coreutils") {
		t.Skip("the oracle is GNU mkdir's -v output (BSD mkdir prints another format)")
	}
	for _, tt := range []struct{ prefix, name string }{
		{"/store", "a/b/c"},
		{"/store/", "a/b/c"},
		{"//x//store", "a//b/c"},
		{"/new/parents/store", "a/c"},
		{"/store", "top"},
		{"/store", "a/./b/c"},
	} {
		base := t.TempDir()
		mkdirBase := t.TempDir()
		// The oracle.
		dirPart := "."
		if i := strings.LastIndexByte(tt.name, '/'); i >= 0 {
			dirPart = tt.name[:i]
		}
		cmd := exec.Command("mkdir", "-p", "-v", mkdirBase+tt.prefix+"/"+dirPart)
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				d := strings.TrimSuffix(strings.TrimPrefix(l, "mkdir: created directory '"), "'")
				want = append(want, strings.TrimPrefix(d, mkdirBase))
			}
		}
		// Ours.
		s := Open(Options{Dir: base + tt.prefix, Umask: 0o77, Keys: []string{"K"}})
		created, err := s.Write(context.Background(), tt.name, []byte("x"), &fakeCrypt{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range created {
			got = append(got, strings.TrimPrefix(d, base))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("PREFIX=%q NAME=%q: created %q, mkdir -p -v says %q", tt.prefix, tt.name, got, want)
		}
	}
}
