// Package sysread owns reading small files on the hot path of `passotp
// NAME` (the entry PREFIX/NAME.gpg, GnuPG's common.conf and gpg.conf,
// pubring.kbx, the key file in private-keys-v1.d) with plain system calls:
// open(2) with O_RDONLY|O_CLOEXEC|O_NONBLOCK (plus the caller's flags, such
// as O_NOFOLLOW), fstat(2), read(2) retried on EINTR, close(2).
//
// # Why
//
// os.Open registers every file with the runtime's network poller, and the
// first registration initialises it: epoll_create1, eventfd2 and two
// epoll_ctl (the second fails with EPERM for a regular file), then four
// fcntl per file to switch O_NONBLOCK on and off again. On `passotp
// cv/bench` (issue 3) perf put syscalls at 17% of main.main and
// internal/poll.runtime_pollServerInit alone at 4%. With this package
// `passotp cv/bench` (unprotected cv25519 key; it reads the entry,
// common.conf and gpg.conf (both missing), pubring.kbx and the key file)
// makes no epoll_create1, eventfd2, epoll_ctl or epoll_pwait at all, and
// 6 fcntl instead of 18 (strace -f -c: 19 fewer system calls of its own
// per run); each file costs open, fstat, read until EOF and close.
//
// # Behaviour kept from package os
//
// Errors are *os.PathError (Op "open", "stat", "read" or "close") wrapping
// the syscall.Errno, so errors.Is(err, fs.ErrNotExist) and the messages
// are those of os.Open and os.ReadFile. O_NONBLOCK means a FIFO never
// blocks open(2); [File.ReadAll] and [ReadFile] refuse FIFOs and sockets
// with [ErrNotRegular] instead of reading them. A directory gives
// "read NAME: is a directory" as with os.ReadFile. Size limits are the
// caller's: [ErrTooLarge] says the file holds more than the limit.
//
// It never writes, and it is no general replacement for package os: files
// that are written, locked or read in a stream that may block (terminals,
// pipes) still go through os.
package sysread
