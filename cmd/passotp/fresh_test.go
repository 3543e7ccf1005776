package main

import (
	"bytes"
	"encoding/json"
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
