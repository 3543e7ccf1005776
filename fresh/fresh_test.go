package fresh

import (
	"bytes"
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passotp/passotp/otp"
)

// rfcKey is RFC 6238's public SHA1 test seed; 8 digits, 30 s.
var rfcURI = "otpauth://totp/fresh?secret=" + base32.StdEncoding.EncodeToString([]byte("12345678901234567890")) + "&digits=8"

func mustKey(t testing.TB, uri string) *otp.Key {
	t.Helper()
	k, err := otp.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// clock is a fake clock whose Sleep advances it (plus extra, to simulate
// oversleeping) and records every wait.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	extra  time.Duration
	sleeps []time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d + c.extra)
	c.extra = 0
	return nil
}

func (c *clock) set(unix float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = time.Unix(0, int64(unix*1e9))
}

func opts(dir string, c *clock) Options {
	return Options{Dir: dir, Store: "/store", Name: "arn:aws:iam::123456789012:mfa/alice", Fresh: true, Now: c.Now, Sleep: c.Sleep}
}

// codeAt is the reference: the key's plain TOTP code at unix time u.
func codeAt(t *testing.T, k *otp.Key, u int64) string {
	c, err := k.TOTP(time.Unix(u, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c.Value
}

func TestFreshSequence(t *testing.T) {
	k := mustKey(t, rfcURI)
	dir := t.TempDir()
	c := &clock{}
	o := opts(dir, c)
	steps := []struct {
		at      float64 // clock before the call
		step    uint64
		waited  time.Duration
		remains int
	}{
		{59, 1, 0, 1},                         // first call: current step (RFC 6238: 94287082)
		{59.5, 2, 500 * time.Millisecond, 30}, // same window: wait for step 2
		{61, 3, 29 * time.Second, 30},         // step 2 was handed out: wait for 3
		{200, 6, 0, 10},                       // later: no wait
		{209.9, 7, 100 * time.Millisecond, 30},
	}
	for i, s := range steps {
		c.set(s.at)
		c.sleeps = nil
		code, waited, err := Guard(context.Background(), k, o)
		if err != nil {
			t.Fatal(err)
		}
		var slept time.Duration
		for _, d := range c.sleeps {
			slept += d
		}
		if code.Step != s.step || slept != s.waited || waited != (s.waited > 0) || code.Remaining != s.remains {
			t.Errorf("call %d at %v: step %d waited %v (%v) remaining %d; want step %d waited %v remaining %d",
				i, s.at, code.Step, slept, waited, code.Remaining, s.step, s.waited, s.remains)
		}
		if want := codeAt(t, k, int64(s.step*30)); code.Value != want {
			t.Errorf("call %d: code %s, want %s", i, code.Value, want)
		}
	}
	if got := codeAt(t, k, 59); got != "94287082" {
		t.Fatalf("RFC 6238 vector: %s", got)
	}
}

func TestMinRemaining(t *testing.T) {
	k := mustKey(t, rfcURI)
	tests := []struct {
		at     float64
		min    int
		fresh  bool
		step   uint64
		waited time.Duration
	}{
		{60, 29, false, 2, 0},                // 30 s left
		{61, 29, false, 2, 0},                // 29 s left
		{62, 29, false, 3, 28 * time.Second}, // 28 s left: wait for the boundary
		{62.5, 29, false, 3, 27500 * time.Millisecond},
		{85, 5, false, 2, 0},
		{86, 5, false, 3, 4 * time.Second},
		{86, 99, false, 3, 4 * time.Second}, // above the period: the period
		{86, 0, false, 2, 0},
		// Fractions of a second count: 4.5 s left is fewer than 5.
		{85.5, 5, false, 3, 4500 * time.Millisecond},
		{85.5, 4, false, 2, 0},
		{61.5, 29, false, 3, 28500 * time.Millisecond},
		{90, 30, false, 3, 0}, // a step that has just begun has it all
		{90.25, 30, false, 4, 29750 * time.Millisecond},
		{85.5, 5, true, 3, 4500 * time.Millisecond}, // with --fresh too
	}
	for _, tc := range tests {
		c := &clock{}
		c.set(tc.at)
		o := Options{MinRemaining: tc.min, Fresh: tc.fresh, Now: c.Now, Sleep: c.Sleep}
		code, waited, err := Guard(context.Background(), k, o)
		if err != nil {
			t.Fatal(err)
		}
		var slept time.Duration
		for _, d := range c.sleeps {
			slept += d
		}
		if code.Step != tc.step || slept != tc.waited || waited != (tc.waited > 0) {
			t.Errorf("at %v min %d: step %d slept %v; want step %d slept %v", tc.at, tc.min, code.Step, slept, tc.step, tc.waited)
		}
		if want := codeAt(t, k, int64(tc.step*30)); code.Value != want {
			t.Errorf("at %v: code %s, want %s", tc.at, code.Value, want)
		}
	}
}

func TestFreshAndMinRemainingCompose(t *testing.T) {
	k := mustKey(t, rfcURI)
	c := &clock{}
	o := opts(t.TempDir(), c)
	o.MinRemaining = 10
	c.set(85) // 5 s left: step 3, not 2
	code, _, _ := Guard(context.Background(), k, o)
	if code.Step != 3 {
		t.Fatalf("step %d, want 3", code.Step)
	}
	c.set(95) // step 3 handed out: step 4
	code, _, _ = Guard(context.Background(), k, o)
	if code.Step != 4 {
		t.Fatalf("step %d, want 4", code.Step)
	}
}

func TestOversleep(t *testing.T) {
	k := mustKey(t, rfcURI)
	c := &clock{}
	o := opts(t.TempDir(), c)
	c.set(59)
	Guard(context.Background(), k, o) // step 1
	c.extra = 31 * time.Second        // the wait for step 2 ends in step 3
	code, _, err := Guard(context.Background(), k, o)
	if err != nil {
		t.Fatal(err)
	}
	if code.Step != 3 || code.Value != codeAt(t, k, 90) {
		t.Errorf("after oversleeping: step %d, want 3 (a live step, reserved again)", code.Step)
	}
}

func TestNoOptionsNoState(t *testing.T) {
	k := mustKey(t, rfcURI)
	dir := filepath.Join(t.TempDir(), "state")
	c := &clock{}
	c.set(59)
	o := opts(dir, c)
	o.Fresh = false
	for range 2 {
		code, waited, err := Guard(context.Background(), k, o)
		if err != nil || waited || code.Value != "94287082" {
			t.Fatalf("Guard = %v, %v, %v", code, waited, err)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state dir created without --fresh: %v", err)
	}
}

func TestStateTolerance(t *testing.T) {
	k := mustKey(t, rfcURI)
	tests := []struct {
		name    string
		content string // "" = leave the file as is after the first call
		dirFile bool   // make the state file a directory (unopenable)
		wait    bool
		warn    bool
	}{
		{"valid", "", false, true, false},
		{"garbage", "\x00\xffnot a state", false, false, false},
		{"empty", "-", false, false, false},
		{"future write", "passotp-fresh 1 step=1 period=30 written=100000", false, false, false},
		{"far future step", "passotp-fresh 1 step=999999 period=30 written=59", false, false, false},
		{"other period", "passotp-fresh 1 step=1 period=60 written=59", false, false, false},
		{"bad version", "passotp-fresh 2 step=1 period=30 written=59", false, false, false},
		{"unopenable", "", true, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c := &clock{}
			c.set(59)
			var warned []error
			o := opts(dir, c)
			o.Warn = func(err error) { warned = append(warned, err) }
			if tc.dirFile {
				key, err := userKey(o)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(filepath.Join(dir, fileName(key, o.Store, o.Name)), 0o700); err != nil {
					t.Fatal(err)
				}
			} else if _, _, err := Guard(context.Background(), k, o); err != nil {
				t.Fatal(err)
			}
			if tc.content != "" {
				files, _ := filepath.Glob(filepath.Join(dir, "step-*"))
				if len(files) != 1 {
					t.Fatalf("state files: %v", files)
				}
				data := tc.content
				if data == "-" {
					data = ""
				}
				// Pretend the record is from step 1 at 59 s when valid.
				if err := os.WriteFile(files[0], []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			code, waited, err := Guard(context.Background(), k, o)
			if err != nil {
				t.Fatal(err)
			}
			if waited != tc.wait {
				t.Errorf("waited = %v, want %v", waited, tc.wait)
			}
			want := codeAt(t, k, 59)
			if tc.wait {
				want = codeAt(t, k, 60)
			}
			if code.Value != want {
				t.Errorf("code %s, want %s", code.Value, want)
			}
			if (len(warned) > 0) != tc.warn {
				t.Errorf("warnings %v, want some: %v", warned, tc.warn)
			}
			for _, w := range warned {
				if !errors.Is(w, ErrState) {
					t.Errorf("warning %v does not wrap ErrState", w)
				}
			}
		})
	}
}

func TestUnusableDir(t *testing.T) {
	k := mustKey(t, rfcURI)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	c := &clock{}
	c.set(59)
	var warned error
	o := opts(filepath.Join(file, "sub"), c)
	o.Warn = func(err error) { warned = err }
	code, _, err := Guard(context.Background(), k, o)
	if err != nil || code.Value != "94287082" || !errors.Is(warned, ErrState) {
		t.Errorf("Guard = %v, %v; warned %v", code, err, warned)
	}
}

func TestStateFiles(t *testing.T) {
	k := mustKey(t, rfcURI)
	parent := t.TempDir()
	dir := filepath.Join(parent, "passotp")
	c := &clock{}
	c.set(59)
	o := opts(dir, c)
	code, _, _ := Guard(context.Background(), k, o)
	other := o
	other.Name = "other"
	if _, waited, _ := Guard(context.Background(), k, other); waited {
		t.Error("another entry shares the state")
	}
	otherStore := o
	otherStore.Store = "/other/store"
	if _, waited, _ := Guard(context.Background(), k, otherStore); waited {
		t.Error("another store shares the state")
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 { // key + three state files
		t.Errorf("%d files", len(entries))
	}
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", e.Name(), fi.Mode())
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, bad := range []string{"alice", "arn", "store", code.Value, k.Secret} {
			if strings.Contains(e.Name(), bad) || bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s reveals %q", e.Name(), bad)
			}
		}
	}
}

func TestContextCanceled(t *testing.T) {
	k := mustKey(t, rfcURI)
	c := &clock{}
	c.set(59)
	o := opts(t.TempDir(), c)
	Guard(context.Background(), k, o)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Guard(ctx, k, o); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestCodeErrors(t *testing.T) {
	k := mustKey(t, "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=5")
	c := &clock{}
	if _, _, err := Guard(context.Background(), k, opts(t.TempDir(), c)); err == nil {
		t.Error("bad digits accepted")
	}
}

// Real processes: TestMain turns the test binary into a helper that runs
// one Guard with the real clock and prints "STEP CODE".
func TestMain(m *testing.M) {
	if os.Getenv("FRESH_TEST_HELPER") == "1" {
		k, err := otp.Parse(os.Getenv("FRESH_TEST_URI"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		min, _ := strconv.Atoi(os.Getenv("FRESH_TEST_MIN"))
		code, _, err := Guard(context.Background(), k, Options{Dir: os.Getenv("FRESH_TEST_DIR"), Store: "s", Name: "n",
			Fresh: os.Getenv("FRESH_TEST_NOFRESH") == "", MinRemaining: min})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(code.Step, code.Value, code.Remaining)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestConcurrentProcesses runs 8 processes at once on a 2 s period: they
// must get 8 distinct consecutive steps, each code equal to oathtool's.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 16 s")
	}
	const n, period = 8, 2
	uri := "otpauth://totp/p?secret=JBSWY3DPEHPK3PXP&period=" + strconv.Itoa(period)
	dir := filepath.Join(t.TempDir(), "state")
	type result struct {
		step uint64
		code string
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "FRESH_TEST_HELPER=1", "FRESH_TEST_URI="+uri, "FRESH_TEST_DIR="+dir)
			out, err := cmd.Output()
			if err != nil {
				errs <- fmt.Errorf("helper %d: %v", i, err)
				return
			}
			var r result
			var rem int
			if _, err := fmt.Sscan(string(out), &r.step, &r.code, &rem); err != nil {
				errs <- fmt.Errorf("helper %d output %q", i, out)
				return
			}
			results[i] = r
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sort.Slice(results, func(i, j int) bool { return results[i].step < results[j].step })
	for i, r := range results {
		if i > 0 && r.step != results[0].step+uint64(i) {
			t.Errorf("steps not consecutive: %v", results)
			break
		}
		out, err := oathtool(t, "JBSWY3DPEHPK3PXP", "--totp", "--time-step-size="+strconv.Itoa(period)+"s", "--now=@"+strconv.FormatUint(r.step*period, 10))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)); r.code != want {
			t.Errorf("step %d: code %s, oathtool %s", r.step, r.code, want)
		}
	}
}

// oathtool runs oathtool with the (public test) secret on stdin.
func oathtool(t *testing.T, secret string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath("oathtool"); err != nil {
		if os.Getenv("PASSOTP_ALLOW_SKIP") == "1" {
			t.Skip("oathtool not installed")
		}
		t.Fatal("oathtool not installed; install it or set PASSOTP_ALLOW_SKIP=1")
	}
	cmd := exec.Command("oathtool", append(args, "-b", "-")...)
	cmd.Stdin = strings.NewReader(secret + "\n")
	return cmd.Output()
}

// FuzzParseState: no panic; accepted records are never from the future
// or too far ahead.
func FuzzParseState(f *testing.F) {
	f.Add([]byte("passotp-fresh 1 step=2 period=30 written=59\n"), int64(100))
	f.Add([]byte("garbage"), int64(0))
	// TestStateTolerance's records.
	for _, rec := range []string{
		"\x00\xffnot a state", "",
		"passotp-fresh 1 step=1 period=30 written=100000",
		"passotp-fresh 1 step=999999 period=30 written=59",
		"passotp-fresh 1 step=1 period=60 written=59",
		"passotp-fresh 2 step=1 period=30 written=59",
		"passotp-fresh 1 step=3333333333 period=30 written=99999999990\n",
	} {
		f.Add([]byte(rec), int64(59))
	}
	f.Fuzz(func(t *testing.T, b []byte, now int64) {
		last, ok := parseState(b, time.Unix(now, 0), 30)
		if ok && (now < 0 || last > uint64(now+ClockSlew)/30+MaxAhead+1) {
			t.Fatalf("accepted %q at %d: step %d", b, now, last)
		}
	})
}

func TestUserKey(t *testing.T) {
	dir := t.TempDir()
	o := Options{Dir: dir}
	k1, err := userKey(o)
	if err != nil || len(k1) != 32 {
		t.Fatal(k1, err)
	}
	k2, _ := userKey(o)
	if !bytes.Equal(k1, k2) {
		t.Error("key changed")
	}
	os.WriteFile(filepath.Join(dir, "key"), []byte("short"), 0o600)
	k3, err := userKey(o)
	if err != nil || len(k3) != 32 || bytes.Equal(k3, k1) {
		t.Errorf("corrupt key not replaced: %v", err)
	}
	// Concurrent first uses agree.
	dir2 := t.TempDir()
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() { defer wg.Done(); keys[i], _ = userKey(Options{Dir: dir2}) }()
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if !bytes.Equal(k, keys[0]) || len(k) != 32 {
			t.Fatal("concurrent first uses got different keys")
		}
	}
	entries, _ := os.ReadDir(dir2)
	if len(entries) != 1 {
		t.Errorf("left %d files", len(entries))
	}
}

// TestMinRemainingProcess: a real process with --min-remaining equal to a
// 2 s period must hand out a code whose whole step is still ahead.
func TestMinRemainingProcess(t *testing.T) {
	uri := "otpauth://totp/p?secret=JBSWY3DPEHPK3PXP&period=2"
	for range 2 {
		before := time.Now().Unix()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "FRESH_TEST_HELPER=1", "FRESH_TEST_URI="+uri, "FRESH_TEST_MIN=2", "FRESH_TEST_NOFRESH=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		after := time.Now().Unix()
		var step uint64
		var code string
		var rem int
		if _, err := fmt.Sscan(string(out), &step, &code, &rem); err != nil {
			t.Fatalf("output %q", out)
		}
		start := int64(step * 2)
		if rem != 2 || start < before || start > after {
			t.Errorf("step %d (starts %d) remaining %d, called at %d..%d: want a step starting in the call, 2 s left", step, start, rem, before, after)
		}
		want, err := oathtool(t, "JBSWY3DPEHPK3PXP", "--totp", "--time-step-size=2s", "--now=@"+strconv.FormatInt(start, 10))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(string(want)) != code {
			t.Errorf("code %s, oathtool %s", code, want)
		}
	}
}
