package passstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestLock(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, 0o77)
	ctx := context.Background()
	unlock, err := s.Lock(ctx, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file, so a second Lock in the same
	// process contends like another process would.
	if _, err := s.Lock(ctx, 50*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Errorf("second Lock = %v, want ErrLocked", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Lock(cctx, time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("Lock with a cancelled context = %v", err)
	}
	// Released while a waiter waits: the waiter gets it.
	got := make(chan error, 1)
	go func() {
		u, err := s.Lock(ctx, time.Minute) // generous: fails only on a hang
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(30 * time.Millisecond)
	unlock()
	unlock() // idempotent
	if err := <-got; err != nil {
		t.Errorf("waiter: %v", err)
	}
	// A store that does not exist yet: its parent is locked.
	parent := t.TempDir()
	u, err := Open(Options{Dir: parent + "/missing/store"}).Lock(ctx, time.Second)
	if err != nil {
		t.Fatalf("Lock on a missing store: %v", err)
	}
	if _, err := Open(Options{Dir: parent}).Lock(ctx, 50*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Errorf("the parent was not locked: %v", err)
	}
	u()
}

// TestLockedIncrements runs 20 read-increment-write-commit cycles at once
// under the store lock: every value is handed out once, and git has one
// commit per cycle.
func TestLockedIncrements(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	ctx := context.Background()
	writeCommit(t, s, "hotp", "counter=0\n", "Add OTP secret for hotp to store.")
	const n = 20
	got := make(chan int, n)
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			// Each goroutine opens its own Store, as separate processes would.
			s := Open(Options{Dir: dir, Umask: 0o77, Env: env})
			unlock, err := s.Lock(ctx, time.Minute)
			if err != nil {
				errs <- err
				return
			}
			defer unlock()
			pt, err := s.Read(ctx, "hotp", &fakeCrypt{})
			if err != nil {
				errs <- err
				return
			}
			var c int
			fmt.Sscanf(string(pt), "counter=%d", &c)
			c++
			if _, err := s.Write(ctx, "hotp", []byte(fmt.Sprintf("counter=%d\n", c)), &fakeCrypt{}); err != nil {
				errs <- err
				return
			}
			if err := s.Commit("hotp", "Increment HOTP counter for hotp."); err != nil {
				errs <- err
				return
			}
			got <- c
		}()
	}
	seen := map[int]bool{}
	for i := 0; i < n; i++ {
		select {
		case err := <-errs:
			t.Fatal(err)
		case c := <-got:
			if seen[c] {
				t.Fatalf("counter %d handed out twice", c)
			}
			seen[c] = true
		}
	}
	for c := 1; c <= n; c++ {
		if !seen[c] {
			t.Errorf("counter %d never handed out", c)
		}
	}
	if pt, _ := s.Read(ctx, "hotp", &fakeCrypt{}); string(pt) != fmt.Sprintf("counter=%d\n", n) {
		t.Errorf("final entry %q", pt)
	}
	log := gitIn(t, env, dir, "log", "--format=%s")
	if c := strings.Count(log, "Increment HOTP counter for hotp.\n"); c != n {
		t.Errorf("%d increment commits, want %d", c, n)
	}
	checkRepo(t, env, dir)
}
