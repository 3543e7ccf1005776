//go:build !linux

package passstore

import (
	"errors"
	"io/fs"
	"os"
)

func openAnon(dir string, mode fs.FileMode) (*os.File, error) { return nil, errors.ErrUnsupported }

func linkAnon(f *os.File, path string) error { return errors.ErrUnsupported }
