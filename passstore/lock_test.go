package passstore

import (
	"context"
	"errors"
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
	if _, err := Open(Options{Dir: t.TempDir() + "/missing"}).Lock(ctx, time.Second); err == nil {
		t.Error("Lock on a missing store succeeded")
	}
}
