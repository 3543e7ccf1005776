//go:build unix

package sysread

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// File is a file opened for reading with plain system calls. It is not
// safe for concurrent use. Close it.
type File struct {
	fd   int
	name string
	typ  fs.FileMode
	size int64
}

// Open opens name read-only with O_RDONLY|O_CLOEXEC|O_NONBLOCK|flag and
// fstats it. Errors are those of os.Open (*os.PathError with Op "open")
// or, for fstat, Op "stat". O_NONBLOCK keeps open(2) of a FIFO from
// blocking and has no effect on reading a regular file.
func Open(name string, flag int) (*File, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK|flag, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	var st syscall.Stat_t
	for {
		err = syscall.Fstat(fd, &st)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		syscall.Close(fd)
		return nil, &os.PathError{Op: "stat", Path: name, Err: err}
	}
	f := &File{fd: fd, name: name, size: st.Size}
	switch uint32(st.Mode) & syscall.S_IFMT {
	case syscall.S_IFREG:
	case syscall.S_IFDIR:
		f.typ = fs.ModeDir
	case syscall.S_IFIFO:
		f.typ = fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		f.typ = fs.ModeSocket
	case syscall.S_IFCHR:
		f.typ = fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		f.typ = fs.ModeDevice
	case syscall.S_IFLNK:
		f.typ = fs.ModeSymlink
	default:
		f.typ = fs.ModeIrregular
	}
	return f, nil
}

// Read reads up to len(p) bytes, retrying on EINTR, and returns io.EOF at
// the end of the file, as (*os.File).Read does. Read errors are
// *os.PathError with Op "read".
func (f *File) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := syscall.Read(f.fd, p)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, &os.PathError{Op: "read", Path: f.name, Err: err}
		}
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

// ReadAll reads the rest of the file. Regular files, directories (which
// give "is a directory" as os.ReadFile does) and character devices are
// read; FIFOs, sockets and other special files give an error wrapping
// [ErrNotRegular] without reading. More than max bytes (max >= 0) give an
// error wrapping [ErrTooLarge].
func (f *File) ReadAll(max int64) ([]byte, error) {
	switch {
	case f.typ == 0, f.typ == fs.ModeDir:
	case f.typ&fs.ModeCharDevice != 0:
		// Blocking reads, as os would do them (a terminal must wait).
		if err := setBlocking(f.fd); err != nil {
			return nil, &os.PathError{Op: "read", Path: f.name, Err: err}
		}
	default:
		return nil, &os.PathError{Op: "read", Path: f.name, Err: ErrNotRegular}
	}
	if max >= 0 && f.size > max {
		return nil, &os.PathError{Op: "read", Path: f.name, Err: ErrTooLarge}
	}
	// One byte more than the size fstat gave, so that a file that has
	// not grown ends with a read of 0 bytes into a buffer not yet full.
	n := f.size + 1
	if n < 512 && f.typ != 0 {
		n = 512
	}
	if max >= 0 && n > max+1 {
		n = max + 1
	}
	b := make([]byte, 0, n)
	for {
		if len(b) == cap(b) {
			if max >= 0 && int64(len(b)) > max {
				return nil, &os.PathError{Op: "read", Path: f.name, Err: ErrTooLarge}
			}
			b = append(b, 0)[:len(b)] // grow
		}
		m, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			if max >= 0 && int64(len(b)) > max {
				return nil, &os.PathError{Op: "read", Path: f.name, Err: ErrTooLarge}
			}
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Close closes the file; errors are *os.PathError with Op "close".
func (f *File) Close() error {
	if f.fd < 0 {
		return &os.PathError{Op: "close", Path: f.name, Err: os.ErrClosed}
	}
	fd := f.fd
	f.fd = -1
	if err := syscall.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: f.name, Err: err}
	}
	return nil
}

func setBlocking(fd int) error {
	return syscall.SetNonblock(fd, false)
}
