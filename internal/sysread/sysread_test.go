package sysread_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/sysread"
)

// readFileOS is what the callers did before: os.Open (with flag) and
// read to the end.
func readFileOS(name string, flag int) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|flag, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	small := write("small", []byte("hello\n"))
	empty := write("empty", nil)
	big := write("big", bytes.Repeat([]byte("0123456789abcdef"), 4096)) // 64 KiB
	link := filepath.Join(dir, "link")
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		flag    int
		max     int64
		want    []byte
		wantErr error  // errors.Is target; nil means success
		sameAs  bool   // the error text equals os's
		op      string // the PathError's Op
	}{
		{name: "regular", path: small, max: -1, want: []byte("hello\n")},
		{name: "regular at the limit", path: small, max: 6, want: []byte("hello\n")},
		{name: "regular over the limit", path: small, max: 5, wantErr: sysread.ErrTooLarge, op: "read"},
		{name: "limit zero, empty file", path: empty, max: 0, want: []byte{}},
		{name: "empty", path: empty, max: -1, want: []byte{}},
		{name: "larger than one read", path: big, max: 1 << 20, want: bytes.Repeat([]byte("0123456789abcdef"), 4096)},
		{name: "missing", path: filepath.Join(dir, "nope"), max: -1, wantErr: fs.ErrNotExist, sameAs: true, op: "open"},
		{name: "missing parent", path: filepath.Join(small, "x"), max: -1, wantErr: syscall.ENOTDIR, sameAs: true, op: "open"},
		{name: "directory", path: sub, max: -1, wantErr: syscall.EISDIR, sameAs: true, op: "read"},
		{name: "symlink followed", path: link, max: -1, want: []byte("hello\n")},
		{name: "symlink refused with O_NOFOLLOW", path: link, flag: syscall.O_NOFOLLOW, max: -1, wantErr: syscall.ELOOP, sameAs: true, op: "open"},
		{name: "regular with O_NOFOLLOW", path: small, flag: syscall.O_NOFOLLOW, max: -1, want: []byte("hello\n")},
		{name: "char device", path: "/dev/null", max: 10, want: []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sysread.ReadFile(tt.path, tt.flag, tt.max)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("ReadFile: %v", err)
				}
				if !bytes.Equal(got, tt.want) {
					t.Fatalf("ReadFile = %q, want %q", got, tt.want)
				}
				osGot, err := readFileOS(tt.path, tt.flag)
				if err != nil || !bytes.Equal(osGot, got) {
					t.Fatalf("os reads %q, %v; sysread %q", osGot, err, got)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || got != nil {
				t.Fatalf("ReadFile = %q, %v; want nil, %v", got, err, tt.wantErr)
			}
			var pe *os.PathError
			if !errors.As(err, &pe) || pe.Op != tt.op || pe.Path != tt.path {
				t.Fatalf("error %#v: want *os.PathError{Op: %q, Path: %q}", err, tt.op, tt.path)
			}
			if tt.sameAs {
				_, osErr := readFileOS(tt.path, tt.flag)
				if osErr == nil || osErr.Error() != err.Error() {
					t.Fatalf("error %q, os says %v", err, osErr)
				}
			}
		})
	}
}

// TestFIFO: open(2) of a FIFO without a writer must not block, and
// ReadAll refuses it. A hang fails through the generous timeout.
func TestFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := sysread.Open(p, 0)
		if err != nil {
			done <- err
			return
		}
		defer f.Close()
		if f.Regular() || f.Mode()&fs.ModeNamedPipe == 0 {
			done <- errors.New("a FIFO reported as not a named pipe")
			return
		}
		_, err = f.ReadAll(-1)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, sysread.ErrNotRegular) {
			t.Fatalf("ReadAll of a FIFO: %v, want ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
}

func TestFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("abcdef"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := sysread.Open(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Regular() || f.Size() != 6 || f.Name() != p {
		t.Fatalf("Regular %v Size %d Name %q", f.Regular(), f.Size(), f.Name())
	}
	buf := make([]byte, 4)
	if n, err := f.Read(buf); n != 4 || err != nil || string(buf) != "abcd" {
		t.Fatalf("Read = %d, %v, %q", n, err, buf[:n])
	}
	rest, err := io.ReadAll(f) // io.Reader use, as Store.Read hands it to Decrypt
	if err != nil || string(rest) != "ef" {
		t.Fatalf("rest = %q, %v", rest, err)
	}
	if n, err := f.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read at EOF = %d, %v", n, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("second Close: %v, want os.ErrClosed", err)
	}
	if runtime.GOOS == "linux" {
		d, err := sysread.Open("/dev/null", 0)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if d.Regular() || d.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("/dev/null mode %v", d.Mode())
		}
	}
}

// TestGrowingBeyondFstat: a file that grows between fstat and read is read
// to its end, and the limit still holds.
func TestGrowingBeyondFstat(t *testing.T) {
	p := filepath.Join(t.TempDir(), "g")
	if err := os.WriteFile(p, []byte("ab"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := sysread.Open(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.WriteFile(p, []byte("abcdefghij"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := f.ReadAll(-1)
	if err != nil || string(b) != "abcdefghij" {
		t.Fatalf("ReadAll = %q, %v", b, err)
	}
	f2, err := sysread.Open(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), 100), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f2.ReadAll(50); !errors.Is(err, sysread.ErrTooLarge) {
		t.Fatalf("grown past the limit: %v, want ErrTooLarge", err)
	}
}

func BenchmarkReadFile(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f")
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), 3834), 0o600); err != nil {
		b.Fatal(err)
	}
	b.Run("sysread", func(b *testing.B) {
		for b.Loop() {
			if _, err := sysread.ReadFile(p, 0, 1<<20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("os", func(b *testing.B) {
		for b.Loop() {
			if _, err := os.ReadFile(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
