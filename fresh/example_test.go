package fresh_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/passotp/passotp/fresh"
	"github.com/passotp/passotp/otp"
)

func ExampleGuard() {
	dir, _ := os.MkdirTemp("", "fresh")
	defer os.RemoveAll(dir)
	key, _ := otp.Parse("otpauth://totp/ex?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8")

	// A fake clock at 59 s whose sleeps advance it.
	now := time.Unix(59, 0)
	opts := fresh.Options{
		Dir: dir, Store: "/store", Name: "aws", Fresh: true,
		Now:   func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error { now = now.Add(d); return nil },
		Wait:  func(d time.Duration) { fmt.Println("waiting", d) },
	}
	for range 2 {
		c, waited, err := fresh.Guard(context.Background(), key, opts)
		fmt.Println(c.Step, c.Value, waited, err)
	}
	// Output:
	// 1 94287082 false <nil>
	// waiting 1s
	// 2 37359152 true <nil>
}
