package passstore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/passotp/passotp/internal/gitconfig"
)

// gitConfig is the merged git configuration (system, global, repository,
// work tree, GIT_CONFIG_COUNT), keyed by lower-case "section.key" or
// "section.subsection.key" (subsection case kept); the last value wins.
type gitConfig struct {
	vals   map[string]string
	home   string
	xdg    string // XDG_CONFIG_HOME or HOME/.config
	gitDir string // for includeIf "gitdir:"
	// err is the first file git would die on (a malformed line, an
	// include.path without value, includes nested too deep); the values
	// read before it are kept. A commit then goes to the git binary,
	// which reports it as "fatal: bad config line N in file F".
	err error
}

func (c *gitConfig) get(key string) string { return c.vals[key] }

// boolean is git's --bool: true, yes, on, 1, or a key without value.
func (c *gitConfig) boolean(key string) bool {
	v, ok := c.vals[key]
	return ok && gitBool(v)
}

// gitBool is git's boolean: true, yes, on, a non-zero number, or a key
// written without "=" (stored as NUL).
func gitBool(v string) bool {
	switch strings.ToLower(v) {
	case "true", "yes", "on", "\x00":
		return true
	}
	n, err := strconv.Atoi(v)
	return err == nil && n != 0
}

// isFalse reports an explicit false value (git's default true settings).
func (c *gitConfig) isFalse(key string) bool {
	v, ok := c.vals[key]
	if !ok {
		return false
	}
	switch strings.ToLower(v) {
	case "false", "no", "off", "0", "":
		return true
	}
	return false
}

// env returns the last value of key in s.o.Env ("" if unset).
func (s *Store) env(key string) string {
	v := ""
	for _, kv := range s.o.Env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") && home != "" {
		return home + p[1:]
	}
	return p
}

func (s *Store) loadConfig(r *repo) *gitConfig {
	c := &gitConfig{vals: map[string]string{}, home: s.env("HOME")}
	if r != nil {
		c.gitDir = r.gitDir
	}
	if c.xdg = s.env("XDG_CONFIG_HOME"); c.xdg == "" && c.home != "" {
		c.xdg = c.home + "/.config"
	}
	if v := s.env("GIT_CONFIG_NOSYSTEM"); v == "" || !gitBool(v) {
		sys := s.env("GIT_CONFIG_SYSTEM")
		if sys == "" {
			sys = "/etc/gitconfig"
		}
		c.load(sys, 0)
	}
	if g := s.env("GIT_CONFIG_GLOBAL"); g != "" {
		c.load(expandHome(g, c.home), 0)
	} else {
		xdg := c.xdg
		if xdg != "" {
			c.load(filepath.Join(xdg, "git", "config"), 0)
		}
		if c.home != "" {
			c.load(filepath.Join(c.home, ".gitconfig"), 0)
		}
	}
	if r != nil {
		c.load(filepath.Join(r.common, "config"), 0)
		if c.boolean("extensions.worktreeconfig") {
			c.load(filepath.Join(r.gitDir, "config.worktree"), 0)
		}
	}
	if n, err := strconv.Atoi(s.env("GIT_CONFIG_COUNT")); err == nil {
		for i := 0; i < n; i++ {
			k := s.env("GIT_CONFIG_KEY_" + strconv.Itoa(i))
			if k != "" {
				c.set(k, s.env("GIT_CONFIG_VALUE_"+strconv.Itoa(i)))
			}
		}
	}
	return c
}

// set stores a "section[.subsection].key" value with git's case rules.
func (c *gitConfig) set(key, val string) {
	i, j := strings.IndexByte(key, '.'), strings.LastIndexByte(key, '.')
	if i < 0 {
		return
	}
	if i == j {
		c.vals[strings.ToLower(key)] = val
		return
	}
	c.vals[strings.ToLower(key[:i])+key[i:j]+"."+strings.ToLower(key[j+1:])] = val
}

func (c *gitConfig) load(path string, depth int) {
	if depth > 10 {
		c.fail(fmt.Errorf("exceeded maximum include depth (10) at %s", path))
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	// Values are applied in file order; include.path is read in place.
	err = gitconfig.Parse(b, func(e gitconfig.Entry) error {
		val := e.Value
		if e.NoValue {
			val = "\x00" // a key without "=" is true
		}
		if e.HasSub {
			c.vals[e.Section+"."+e.Subsection+"."+e.Key] = val
			if e.Section == "includeif" && e.Key == "path" && c.gitDirMatches(e.Subsection, path) {
				if e.NoValue {
					return fmt.Errorf("missing value for 'include.path' at line %d", e.Line)
				}
				c.load(includePath(val, path, c.home), depth+1)
			}
			return nil
		}
		c.vals[e.Name()] = val
		if e.Section == "include" && e.Key == "path" {
			if e.NoValue {
				return fmt.Errorf("missing value for 'include.path' at line %d", e.Line)
			}
			c.load(includePath(val, path, c.home), depth+1)
		}
		return nil
	})
	if err != nil {
		c.fail(fmt.Errorf("%w in file %s", err, path))
	}
}

// fail records the first error git would die on.
func (c *gitConfig) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// gitDirMatches evaluates an includeIf condition: "gitdir:PATTERN" and
// "gitdir/i:PATTERN" as git does (~/ and ./ expanded, a relative pattern
// gets "**/" in front, a trailing "/" matches everything below). Other
// conditions (onbranch:, hasconfig:) are not evaluated: false.
func (c *gitConfig) gitDirMatches(cond, from string) bool {
	pat, fold := "", false
	switch {
	case strings.HasPrefix(cond, "gitdir:"):
		pat = cond[len("gitdir:"):]
	case strings.HasPrefix(cond, "gitdir/i:"):
		pat, fold = cond[len("gitdir/i:"):], true
	default:
		return false
	}
	if c.gitDir == "" || pat == "" {
		return false
	}
	if strings.HasPrefix(pat, "./") {
		pat = filepath.Dir(from) + pat[1:]
	}
	pat = expandHome(pat, c.home)
	if !strings.HasPrefix(pat, "/") {
		pat = "**/" + pat
	}
	if strings.HasSuffix(pat, "/") {
		pat += "**"
	}
	re, err := regexp.Compile(globRegexp(pat, fold))
	if err != nil {
		return false
	}
	dirs := []string{c.gitDir}
	if real, err := filepath.EvalSymlinks(c.gitDir); err == nil && real != c.gitDir {
		dirs = append(dirs, real)
	}
	for _, d := range dirs {
		if re.MatchString(d) {
			return true
		}
	}
	return false
}

// globRegexp turns a wildmatch pattern (with WM_PATHNAME: "*" stays within
// one directory, "**/" spans directories) into an anchored regexp.
func globRegexp(pat string, fold bool) string {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	for i := 0; i < len(pat); i++ {
		switch ch := pat[i]; {
		case strings.HasPrefix(pat[i:], "**/") && (i == 0 || pat[i-1] == '/'):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(pat[i:], "**") && i+2 == len(pat) && i > 0 && pat[i-1] == '/':
			b.WriteString(".*")
			i++
		case ch == '*':
			b.WriteString("[^/]*")
		case ch == '?':
			b.WriteString("[^/]")
		case ch == '[':
			if j := strings.IndexByte(pat[i+1:], ']'); j >= 0 {
				class := pat[i+1 : i+1+j]
				if strings.HasPrefix(class, "!") {
					class = "^" + class[1:]
				}
				b.WriteString("[" + strings.ReplaceAll(class, "\\", "\\\\") + "]")
				i += j + 1
				continue
			}
			b.WriteString(regexp.QuoteMeta("["))
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString("$")
	return b.String()
}

func includePath(p, from, home string) string {
	p = expandHome(p, home)
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(from), p)
	}
	return p
}

// identity returns author and committer as git commit would choose them.
func (s *Store) identity(cfg *gitConfig) (author, committer signature, err error) {
	now := s.o.Now()
	author, err = s.ident(cfg, "AUTHOR", "author", now)
	if err != nil {
		return
	}
	committer, err = s.ident(cfg, "COMMITTER", "committer", now)
	return
}

func (s *Store) ident(cfg *gitConfig, envRole, cfgRole string, now time.Time) (signature, error) {
	name := firstNonEmpty(s.env("GIT_"+envRole+"_NAME"), cfg.get(cfgRole+".name"), cfg.get("user.name"))
	email := firstNonEmpty(s.env("GIT_"+envRole+"_EMAIL"), cfg.get(cfgRole+".email"), cfg.get("user.email"))
	if (name == "" || email == "") && cfg.boolean("user.useconfigonly") {
		return signature{}, errors.New("no name or e-mail was given and auto-detection is disabled (user.useConfigOnly)")
	}
	if name == "" || email == "" {
		uname, gecos := "", ""
		if u, err := user.Current(); err == nil {
			uname, gecos = u.Username, u.Name
		}
		if name == "" {
			name, _, _ = strings.Cut(gecos, ",")
			if name == "" {
				name = uname
			}
		}
		if email == "" {
			email = s.env("EMAIL")
		}
		if email == "" {
			host, _ := os.Hostname()
			email = uname + "@" + host
		}
	}
	when := now
	if d := s.env("GIT_" + envRole + "_DATE"); d != "" {
		if t, ok := parseGitDate(d); ok {
			when = t
		}
	}
	return signature{Name: sanitizeIdent(name), Email: sanitizeIdent(email), When: when}, nil
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// sanitizeIdent drops '<', '>' and newlines and trims the characters git
// calls crud from both ends.
func sanitizeIdent(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '<' || r == '>' || r == '\n' {
			return -1
		}
		return r
	}, s)
	return strings.Trim(s, " \t\r.,:;\"'\\")
}

// parseGitDate understands git's internal "[@]UNIX ±hhmm" and the RFC 2822
// and ISO 8601 forms most often put in GIT_*_DATE.
func parseGitDate(d string) (time.Time, bool) {
	d = strings.TrimSpace(d)
	if f := strings.Fields(strings.TrimPrefix(d, "@")); len(f) >= 1 && len(f) <= 2 {
		if sec, err := strconv.ParseInt(f[0], 10, 64); err == nil && (strings.HasPrefix(d, "@") || len(f[0]) >= 9) {
			loc := time.UTC
			if len(f) == 2 {
				if tz, err := time.Parse("-0700", f[1]); err == nil {
					loc = tz.Location()
				}
			}
			return time.Unix(sec, 0).In(loc), true
		}
	}
	for _, layout := range []string{time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 -0700", time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, d); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// gitEnv is the environment of a git child: Options.Env without the
// variables pass unsets, with GIT_CEILING_DIRECTORIES=PREFIX/.. as pass
// exports it.
func (s *Store) gitEnv() []string {
	drop := map[string]bool{"GIT_DIR": true, "GIT_WORK_TREE": true, "GIT_NAMESPACE": true, "GIT_INDEX_FILE": true,
		"GIT_INDEX_VERSION": true, "GIT_OBJECT_DIRECTORY": true, "GIT_COMMON_DIR": true, "GIT_CEILING_DIRECTORIES": true}
	var env []string
	for _, kv := range s.o.Env {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env, "GIT_CEILING_DIRECTORIES="+s.o.Dir+"/..")
}

// lookGit finds git in the PATH of Options.Env.
func (s *Store) lookGit() (string, error) {
	for _, d := range filepath.SplitList(s.env("PATH")) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, "git")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errors.New("git not found in PATH")
}

// commitExec does what pass's git_add_file does, with the git binary.
func (s *Store) commitExec(r *repo, rel, subject string, signFlag bool) error {
	git, err := s.lookGit()
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(git, append([]string{"--literal-pathspecs", "-C", r.workTree}, args...)...)
		cmd.Env = s.gitEnv()
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			msg := strings.TrimSpace(errb.String())
			if msg == "" {
				msg = strings.TrimSpace(out.String())
			}
			return "", fmt.Errorf("git %s: %w: %s", args[0], err, msg)
		}
		return out.String(), nil
	}
	if _, err := run("add", "--", rel); err != nil {
		return err
	}
	st, err := run("status", "--porcelain", "--", rel)
	if err != nil {
		return err
	}
	if strings.TrimSpace(st) == "" {
		return nil
	}
	args := []string{"commit"}
	if signFlag {
		args = append(args, "-S")
	}
	_, err = run(append(args, "-m", subject)...)
	return err
}
