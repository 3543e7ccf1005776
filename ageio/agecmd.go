package ageio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/passotp/passotp/internal/child"
)

// The age binary is ageio's fallback for ssh keys, which it does not
// handle natively (ssh.go). It gets identity files by path and recipients
// (public keys) as arguments; ciphertext and plaintext go through pipes.

// ErrNeedAgeBinary means an ssh key needs the age binary and it is not
// installed. The error returned is a [*NeedAgeError].
var ErrNeedAgeBinary = errors.New("ssh keys need the age binary")

// NeedAgeError reports that the age binary was needed, for the ssh key
// Key (a key file, or a shortened public key), and is not on PATH.
type NeedAgeError struct {
	Key    string // the ssh key file or public key that needed it
	Binary string // the program looked for ("age", or $PASSAGE_AGE)
	Err    error  // why it cannot be run
}

func (e *NeedAgeError) Error() string {
	return fmt.Sprintf("ssh key %s needs the age binary, and %s cannot be run (%v): install age", e.Key, e.Binary, e.Err)
}

func (e *NeedAgeError) Is(target error) bool { return target == ErrNeedAgeBinary }

func (e *NeedAgeError) Unwrap() error { return e.Err }

// AgeError is a failed run of the age binary. Stderr is age's own message
// (capped at 64 KiB); it holds no plaintext and no key.
type AgeError struct {
	Args     []string // the command line (no secret is ever on it)
	ExitCode int
	Stderr   []byte
}

func (e *AgeError) Error() string {
	msg := strings.TrimSpace(string(e.Stderr))
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.ExitCode)
	}
	return fmt.Sprintf("%s: %s", strings.Join(e.Args, " "), msg)
}

// ageBinary is the program to run: $PASSAGE_AGE in passage mode (as
// passage), else "age".
func (c *Client) ageBinary() string {
	if c.opts.Mode == Passage {
		if v, ok := lookup(c.opts.Env, "PASSAGE_AGE"); ok && v != "" {
			return v
		}
	}
	return "age"
}

// findAge resolves the age binary with the PATH of Options.Env: with no
// PATH there, a bare name is not found (the process's own PATH is never
// read). key names the ssh key that needs it, for the error.
func (c *Client) findAge(key string) (string, error) {
	name := c.ageBinary()
	var (
		path string
		err  error
	)
	if strings.Contains(name, "/") {
		path, err = exec.LookPath(name) // a path: PATH is not consulted
	} else if p, ok := lookup(c.opts.Env, "PATH"); ok {
		path, err = lookPath(name, p)
	} else {
		err = fmt.Errorf("no PATH in the environment: %w", exec.ErrNotFound)
	}
	if err != nil {
		return "", &NeedAgeError{Key: key, Binary: name, Err: err}
	}
	return path, nil
}

// lookPath finds name in the directories of pathList, as the shell does
// and as gpgio and cmd do with the environment's PATH: an empty element is
// the current directory. The result keeps the directory as given ("./age"
// for an empty element), so that exec does not search again.
func lookPath(name, pathList string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + name
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// childEnv is the age binary's environment: Options.Env without GIT_*
// variables and without GOPASS_AGE_PASSWORD (no secret goes to a child).
// The terminal variables stay, so that age can ask for an ssh key's
// passphrase on /dev/tty.
func (c *Client) childEnv() []string {
	env := make([]string, 0, len(c.opts.Env))
	for _, kv := range c.opts.Env {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "GOPASS_AGE_PASSWORD" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// limitedBuffer keeps at most max bytes and then fails the write (and
// remembers that it did: os/exec reports age's broken pipe, not this
// error). It grows by copying into a larger array and clearing the old
// one, so that no stray copy of the plaintext is left behind; sized with
// the ciphertext's length it never grows, as age's plaintext is shorter.
type limitedBuffer struct {
	buf  []byte
	max  int
	over bool
}

var errTooLarge = errors.New("entry too large")

func newLimitedBuffer(size, max int) *limitedBuffer {
	return &limitedBuffer{buf: make([]byte, 0, min(size, max)), max: max}
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if len(b.buf)+len(p) > b.max {
		b.over = true
		return 0, errTooLarge
	}
	if len(b.buf)+len(p) > cap(b.buf) {
		grown := make([]byte, len(b.buf), min(max(2*cap(b.buf), len(b.buf)+len(p)), b.max))
		copy(grown, b.buf)
		clear(b.buf)
		b.buf = grown
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Bytes is what was written.
func (b *limitedBuffer) Bytes() []byte { return b.buf }

// wipe clears everything written, including the spare capacity.
func (b *limitedBuffer) wipe() {
	clear(b.buf[:cap(b.buf)])
	b.buf = b.buf[:0]
}

// decryptWithAge runs `age --decrypt -i FILE…` for the ssh identities ids,
// with the ciphertext on stdin and the plaintext read from stdout.
func (c *Client) decryptWithAge(ctx context.Context, ciphertext []byte, ids []*SSHIdentity) ([]byte, error) {
	args := []string{"--decrypt"}
	for _, id := range ids {
		if id.File == "" {
			return nil, fmt.Errorf("age decrypt: the ssh key %s is not in a file of its own, which the age binary needs", id.name())
		}
		args = append(args, "-i", id.File)
	}
	bin, err := c.findAge(ids[0].name())
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = c.childEnv()
	cmd.Stdin = bytes.NewReader(ciphertext)
	out := newLimitedBuffer(len(ciphertext), maxPlaintext)
	stderr := child.NewStderr()
	cmd.Stdout, cmd.Stderr = out, stderr
	c.ageMu.Lock()
	err = cmd.Run()
	c.ageMu.Unlock()
	if out.over {
		// Checked first: age then fails on the pipe closed under it.
		out.wipe()
		return nil, fmt.Errorf("age decrypt: %w", errTooLarge)
	}
	if err != nil {
		out.wipe()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, ageRunError(c.ageBinary(), args, err, stderr.Bytes())
	}
	return out.Bytes(), nil
}

func ageRunError(bin string, args []string, err error, stderr []byte) error {
	code := -1
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if len(stderr) == 0 {
		stderr = []byte(err.Error())
	}
	return &AgeError{Args: append([]string{bin}, args...), ExitCode: code, Stderr: bytes.Clone(stderr)}
}

// ageArg is one recipient argument of `age --encrypt`: -r PUBLICKEY, or
// -i FILE for an ssh private key whose public half ageio does not know.
func ageArg(r age.Recipient) (flag, value string) {
	if s, ok := r.(*SSHRecipient); ok && s.pub == nil {
		return "-i", s.idFile
	}
	return "-r", recipientKey(r)
}

// encryptWithAge starts `age --encrypt -r R…` writing to dst; the returned
// writer feeds its stdin and Close waits for it. key names the ssh
// recipient that made it necessary.
func (c *Client) encryptWithAge(ctx context.Context, dst io.Writer, rs []age.Recipient, key string) (io.WriteCloser, error) {
	args := []string{"--encrypt"}
	for _, r := range rs {
		f, v := ageArg(r)
		args = append(args, f, v)
	}
	bin, err := c.findAge(key)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = c.childEnv()
	cmd.Stdout = dst
	stderr := child.NewStderr()
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("age encrypt: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, &NeedAgeError{Key: key, Binary: c.ageBinary(), Err: err}
	}
	name := c.ageBinary() // as the user knows it, for the error
	return child.NewWriter(cmd, stdin, "age encrypt", func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return ageRunError(name, args, err, stderr.Bytes())
	}), nil
}
