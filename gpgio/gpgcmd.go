package gpgio

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

	"github.com/passotp/passotp/internal/child"
)

// gpgProgram resolves the gpg program as pass does: Options.GPG, else
// "gpg2" when it is on PATH, else "gpg". PATH is taken from Options.Env.
// It returns the name pass would compare ("gpg2"/"gpg"/Options.GPG) and
// the path to run.
func (c *Client) gpgProgram() (name, path string, err error) {
	name = c.o.GPG
	if name == "" {
		if p, err := c.lookPath("gpg2"); err == nil {
			return "gpg2", p, nil
		}
		name = "gpg"
	}
	path, err = c.lookPath(name)
	if err != nil {
		return name, "", fmt.Errorf("%w: %s", ErrNoGPG, name)
	}
	return name, path, nil
}

// lookPath finds prog in the PATH of Options.Env (or the process PATH
// when Env has none). A name with a slash is used as is.
func (c *Client) lookPath(prog string) (string, error) {
	if strings.Contains(prog, "/") {
		if isExecutable(prog) {
			return prog, nil
		}
		return "", fmt.Errorf("%s: not an executable file", prog)
	}
	return lookPathEnv(c.o.Env, prog)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// gpgOptions returns pass's GPG_OPTS: GPGArgs, the fixed options, and
// --batch --use-agent when the program is gpg2 or GPG_AGENT_INFO is set.
func (c *Client) gpgOptions(name string) []string {
	opts := append([]string(nil), c.o.GPGArgs...)
	opts = append(opts, "--quiet", "--yes", "--compress-algo=none", "--no-encrypt-to")
	if filepath.Base(name) == "gpg2" || getenv(c.o.Env, "GPG_AGENT_INFO") != "" {
		opts = append(opts, "--batch", "--use-agent")
	}
	return opts
}

// childEnv is Options.Env plus GNUPGHOME and GPG_TTY when those are set.
func (c *Client) childEnv() []string {
	env := append([]string(nil), c.o.Env...)
	if c.o.Home != "" {
		env = setEnv(env, "GNUPGHOME", c.o.Home)
	}
	if c.o.TTY != "" {
		env = setEnv(env, "GPG_TTY", c.o.TTY)
	}
	return env
}

// setEnv replaces or appends name=value.
func setEnv(env []string, name, value string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return append(out, name+"="+value)
}

// command builds an *exec.Cmd for gpg with the given arguments.
func (c *Client) command(ctx context.Context, args []string) (*exec.Cmd, []string, error) {
	name, path, err := c.gpgProgram()
	if err != nil {
		return nil, nil, err
	}
	argv := append([]string{name}, args...)
	cmd := exec.CommandContext(ctx, path)
	cmd.Args = argv
	cmd.Env = c.childEnv()
	c.tracef("gpgio: run %s", strings.Join(argv, " "))
	return cmd, argv, nil
}

// gpgDecrypt runs `gpg -d GPG_OPTS` with ciphertext on stdin, as pass does.
func (c *Client) gpgDecrypt(ctx context.Context, ciphertext []byte) ([]byte, error) {
	name, _, err := c.gpgProgram()
	if err != nil {
		return nil, err
	}
	args := append([]string{"-d"}, c.gpgOptions(name)...)
	cmd, argv, err := c.command(ctx, args)
	if err != nil {
		return nil, err
	}
	var stdout bytes.Buffer
	stderr := child.NewStderr()
	cmd.Stdin = bytes.NewReader(ciphertext)
	cmd.Stdout = &stdout
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		zero(stdout.Bytes())
		return nil, gpgRunError(ctx, argv, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

// gpgRunError turns an exec error into a *GPGError (or the context error).
func gpgRunError(ctx context.Context, argv []string, err error, stderr []byte) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &GPGError{Args: argv, ExitCode: ee.ExitCode(), Stderr: stderr}
	}
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: %v", ErrNoGPG, err)
	}
	return fmt.Errorf("run %s: %w", argv[0], err)
}

// gpgEncrypt runs `gpg -e -r LINE... -o - GPG_OPTS`; what is written to
// the returned writer is streamed to gpg's stdin, and its stdout goes to
// dst. Close waits for gpg and reports its failure as a *GPGError.
func (c *Client) gpgEncrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error) {
	name, _, err := c.gpgProgram()
	if err != nil {
		return nil, err
	}
	args := []string{"-e"}
	for _, r := range recipients {
		args = append(args, "-r", r)
	}
	args = append(args, "-o", "-")
	args = append(args, c.gpgOptions(name)...)
	cmd, argv, err := c.command(ctx, args)
	if err != nil {
		return nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stderr := child.NewStderr()
	cmd.Stdout = dst
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		stdin.Close()
		return nil, gpgRunError(ctx, argv, err, nil)
	}
	return child.NewWriter(cmd, stdin, "gpg", func(err error) error {
		// gpg stopped reading, or failed at the end: its exit status says why.
		return gpgRunError(ctx, argv, err, stderr.Bytes())
	}), nil
}

// zero overwrites b (best effort: Go may have copied it).
func zero(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
