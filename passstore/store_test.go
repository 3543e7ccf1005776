package passstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var checkNameTests = []struct {
	name   string
	sneaky bool
}{
	{"..", true},
	{"../x", true},
	{"../", true},
	{"x/..", true},
	{"a/../b", true},
	{"a/b/../../c", true},
	{"x/../", true},
	{"...", false},
	{"..x", false},
	{"x..", false},
	{"a/..b", false},
	{"a/b..", false},
	{"a/.../b", false},
	{".", false},
	{"./x", false},
	{"", false},
	{"arn:aws:iam::123456789012:mfa/alice", false},
	{"ACME Co/john.doe@email.com", false},
	{"x/..y/z", false},
	{"/..", true},
	{"//..//", true},
}

func TestCheckName(t *testing.T) {
	t.Parallel()
	for _, tt := range checkNameTests {
		err := CheckName(tt.name)
		if got := errors.Is(err, ErrSneaky); got != tt.sneaky {
			t.Errorf("CheckName(%q) = %v, want sneaky=%v", tt.name, err, tt.sneaky)
		}
	}
}

// sneakyRef is pass's check_sneaky_paths, written the way bash does it.
func sneakyRef(p string) bool {
	return strings.HasSuffix(p, "/..") || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") || p == ".."
}

func FuzzCheckName(f *testing.F) {
	for _, tt := range checkNameTests {
		f.Add(tt.name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := CheckName(name)
		if (err != nil) != sneakyRef(name) {
			t.Fatalf("CheckName(%q) = %v, pass says sneaky=%v", name, err, sneakyRef(name))
		}
		if err != nil && !errors.Is(err, ErrSneaky) {
			t.Fatalf("CheckName(%q) = %v, not ErrSneaky", name, err)
		}
		// A name that passes never climbs above PREFIX.
		if err == nil {
			clean := filepath.Clean("/store/" + name)
			if clean != "/store" && !strings.HasPrefix(clean, "/store/") {
				t.Fatalf("CheckName(%q) accepted a path leaving the store: %s", name, clean)
			}
		}
	})
}

var gpgIDTests = []struct {
	name string
	in   string
	want []string
}{
	{"one", "ABCDEF\n", []string{"ABCDEF"}},
	{"no final newline", "A\nB", []string{"A", "B"}},
	{"comments and blanks", "# team\nA # alice\n\n   \nB#bob\n#C\n", []string{"A", "B"}},
	{"trim", "  A  \n\tB\t\n", []string{"A", "B"}},
	{"crlf", "A\r\nB\r\n", []string{"A", "B"}},
	{"mailbox", "<a@b.c>\nuser@example.com\n", []string{"<a@b.c>", "user@example.com"}},
	{"gopass long id", "0x4DE0461C409E5236\n", []string{"0x4DE0461C409E5236"}},
	{"empty", "", nil},
	{"only comments", "# nothing\n\n", nil},
	{"inner space kept", "Test RSA <rsa@x>\n", []string{"Test RSA <rsa@x>"}},
}

func TestParseGPGID(t *testing.T) {
	t.Parallel()
	for _, tt := range gpgIDTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseGPGID([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseGPGID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzGPGID(f *testing.F) {
	for _, tt := range gpgIDTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ids := ParseGPGID(b)
		for _, id := range ids {
			if id == "" || strings.ContainsAny(id, "#\n") || strings.Trim(id, " \t\r\v\f") != id {
				t.Fatalf("ParseGPGID(%q) gave bad line %q", b, id)
			}
		}
		// Idempotent: the lines, written back, parse to themselves.
		again := ParseGPGID([]byte(strings.Join(ids, "\n")))
		if len(ids) > 0 && !reflect.DeepEqual(again, ids) {
			t.Fatalf("ParseGPGID not stable: %q -> %q", ids, again)
		}
	})
}

func TestRecipients(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t, 0o77)
	writeFile(t, dir+"/team/.gpg-id", "TEAM1\nTEAM2") // last line without newline counts
	writeFile(t, dir+"/team/sub/x.gpg", "")
	os.MkdirAll(dir+"/dirgpgid/.gpg-id", 0o700) // a directory named .gpg-id does not count
	tests := []struct {
		name, entry string
		want        []string
		file        string
	}{
		{"top", "x", []string{"KEY1"}, dir + "/./.gpg-id"}, // as pass prints it
		{"nested", "team/sub/deeper/x", []string{"TEAM1", "TEAM2"}, dir + "/team/.gpg-id"},
		{"own dir", "team/x", []string{"TEAM1", "TEAM2"}, dir + "/team/.gpg-id"},
		{"missing dirs", "a/b/c/d", []string{"KEY1"}, dir + "/.gpg-id"},
		{"dir named .gpg-id", "dirgpgid/x", []string{"KEY1"}, dir + "/.gpg-id"},
		{"entry named like a dir with .gpg-id", "team", []string{"KEY1"}, dir + "/./.gpg-id"},
		{"double slash", "team//x", []string{"TEAM1", "TEAM2"}, dir + "/team/.gpg-id"},
	}
	for _, tt := range tests {
		ids, file, err := s.Recipients(tt.entry)
		if err != nil || !reflect.DeepEqual(ids, tt.want) || file != tt.file {
			t.Errorf("%s: Recipients(%q) = %q, %q, %v; want %q, %q", tt.name, tt.entry, ids, file, err, tt.want, tt.file)
		}
	}

	k := Open(Options{Dir: dir, Keys: []string{"K1", "", "K2"}})
	if ids, file, err := k.Recipients("team/x"); err != nil || !reflect.DeepEqual(ids, []string{"K1", "K2"}) || file != "" {
		t.Errorf("Keys override: %q %q %v", ids, file, err)
	}
	empty := Open(Options{Dir: dir, Keys: []string{}})
	if ids, _, err := empty.Recipients("x"); err != nil || !reflect.DeepEqual(ids, []string{"KEY1"}) {
		t.Errorf("empty Keys: %q %v", ids, err)
	}

	none := Open(Options{Dir: t.TempDir()})
	if _, _, err := none.Recipients("a/b"); !errors.Is(err, ErrNoGPGID) {
		t.Errorf("no .gpg-id: %v, want ErrNoGPGID", err)
	}
	// Never above PREFIX.
	parent := t.TempDir()
	writeFile(t, parent+"/.gpg-id", "OUTSIDE\n")
	os.Mkdir(parent+"/store", 0o700)
	below := Open(Options{Dir: parent + "/store"})
	if ids, _, err := below.Recipients("a/x"); !errors.Is(err, ErrNoGPGID) {
		t.Errorf("lookup went above PREFIX: %q %v", ids, err)
	}
}

func TestRecipientsAge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir+"/.gpg-id", "GPGKEY\n")
	writeFile(t, dir+"/sub/.age-recipients", "age1xyz\n# c\n")
	s := Open(Options{Dir: dir, Ext: ".age", RecipientsFile: ".age-recipients"})
	if ids, file, err := s.Recipients("sub/x"); err != nil || !reflect.DeepEqual(ids, []string{"age1xyz"}) || file != dir+"/sub/.age-recipients" {
		t.Errorf("age: %q %q %v", ids, file, err)
	}
	if _, _, err := s.Recipients("x"); !errors.Is(err, ErrNoGPGID) {
		t.Errorf("age top: %v, want ErrNoGPGID", err)
	}
	if got := s.Path("a/b"); got != dir+"/a/b.age" {
		t.Errorf("Path = %q", got)
	}
}

func TestPathExistsRead(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t, 0o77)
	fc := &fakeCrypt{}
	ctx := context.Background()
	if _, err := s.Write(ctx, "arn:aws:iam::123456789012:mfa/alice", []byte("otpauth://totp/x?secret=A\n"), fc); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Path("arn:aws:iam::123456789012:mfa/alice"), dir+"/arn:aws:iam::123456789012:mfa/alice.gpg"; got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	verbatim := Open(Options{Dir: "/x//y/"})
	if got := verbatim.Path("a"); got != "/x//y//a.gpg" {
		t.Errorf("Path not verbatim: %q", got)
	}
	writeFile(t, dir+"/aws/x.gpg", "")
	if err := os.Mkdir(dir+"/dir.gpg", 0o700); err != nil {
		t.Fatal(err)
	}
	os.Symlink("arn:aws:iam::123456789012:mfa/alice.gpg", dir+"/link.gpg")
	os.Symlink("nowhere.gpg", dir+"/dangling.gpg")
	tests := []struct {
		name   string
		exists bool
	}{
		{"arn:aws:iam::123456789012:mfa/alice", true},
		{"aws/x", true},
		{"aws", false},
		{"dir", false},
		{"link", true},
		{"dangling", false},
		{"missing", false},
		{"aws/x/y", false},
	}
	for _, tt := range tests {
		if got := s.Exists(tt.name); got != tt.exists {
			t.Errorf("Exists(%q) = %v, want %v", tt.name, got, tt.exists)
		}
		_, err := s.Read(ctx, tt.name, fc)
		if tt.exists != !errors.Is(err, ErrNotFound) {
			t.Errorf("Read(%q) = %v, want found=%v", tt.name, err, tt.exists)
		}
	}
	pt, err := s.Read(ctx, "link", fc)
	if err != nil || string(pt) != "otpauth://totp/x?secret=A\n" {
		t.Errorf("Read through symlink = %q, %v", pt, err)
	}
	if _, err := s.Read(ctx, "../x", fc); !errors.Is(err, ErrSneaky) {
		t.Errorf("Read sneaky = %v", err)
	}
	if _, err := s.Read(ctx, "aws/x", fc); !errors.Is(err, errBadCiphertext) {
		t.Errorf("Read of a bad entry = %v, want the decrypter's error", err)
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t, 0o77)
	for _, f := range []string{"a.gpg", "b/c.gpg", "b/d/e.gpg", ".git/x.gpg", ".extensions/otp.gpg", "b/.hidden.gpg",
		"notes.txt", "b/c.gpg.tmp.1.2.--", "x/.gpg-id", ".gpg"} {
		writeFile(t, dir+"/"+f, "")
	}
	os.Mkdir(dir+"/dir.gpg", 0o700)
	os.Symlink("b", dir+"/linkdir")
	os.Symlink(".", dir+"/b/loop")
	got, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "b/c", "b/d/e", "linkdir/c", "linkdir/d/e"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}
