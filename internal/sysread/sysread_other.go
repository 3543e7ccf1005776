//go:build !unix

package sysread

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// File is a file opened for reading; outside Unix it is an *os.File. It
// is not safe for concurrent use. Close it.
type File struct {
	f    *os.File
	name string
	typ  fs.FileMode
	size int64
}

// Open opens name read-only. Outside Unix no open flag can be added: a
// non-zero flag is an error rather than silently dropped (O_NOFOLLOW,
// say, would otherwise not hold).
func Open(name string, flag int) (*File, error) {
	if flag != 0 {
		return nil, &os.PathError{Op: "open", Path: name, Err: errors.ErrUnsupported}
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{f: f, name: name, typ: fi.Mode().Type(), size: fi.Size()}, nil
}

// Read reads up to len(p) bytes; io.EOF at the end.
func (f *File) Read(p []byte) (int, error) { return f.f.Read(p) }

// ReadAll reads the rest of the file; see the Unix version.
func (f *File) ReadAll(max int64) ([]byte, error) {
	switch {
	case f.typ == 0, f.typ == fs.ModeDir, f.typ&fs.ModeCharDevice != 0:
	default:
		return nil, &os.PathError{Op: "read", Path: f.name, Err: ErrNotRegular}
	}
	if max >= 0 && f.size > max {
		return nil, &os.PathError{Op: "read", Path: f.name, Err: ErrTooLarge}
	}
	var r io.Reader = f.f
	if max >= 0 {
		r = io.LimitReader(f.f, max+1)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if max >= 0 && int64(len(b)) > max {
		return nil, &os.PathError{Op: "read", Path: f.name, Err: ErrTooLarge}
	}
	return b, nil
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }
