package sysread

import (
	"errors"
	"io"
	"io/fs"
)

var (
	// ErrTooLarge is wrapped in the *os.PathError of a file that holds
	// more bytes than the caller's limit.
	ErrTooLarge = errors.New("file too large")
	// ErrNotRegular is wrapped in the *os.PathError of a FIFO, socket or
	// other special file that ReadAll refuses to read.
	ErrNotRegular = errors.New("not a regular file")
)

// ReadFile reads the whole file name, opened with [Open] (flag is added to
// O_RDONLY|O_CLOEXEC|O_NONBLOCK, for example syscall.O_NOFOLLOW), and
// closes it. A file larger than max bytes gives an error wrapping
// [ErrTooLarge]; max < 0 means no limit.
func ReadFile(name string, flag int, max int64) ([]byte, error) {
	f, err := Open(name, flag)
	if err != nil {
		return nil, err
	}
	b, err := f.ReadAll(max)
	if cerr := f.Close(); err == nil && cerr != nil {
		return nil, cerr
	}
	return b, err
}

var _ io.ReadCloser = (*File)(nil)

// Mode returns the file's type bits as an fs.FileMode (fs.ModeDir,
// fs.ModeNamedPipe, ...; 0 for a regular file), without permissions.
func (f *File) Mode() fs.FileMode { return f.typ }

// Regular reports whether the file is a regular file.
func (f *File) Regular() bool { return f.typ == 0 }

// Size returns the size fstat reported when the file was opened.
func (f *File) Size() int64 { return f.size }

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }
