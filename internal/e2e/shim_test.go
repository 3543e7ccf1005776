package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A route runs `pass otp ARGS` in a sandbox through scripts/otp.bash.
type route struct {
	name  string
	setup func(t *testing.T, s *sandbox) (env []string, pass string)
}

var routes = []route{
	{"user extension with PASSOTP_BIN", func(t *testing.T, s *sandbox) ([]string, string) {
		copyFile(t, filepath.Join(root, "scripts/otp.bash"), filepath.Join(s.store, ".extensions/otp.bash"), 0o755)
		return s.with("PASSWORD_STORE_ENABLE_EXTENSIONS=true", "PASSOTP_BIN="+passotpBin), "pass"
	}},
	{"user extension with passotp on PATH", func(t *testing.T, s *sandbox) ([]string, string) {
		copyFile(t, filepath.Join(root, "scripts/otp.bash"), filepath.Join(s.store, ".extensions/otp.bash"), 0o755)
		return s.with("PASSWORD_STORE_ENABLE_EXTENSIONS=true", "PATH="+filepath.Dir(passotpBin)+":/usr/bin:/bin"), "pass"
	}},
	{"custom PASSWORD_STORE_EXTENSIONS_DIR", func(t *testing.T, s *sandbox) ([]string, string) {
		ext := filepath.Join(s.home, "ext")
		copyFile(t, filepath.Join(root, "scripts/otp.bash"), filepath.Join(ext, "otp.bash"), 0o755)
		return s.with("PASSWORD_STORE_ENABLE_EXTENSIONS=true", "PASSWORD_STORE_EXTENSIONS_DIR="+ext, "PASSOTP_BIN="+passotpBin), "pass"
	}},
	// pass hardcodes its system extension directory; a copy of the real
	// pass whose SYSTEM_EXTENSION_DIR points into the sandbox runs the same
	// code path as /usr/lib/password-store/extensions/otp.bash.
	{"system extension directory", func(t *testing.T, s *sandbox) ([]string, string) {
		ext := filepath.Join(s.home, "lib/password-store/extensions")
		copyFile(t, filepath.Join(root, "scripts/otp.bash"), filepath.Join(ext, "otp.bash"), 0o755)
		script, err := os.ReadFile("/usr/bin/pass")
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`(?m)^SYSTEM_EXTENSION_DIR=".*"$`)
		if !re.Match(script) {
			t.Fatal("/usr/bin/pass has no SYSTEM_EXTENSION_DIR line")
		}
		script = re.ReplaceAll(script, []byte(`SYSTEM_EXTENSION_DIR="`+ext+`"`))
		pass := filepath.Join(s.home, "bin/pass")
		if err := os.MkdirAll(filepath.Dir(pass), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pass, script, 0o755); err != nil {
			t.Fatal(err)
		}
		return s.with("PASSOTP_BIN=" + passotpBin), pass
	}},
}

// step is one `pass otp` call, compared with the same passotp call.
type step struct {
	args  []string
	stdin string
	want  func(t *testing.T, r result) // extra checks on the shim's result
}

func wantCode(secret string, at int64, extra ...string) func(*testing.T, result) {
	return func(t *testing.T, r result) {
		t.Helper()
		if want := oathtool(t, secret, at, extra...) + "\n"; r.stdout != want || r.code != 0 || r.stderr != "" {
			t.Errorf("got %s\nwant stdout %q", r, want)
		}
	}
}

func wantStderr(s string) func(*testing.T, result) {
	return func(t *testing.T, r result) {
		t.Helper()
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, s) {
			t.Errorf("got %s\nwant exit 1 and stderr containing %q", r, s)
		}
	}
}

var steps = []step{
	{args: []string{"insert", "acme"}, stdin: uriACME + "\n"},
	{args: []string{"insert", arn}, stdin: uriAWS + "\n"},
	{args: []string{"insert"}, stdin: uri256 + "\n"}, // derived path Example/bob
	{args: []string{"--at", "1111111109", "acme"}, want: wantCode(rfcSecret, 1111111109)},
	{args: []string{"code", "--at", "1234567890", arn}, want: wantCode(awsSecret, 1234567890)},
	{args: []string{"Example/bob", "--at", "2000000000"}, want: wantCode(rfcSecret, 2000000000, "--totp=sha256", "-d", "8", "-s", "60")},
	{args: []string{"show", "--at=59", "acme"}, want: wantCode(rfcSecret, 59)},
	{args: []string{"append", "login"}, stdin: uriACME + "\n"},
	{args: []string{"uri", "login"}, want: func(t *testing.T, r result) {
		if r.stdout != uriACME+"\n" || r.code != 0 {
			t.Errorf("got %s", r)
		}
	}},
	{args: []string{"uri", arn}},
	{args: []string{"validate", uriAWS}, want: func(t *testing.T, r result) {
		if r.stdout != "" || r.stderr != "" || r.code != 0 {
			t.Errorf("got %s", r)
		}
	}},
	{args: []string{"validate", "otpauth://totp/?secret=" + rfcSecret}, want: wantStderr("Invalid key URI (missing accountname): otpauth://totp/?secret=REDACTED")},
	{args: []string{"arn:aws:iam::123456789012:mfa/nobody"}, want: wantStderr("arn:aws:iam::123456789012:mfa/nobody: passfile not found.")},
	{args: []string{"uri", "plain"}, want: wantStderr("plain: OTP secret not found.")},
	{args: []string{}, want: wantStderr("Usage: pass otp [--clip,-c] [--quiet,-q] pass-name")},
	{args: []string{"-x", "acme"}, want: wantStderr("pass: invalid option -- 'x'")},
	{args: []string{"uri", "../x"}, want: wantStderr("sneaky path")},
}

// TestShim runs the real pass with scripts/otp.bash in each extension
// location and checks that `pass otp ARGS` gives what `passotp ARGS` gives
// (with pass otp's usage prefix), the codes oathtool gives, and the same
// entries.
func TestShim(t *testing.T) {
	for _, rt := range routes {
		t.Run(rt.name, func(t *testing.T) {
			t.Parallel()
			shim, direct := newSandbox(t), newSandbox(t)
			for _, s := range []*sandbox{shim, direct} {
				s.insert(t, "login", "hunter2\nuser: alice\n")
				s.insert(t, "plain", "hunter2\n")
			}
			env, pass := rt.setup(t, shim)
			for _, st := range steps {
				name := strings.Join(st.args, " ")
				var stdin []byte
				if st.stdin != "" {
					stdin = []byte(st.stdin)
				}
				got := runEnv(t, env, stdin, pass, append([]string{"otp"}, st.args...)...)
				ref := direct.run(t, stdin, passotpBin, st.args...)
				norm := func(s *sandbox, r result, direct bool) result {
					for _, r2 := range []*string{&r.stdout, &r.stderr} {
						*r2 = strings.ReplaceAll(*r2, s.store, "PREFIX")
						if direct {
							*r2 = strings.ReplaceAll(*r2, "Usage: passotp", "Usage: pass otp")
							*r2 = strings.ReplaceAll(*r2, "passotp: ", "pass: ")
						}
					}
					return r
				}
				if g, w := norm(shim, got, false), norm(direct, ref, true); g != w {
					t.Errorf("pass otp %s:\n%s\npassotp %s (pass otp texts):\n%s", name, g, name, w)
				}
				if st.want != nil {
					t.Run(name, func(t *testing.T) { st.want(t, got) })
				}
			}
			// The same entries, with the same contents, in both stores.
			a, b := entries(t, shim), entries(t, direct)
			if strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Errorf("entries differ:\nshim:   %q\ndirect: %q", a, b)
			}
			for _, e := range a {
				x := shim.run(t, nil, "pass", "show", e)
				y := direct.run(t, nil, "pass", "show", e)
				if x != y {
					t.Errorf("pass show %s differs:\nshim: %s\ndirect: %s", e, x, y)
				}
			}
			if r := shim.run(t, nil, "pass", "show", "login"); r.stdout != "hunter2\nuser: alice\n"+uriACME+"\n" {
				t.Errorf("append through the shim: pass show login: %s", r)
			}
		})
	}
}

// entries lists the entry names of a store.
func entries(t *testing.T, s *sandbox) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(s.store, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() && strings.HasPrefix(fi.Name(), ".") && p != s.store {
			return filepath.SkipDir
		}
		if !fi.IsDir() && strings.HasSuffix(p, ".gpg") {
			rel, _ := filepath.Rel(s.store, p)
			out = append(out, strings.TrimSuffix(rel, ".gpg"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShimWithoutPassotp: no PASSOTP_BIN, nothing on PATH and no installed
// binary: a clear error and exit 1, never the entry "otp".
func TestShimWithoutPassotp(t *testing.T) {
	s := newSandbox(t)
	copyFile(t, filepath.Join(root, "scripts/otp.bash"), filepath.Join(s.store, ".extensions/otp.bash"), 0o755)
	r := runEnv(t, s.with("PASSWORD_STORE_ENABLE_EXTENSIONS=true", "PASSOTP_BIN="+filepath.Join(s.home, "missing")), nil, "pass", "otp", "acme")
	if r.code != 1 || r.stdout != "" || r.stderr != "Error: passotp was not found (install it on PATH or set PASSOTP_BIN).\n" {
		t.Errorf("got %s", r)
	}
}
