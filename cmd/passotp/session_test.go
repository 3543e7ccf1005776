package main

import "syscall"

// newSession starts a child without a controlling terminal (setsid), so
// opening /dev/tty fails as it does under cron or a GUI launcher.
func newSession() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
