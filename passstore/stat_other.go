//go:build !linux && !darwin

package passstore

import (
	"syscall"
	"time"
)

// statCtime is unknown here; git then re-reads the file once, which is
// only slower.
func statCtime(st *syscall.Stat_t) time.Time { return time.Time{} }
