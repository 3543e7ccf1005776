package main

import (
	"bytes"
	"encoding/json"
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

	"github.com/passotp/passotp/internal/testkeys"
)

// freshJSON is the object `code --json` prints.
type freshJSON struct {
	Code      string `json:"code"`
	Remaining int    `json:"remaining"`
	Period    int    `json:"period"`
	Digits    int    `json:"digits"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	Step      uint64 `json:"step"`
}

const freshSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// freshStore makes a store holding short-period TOTP entries, and returns
// the environment to run the binary in (real clock, own state directory).
func freshStore(t *testing.T, periods ...int) []string {
	t.Helper()
	testkeys.RequireGPG(t)
	testkeys.Require(t, "pass", "oathtool")
	tmp := t.TempDir()
	env := append(cleanEnv(),
		"GNUPGHOME="+testkeys.Home(t),
		"PASSWORD_STORE_DIR="+filepath.Join(tmp, "store"),
		"HOME="+tmp,
		"XDG_STATE_HOME="+filepath.Join(tmp, "state"),
	)
	runOK(t, env, nil, realPass, "init", testkeys.Cv25519.Email)
	for _, p := range periods {
		uri := "otpauth://totp/fresh:p" + strconv.Itoa(p) + "?secret=" + freshSecret + "&period=" + strconv.Itoa(p)
		runOK(t, env, []byte(uri+"\n"), realPass, "otp", "insert", "p"+strconv.Itoa(p))
	}
	return env
}

// codeJSON runs `passotp code --json ARGS` and parses its one object.
func codeJSON(t *testing.T, env []string, args ...string) freshJSON {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"code", "--json"}, args...)...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("passotp code --json %q: %v\n%s", args, err, stderr.Bytes())
		return freshJSON{}
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %q", stderr.Bytes())
	}
	if strings.Contains(stdout.String(), freshSecret) {
		t.Errorf("--json output holds the secret")
	}
	var j freshJSON
	dec := json.NewDecoder(&stdout)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		t.Errorf("--json output %q: %v", stdout.String(), err)
	}
	if dec.More() {
		t.Errorf("--json printed more than one object")
	}
	return j
}

// checkStep checks a code against oathtool for its step.
func checkStep(t *testing.T, j freshJSON) {
	t.Helper()
	e := interopEntry{secret: freshSecret, period: j.Period}
	if want := oathtool(t, e, time.Unix(int64(j.Step)*int64(j.Period), 0)); j.Code != want {
		t.Errorf("step %d: code %s, oathtool gives %s", j.Step, j.Code, want)
	}
	if j.Type != "totp" || j.Digits != 6 || j.Remaining < 1 || j.Remaining > j.Period {
		t.Errorf("bad details: %+v", j)
	}
}

// TestFreshParallel: 8 concurrent --fresh calls on one entry give 8
// distinct codes for consecutive steps (issue 7's acceptance), each equal
// to oathtool's.
func TestFreshParallel(t *testing.T) {
	t.Parallel()
	env := freshStore(t, 2)
	const n = 8
	results := make([]freshJSON, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = codeJSON(t, env, "--fresh", "p2")
		}()
	}
	wg.Wait()
	sort.Slice(results, func(i, j int) bool { return results[i].Step < results[j].Step })
	codes := map[string]bool{}
	for i, r := range results {
		checkStep(t, r)
		codes[r.Code] = true
		if i > 0 && r.Step != results[i-1].Step+1 {
			t.Errorf("steps %d and %d are not consecutive", results[i-1].Step, r.Step)
		}
	}
	if len(codes) != n {
		t.Errorf("%d distinct codes, want %d", len(codes), n)
	}
}

// TestFreshTwice: a second --fresh call in the same window prints the next
// step's code, and returns in that next window (not later).
func TestFreshTwice(t *testing.T) {
	t.Parallel()
	env := freshStore(t, 3)
	first := codeJSON(t, env, "--fresh", "p3")
	second := codeJSON(t, env, "--fresh", "p3")
	done := uint64(time.Now().Unix()) / 3
	checkStep(t, first)
	checkStep(t, second)
	if second.Step != first.Step+1 {
		t.Errorf("second call got step %d, want %d", second.Step, first.Step+1)
	}
	if done > second.Step {
		t.Errorf("second call returned in step %d, after its own step %d ended", done, second.Step)
	}
	// plain calls are untouched by the state
	plain := codeJSON(t, env, "p3")
	checkStep(t, plain)
}

// TestMinRemaining: with --min-remaining equal to the period, the code
// always comes from a step that has just begun.
func TestMinRemaining(t *testing.T) {
	t.Parallel()
	env := freshStore(t, 4)
	start := uint64(time.Now().Unix())
	j := codeJSON(t, env, "--min-remaining", "4", "p4")
	checkStep(t, j)
	if j.Step*4 < start {
		t.Errorf("got step %d, which began before the call (t=%d)", j.Step, start)
	}
	j = codeJSON(t, env, "--min-remaining", "3", "p4")
	checkStep(t, j)
	if j.Remaining < 3 {
		t.Errorf("--min-remaining 3 gave a code with %d s left", j.Remaining)
	}
}

// TestFreshSecondCallTiming is issue 7's first acceptance point, timed: a
// second --fresh call started inside the window of the first prints the
// next step's code (oathtool's), not before that step began, and returns
// within the window's remainder + 1 s (the bound the issue sets).
func TestFreshSecondCallTiming(t *testing.T) {
	t.Parallel()
	const period = 3
	env := freshStore(t, period)
	for attempt := 0; attempt < 3; attempt++ {
		first := codeJSON(t, env, "--fresh", "p3")
		t0 := time.Now()
		if uint64(t0.Unix())/period != first.Step {
			continue // the window ended between the calls: try again
		}
		second := codeJSON(t, env, "--fresh", "p3")
		t1 := time.Now()
		checkStep(t, first)
		checkStep(t, second)
		if second.Step != first.Step+1 {
			t.Fatalf("second call got step %d, want %d", second.Step, first.Step+1)
		}
		boundary := time.Unix(int64(second.Step)*period, 0)
		remainder := boundary.Sub(t0)
		if t1.Before(boundary) {
			t.Errorf("second call returned at %v, before its step began at %v", t1, boundary)
		}
		elapsed := t1.Sub(t0)
		if elapsed > remainder+time.Second {
			t.Errorf("second call took %v; the window had %v left (+1 s allowed)", elapsed, remainder)
		}
		t.Logf("steps %d then %d; second call took %v with %v left in the window", first.Step, second.Step, elapsed, remainder)
		return
	}
	t.Fatal("three attempts never started the second call in the first call's window")
}

// TestNoOptionsUnchanged: without --fresh/--min-remaining (and their
// variables) the output is pass-otp's, byte for byte, and there is no
// wait: even right after a --fresh call handed out the current step, a
// plain call in that step prints that step's code, like the real pass otp
// at the same moment, and the state is neither created nor changed.
func TestNoOptionsUnchanged(t *testing.T) {
	t.Parallel()
	const period = 30
	env := freshStore(t, period)
	stateDir := filepath.Join(envValue(env, "XDG_STATE_HOME"), "passotp")
	e := interopEntry{secret: freshSecret, period: period}
	plain := func() map[string]string {
		return map[string]string{
			"passotp NAME":      run1(t, env, binary, binary, "p30"),
			"passotp code NAME": run1(t, env, binary, binary, "code", "p30"),
			"pass otp NAME":     run1(t, env, binary, "pass", "otp", "p30"),
			"real pass otp":     run1(t, env, realPass, realPass, "otp", "p30"),
		}
	}
	// Before any --fresh call: no state is created.
	before := time.Now()
	got := plain()
	after := time.Now()
	want := map[string]bool{oathtool(t, e, before): true, oathtool(t, e, after): true}
	for who, code := range got {
		if !want[code] {
			t.Errorf("%s printed %q, oathtool gives %q", who, code, keys(want))
		}
	}
	if _, err := os.Stat(stateDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a plain call touched the state directory: %v", err)
	}
	for attempt := 0; attempt < 3; attempt++ {
		t0 := time.Now()
		fresh := codeJSON(t, env, "--fresh", "p30")
		snap := snapshot(t, stateDir)
		got := plain()
		t1 := time.Now()
		if uint64(t0.Unix())/period != uint64(t1.Unix())/period {
			continue // a step boundary fell inside: try again
		}
		if fresh.Step != uint64(t0.Unix())/period {
			t.Fatalf("the --fresh call got step %d, want the current %d", fresh.Step, t0.Unix()/period)
		}
		for who, code := range got {
			if code != fresh.Code {
				t.Errorf("%s printed %q after --fresh handed out step %d (%s): a plain call must not wait or change", who, code, fresh.Step, fresh.Code)
			}
		}
		if after := snapshot(t, stateDir); after != snap {
			t.Errorf("plain calls changed the state:\n%s\n---\n%s", snap, after)
		}
		return
	}
	t.Fatal("three attempts crossed a step boundary: did the plain calls wait?")
}

// envValue is the last value of key in env.
func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// snapshot lists dir's files with their modes, times and contents.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, de := range entries {
		fi, err := de.Info()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, de.Name()))
		fmt.Fprintf(&b, "%s %v %d %x\n", de.Name(), fi.Mode(), fi.ModTime().UnixNano(), data)
	}
	return b.String()
}

// TestFreshStateTolerance: missing, corrupt, unreadable or future state
// (and an unusable state directory) still give the correct code with exit
// 0 and nothing on stderr. The clock is fixed with --at 59, where a wait
// would advance it: the code of step 1 proves that the bad state was
// ignored rather than waited on; the control case proves the state is
// otherwise in use.
func TestFreshStateTolerance(t *testing.T) {
	t.Parallel()
	env := freshStore(t, 30)
	e := interopEntry{secret: freshSecret, period: 30}
	step1, step2 := oathtool(t, e, time.Unix(59, 0)), oathtool(t, e, time.Unix(60, 0))
	dir := filepath.Join(envValue(env, "XDG_STATE_HOME"), "passotp")
	replace := func(t *testing.T, glob string, do func(path string) error) {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, glob))
		if len(files) == 0 {
			t.Fatalf("no %s in %s", glob, dir)
		}
		for _, f := range files {
			if err := os.RemoveAll(f); err != nil {
				t.Fatal(err)
			}
			if err := do(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	at59 := func(t *testing.T, env []string) string {
		t.Helper()
		return run1(t, env, binary, binary, "code", "--fresh", "--at", "59", "p30")
	}
	tests := []struct {
		name  string
		spoil func(t *testing.T) // after a first --fresh call at 59
		want  string
	}{
		{"valid (control)", func(*testing.T) {}, step2},
		{"missing state file", func(t *testing.T) {
			replace(t, "step-*", func(string) error { return nil })
		}, step1},
		{"missing state directory", func(t *testing.T) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}, step1},
		{"corrupt", func(t *testing.T) {
			replace(t, "step-*", func(p string) error { return os.WriteFile(p, []byte("\x00garbage\xff\n"), 0o600) })
		}, step1},
		{"empty", func(t *testing.T) {
			replace(t, "step-*", func(p string) error { return os.WriteFile(p, nil, 0o600) })
		}, step1},
		{"from the future", func(t *testing.T) {
			replace(t, "step-*", func(p string) error {
				return os.WriteFile(p, []byte("passotp-fresh 1 step=3333333333 period=30 written=99999999990\n"), 0o600)
			})
		}, step1},
		{"unreadable state file (a directory)", func(t *testing.T) {
			replace(t, "step-*", func(p string) error { return os.Mkdir(p, 0o700) })
		}, step1},
		{"unreadable key (a directory)", func(t *testing.T) {
			replace(t, "key", func(p string) error { return os.Mkdir(p, 0o700) })
		}, step1},
		{"corrupt key", func(t *testing.T) {
			replace(t, "key", func(p string) error { return os.WriteFile(p, []byte("short"), 0o600) })
		}, step1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if got := at59(t, env); got != step1 {
				t.Fatalf("first --fresh call at 59: %q, want %q", got, step1)
			}
			tc.spoil(t)
			if got := at59(t, env); got != tc.want {
				t.Errorf("second --fresh call at 59: %q, want %q", got, tc.want)
			}
		})
	}
	// A state directory that cannot be created (XDG_STATE_HOME is a file).
	t.Run("unusable state directory", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		env := append(append([]string(nil), env...), "XDG_STATE_HOME="+file)
		for range 2 {
			if got := at59(t, env); got != step1 {
				t.Errorf("--fresh at 59: %q, want %q", got, step1)
			}
		}
	})
}

// TestJSONHOTP: --json on a hotp entry is one object (type hotp, the
// counter used as step, no period) with oathtool's code and no secret,
// and the counter still moves.
func TestJSONHOTP(t *testing.T) {
	t.Parallel()
	env := freshStore(t)
	runOK(t, env, []byte("otpauth://hotp/fresh:h?secret="+freshSecret+"&counter=4\n"), realPass, "otp", "insert", "h")
	for _, counter := range []uint64{5, 6} {
		j := codeJSON(t, env, "h")
		cmd := exec.Command("oathtool", "--hotp", "-c", strconv.FormatUint(counter, 10), "-b", "-")
		cmd.Stdin = strings.NewReader(freshSecret + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		want := freshJSON{Code: strings.TrimSpace(string(out)), Digits: 6, Type: "hotp", Name: "h", Step: counter}
		if j != want {
			t.Errorf("--json = %+v, want %+v", j, want)
		}
	}
	if uri := run1(t, env, binary, binary, "uri", "h"); !strings.Contains(uri, "counter=6") {
		t.Errorf("counter after two --json codes: %s", otpRedact(uri))
	}
}

// otpRedact hides the secret of a URI in test messages.
func otpRedact(uri string) string {
	return strings.ReplaceAll(uri, freshSecret, "REDACTED")
}

// TestFreshStateSpellings: the state is per store and entry however they
// are spelled: a symlink to the store, a trailing slash on
// PASSWORD_STORE_DIR, a doubled slash in the name or a trailing one all
// count as the same entry, so each --fresh call at the fixed instant 59
// gets the next step (the fixed clock advances on waits).
func TestFreshStateSpellings(t *testing.T) {
	t.Parallel()
	env := freshStore(t)
	runOK(t, env, []byte("otpauth://totp/fresh:e?secret="+freshSecret+"\n"), realPass, "otp", "insert", "dir/e")
	store := envValue(env, "PASSWORD_STORE_DIR")
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(store, link); err != nil {
		t.Fatal(err)
	}
	e := interopEntry{secret: freshSecret, period: 30}
	calls := []struct{ storeDir, name string }{
		{store, "dir/e"},
		{link, "dir/e"},
		{store + "/", "dir//e"},
		{link + "/", "dir/e/"},
	}
	for i, c := range calls {
		env := append(append([]string(nil), env...), "PASSWORD_STORE_DIR="+c.storeDir)
		got := run1(t, env, binary, binary, "code", "--fresh", "--at", "59", c.name)
		if want := oathtool(t, e, time.Unix(int64(i+1)*30, 0)); got != want {
			t.Errorf("call %d (%s, %s): %q, want step %d's %q", i+1, c.storeDir, c.name, got, i+1, want)
		}
	}
}

// TestMinRemainingWaitsForBoundary: --min-remaining one second short of
// the period (29 on 30 s) waits for the next boundary. Literally, on the
// fixed clock (--at 32: 28 s left; a wait advances the clock), and on the
// real clock with a 4 s period and --min-remaining 3, called 1.5 s into a
// step: the code is the next step's (oathtool's), printed once that step
// began and within the remainder + 1 s.
func TestMinRemainingWaitsForBoundary(t *testing.T) {
	t.Parallel()
	env := freshStore(t, 4, 30)
	e30 := interopEntry{secret: freshSecret, period: 30}
	for _, c := range []struct {
		at, next int64
	}{{32, 60}, {59, 60}, {31, 30}, {30, 30}} {
		got := run1(t, env, binary, binary, "code", "--min-remaining", "29", "--at", strconv.FormatInt(c.at, 10), "p30")
		if want := oathtool(t, e30, time.Unix(c.next, 0)); got != want {
			t.Errorf("--min-remaining 29 --at %d: %q, want the code of the step starting at %d (%q)", c.at, got, c.next, want)
		}
	}
	const period = 4
	for {
		pos := time.Duration(time.Now().UnixNano() % int64(period*time.Second))
		if pos >= 1500*time.Millisecond && pos < 2*time.Second {
			break
		}
		time.Sleep((1500*time.Millisecond - pos + period*time.Second) % (period * time.Second))
	}
	t0 := time.Now()
	j := codeJSON(t, env, "--min-remaining", "3", "p4")
	t1 := time.Now()
	checkStep(t, j)
	if want := uint64(t0.Unix())/period + 1; j.Step != want {
		t.Fatalf("--min-remaining 3 called with under 3 s left in step %d: got step %d, want %d", want-1, j.Step, want)
	}
	boundary := time.Unix(int64(j.Step)*period, 0)
	if t1.Before(boundary) {
		t.Errorf("returned at %v, before its step began at %v", t1, boundary)
	}
	if elapsed, remainder := t1.Sub(t0), boundary.Sub(t0); elapsed > remainder+time.Second {
		t.Errorf("took %v with %v left in the step (+1 s allowed)", elapsed, remainder)
	}
	if j.Remaining < 3 {
		t.Errorf("code with %d s left, want at least 3", j.Remaining)
	}
}
