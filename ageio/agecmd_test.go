package ageio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

// writeScript writes an executable /bin/sh script named name into dir.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFindAge: the age binary is looked up only on Options.Env's PATH
// (none means not found, whatever the process's PATH holds), and an empty
// PATH element is the current directory, as in gpgio and cmd.
func TestFindAge(t *testing.T) {
	bin := t.TempDir()
	writeScript(t, bin, "age", "exit 0\n")
	writeScript(t, bin, "rage", "exit 0\n")
	if err := os.WriteFile(filepath.Join(bin, "noexec"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cwd := t.TempDir()
	writeScript(t, cwd, "age", "exit 0\n")
	t.Chdir(cwd) // not parallel: the empty PATH element is the working directory
	// The process's PATH holds an age: it must never be used.
	t.Setenv("PATH", bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
	empty := t.TempDir()

	tests := []struct {
		name string
		mode Mode
		env  []string
		want string // "" means *NeedAgeError
	}{
		{"no PATH", Passage, []string{"HOME=/nonexistent"}, ""},
		{"no env", Passage, nil, ""},
		{"empty PATH", Passage, []string{"PATH="}, ""},
		{"PATH without age", Passage, []string{"PATH=" + empty}, ""},
		{"PATH with age", Passage, []string{"PATH=" + empty + ":" + bin}, bin + "/age"},
		{"empty element first", Passage, []string{"PATH=:" + bin}, "./age"},
		{"empty element last", Passage, []string{"PATH=" + empty + ":"}, "./age"},
		{"empty element in the middle", Passage, []string{"PATH=" + empty + "::" + bin}, "./age"},
		{"directory before empty element", Passage, []string{"PATH=" + bin + "::"}, bin + "/age"},
		{"PASSAGE_AGE name", Passage, []string{"PASSAGE_AGE=rage", "PATH=" + bin}, bin + "/rage"},
		{"PASSAGE_AGE name, no PATH", Passage, []string{"PASSAGE_AGE=rage"}, ""},
		{"PASSAGE_AGE path, no PATH", Passage, []string{"PASSAGE_AGE=" + bin + "/rage"}, bin + "/rage"},
		{"PASSAGE_AGE not executable", Passage, []string{"PASSAGE_AGE=noexec", "PATH=" + bin}, ""},
		{"gopass ignores PASSAGE_AGE", Gopass, []string{"PASSAGE_AGE=rage", "PATH=" + bin}, bin + "/age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{opts: Options{Mode: tt.mode, Env: tt.env}}
			got, err := c.findAge("id_test")
			if tt.want == "" {
				var ne *NeedAgeError
				if !errors.As(err, &ne) || !errors.Is(err, ErrNeedAgeBinary) {
					t.Fatalf("findAge = (%q, %v), want a *NeedAgeError", got, err)
				}
				if ne.Key != "id_test" {
					t.Errorf("NeedAgeError.Key = %q, want id_test", ne.Key)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("findAge = (%q, %v), want %q", got, err, tt.want)
			}
		})
	}
}

// TestLookPath pins the PATH splitting rule shared with gpgio and cmd.
func TestLookPath(t *testing.T) {
	t.Parallel()
	a, b := t.TempDir(), t.TempDir()
	writeScript(t, b, "prog", "exit 0\n")
	if err := os.Mkdir(filepath.Join(a, "prog"), 0o755); err != nil { // a directory is not a program
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"empty", "", ""},
		{"second", a + ":" + b, b + "/prog"},
		{"directory skipped", a, ""},
		{"missing dir", "/nonexistent:" + b, b + "/prog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lookPath("prog", tt.path)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("lookPath = %q, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("lookPath = (%q, %v), want %q", got, err, tt.want)
			}
		})
	}
}

// TestAgeWriterCloseAgain: when age fails, every Close (and a Write after
// it) reports that failure, also after Write closed the writer itself on
// a broken pipe.
func TestAgeWriterCloseAgain(t *testing.T) {
	t.Parallel()
	bin := t.TempDir()
	// A stand-in age that fails without reading its stdin.
	writeScript(t, bin, "age", "echo 'age: error: stand-in failure' >&2\nexit 3\n")
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{opts: Options{Env: []string{"PATH=" + bin}}}
	checkAgeError := func(t *testing.T, what string, err error) {
		t.Helper()
		var ae *AgeError
		if !errors.As(err, &ae) || ae.ExitCode != 3 || !strings.Contains(ae.Error(), "stand-in failure") {
			t.Fatalf("%s = %v, want the stand-in's *AgeError", what, err)
		}
	}
	t.Run("close twice", func(t *testing.T) {
		w, err := c.encryptWithAge(context.Background(), io.Discard, []age.Recipient{id.Recipient()}, "id_test")
		if err != nil {
			t.Fatal(err)
		}
		checkAgeError(t, "first Close", w.Close())
		checkAgeError(t, "second Close", w.Close())
		_, err = w.Write([]byte("x"))
		checkAgeError(t, "Write after Close", err)
	})
	t.Run("write closes on a broken pipe", func(t *testing.T) {
		w, err := c.encryptWithAge(context.Background(), io.Discard, []age.Recipient{id.Recipient()}, "id_test")
		if err != nil {
			t.Fatal(err)
		}
		chunk := make([]byte, 64<<10)
		var werr error
		// The pipe holds 64 KiB on Linux: age's exit breaks it well
		// before 1024 writes.
		for i := 0; i < 1024 && werr == nil; i++ {
			_, werr = w.Write(chunk)
		}
		checkAgeError(t, "Write", werr)
		checkAgeError(t, "Close after the failed Write", w.Close())
		checkAgeError(t, "Close again", w.Close())
	})
	t.Run("success", func(t *testing.T) {
		ok := t.TempDir()
		writeScript(t, ok, "age", "cat >/dev/null\n")
		c := &Client{opts: Options{Env: []string{"PATH=" + ok + ":" + os.Getenv("PATH")}}}
		w, err := c.encryptWithAge(context.Background(), io.Discard, []age.Recipient{id.Recipient()}, "id_test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("plain")); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("second Close = %v, want nil", err)
		}
		if _, err := w.Write([]byte("x")); err == nil {
			t.Fatal("Write after Close succeeded")
		}
	})
}

// TestLimitedBuffer: the buffer refuses what exceeds its limit and
// remembers it, and growing leaves no copy behind.
func TestLimitedBuffer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		size     int
		writes   []string
		want     string
		over     bool
		oldClear bool // the first array was replaced and must be zero
	}{
		{"fits", 8, []string{"abc", "defgh"}, "abcdefgh", false, false},
		{"grows", 2, []string{"ab", "cdef"}, "abcdef", false, true},
		{"grows from zero", 0, []string{"abc"}, "abc", false, false},
		{"at the limit", 4, []string{"abcdefghij"}, "abcdefghij", false, false},
		{"over the limit", 4, []string{"abcdefghij", "k"}, "abcdefghij", true, true},
		{"over in one write", 4, []string{"abcdefghijk"}, "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newLimitedBuffer(tt.size, 10)
			first := b.buf[:cap(b.buf)]
			var err error
			for _, w := range tt.writes {
				if _, err = b.Write([]byte(w)); err != nil {
					break
				}
			}
			if got := string(b.Bytes()); got != tt.want {
				t.Errorf("Bytes = %q, want %q", got, tt.want)
			}
			if b.over != tt.over || errors.Is(err, errTooLarge) != tt.over {
				t.Errorf("over = %v, err = %v, want over %v", b.over, err, tt.over)
			}
			if cap(b.buf) > 10 {
				t.Errorf("cap = %d, over the limit 10", cap(b.buf))
			}
			if tt.oldClear {
				if &first[0] == &b.buf[:1][0] {
					t.Fatal("the buffer did not grow")
				}
				if !bytes.Equal(first, make([]byte, len(first))) {
					t.Errorf("the replaced array still holds %q", first)
				}
			}
			b.wipe()
			if all := b.buf[:cap(b.buf)]; !bytes.Equal(all, make([]byte, len(all))) || len(b.Bytes()) != 0 {
				t.Errorf("wipe left %q", all)
			}
		})
	}
}

// TestDecryptWithAgeOutput: age's plaintext lands in a buffer sized by the
// ciphertext, and output beyond maxPlaintext is "entry too large" (not an
// AgeError about the pipe age then writes to in vain).
func TestDecryptWithAgeOutput(t *testing.T) {
	t.Parallel()
	ids := []*SSHIdentity{{File: "/nonexistent/id_test", Type: "ssh-ed25519"}}
	tests := []struct {
		name    string
		script  string
		want    string
		tooBig  bool
		wantAge int // exit code of an expected *AgeError
	}{
		{"plaintext", "cat >/dev/null\nprintf 'otpauth://totp/x'\n", "otpauth://totp/x", false, 0},
		{"too large, age killed by the pipe", "exec head -c 67108865 /dev/zero\n", "", true, 0},
		{"too large, age ignores the pipe", "trap '' PIPE\nhead -c 67108865 /dev/zero\nexit 1\n", "", true, 0},
		{"failure", "echo 'age: error: no identity matched any of the recipients' >&2\nexit 1\n", "", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bin := t.TempDir()
			writeScript(t, bin, "age", tt.script)
			c := &Client{opts: Options{Env: []string{"PATH=" + bin + ":" + os.Getenv("PATH")}}}
			ct := bytes.Repeat([]byte{'c'}, 100)
			got, err := c.decryptWithAge(context.Background(), ct, ids)
			switch {
			case tt.tooBig:
				var ae *AgeError
				if !errors.Is(err, errTooLarge) || errors.As(err, &ae) || err.Error() != "age decrypt: entry too large" {
					t.Fatalf("decryptWithAge = %v, want age decrypt: entry too large", err)
				}
			case tt.wantAge != 0:
				var ae *AgeError
				if !errors.As(err, &ae) || ae.ExitCode != tt.wantAge {
					t.Fatalf("decryptWithAge = %v, want an *AgeError with exit code %d", err, tt.wantAge)
				}
			default:
				if err != nil || string(got) != tt.want {
					t.Fatalf("decryptWithAge = (%q, %v), want %q", got, err, tt.want)
				}
				if cap(got) != len(ct) {
					t.Errorf("plaintext buffer cap = %d, want the ciphertext length %d", cap(got), len(ct))
				}
			}
		})
	}
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestDecryptCiphertextTooLarge: Decrypt stops reading past maxCiphertext
// and says the entry is too large.
func TestDecryptCiphertextTooLarge(t *testing.T) {
	t.Parallel()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "identities")
	if err := os.WriteFile(file, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Open(Options{IdentitiesFiles: []string{file}})
	if err != nil {
		t.Fatal(err)
	}
	r := &countingReader{r: zeros{}}
	_, err = c.Decrypt(context.Background(), io.LimitReader(r, 2*maxCiphertext))
	if !errors.Is(err, errTooLarge) || err.Error() != "age decrypt: entry too large" {
		t.Fatalf("Decrypt = %v, want age decrypt: entry too large", err)
	}
	if r.n > maxCiphertext+64<<10 {
		t.Errorf("Decrypt read %d bytes, want no more than about maxCiphertext (%d)", r.n, maxCiphertext)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
