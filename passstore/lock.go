package passstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockPoll is how often a blocked [Store.Lock] retries.
var lockPoll = 20 * time.Millisecond

// Lock takes an exclusive flock on PREFIX, opened read-only (no lock file
// is created in the store), waiting at most timeout (cmd uses 30 s) or
// until ctx ends. It returns ErrLocked after the timeout. unlock releases
// the lock; it is safe to call more than once. While PREFIX does not exist
// yet, its nearest existing ancestor is locked instead. The lock protects only
// against other processes that take it too (passotp), not against pass or
// gopass.
func (s *Store) Lock(ctx context.Context, timeout time.Duration) (unlock func(), err error) {
	dir := s.o.Dir
	// A store that does not exist yet (insert with PASSWORD_STORE_KEY
	// creates it) is locked through its nearest existing ancestor.
	for {
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		p := filepath.Dir(dir)
		if p == dir {
			break
		}
		dir = p
	}
	f, err := os.OpenFile(dir, os.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("lock store: %w", err)
	}
	deadline := time.Now().Add(timeout)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock store: %w", err)
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, ErrLocked
		}
		t := time.NewTimer(min(lockPoll, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, fmt.Errorf("lock store: %w", ctx.Err())
		case <-t.C:
		}
	}
	done := false
	return func() {
		if done {
			return
		}
		done = true
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
