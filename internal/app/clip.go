package app

// The clipboard of `code -c` and `uri -c` (compat §10.5), as pass's clip():
// wl-copy/wl-paste on Wayland, xclip with PASSWORD_STORE_X_SELECTION on
// X11, the previous content restored after PASSWORD_STORE_CLIP_TIME seconds
// by a detached timer process (timer.go). The value reaches every child on
// stdin or a pipe, never in argv or the environment.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Clipboard errors, worded as pass's (compat §5.3).
var (
	errNoDisplay = &plainError{"Error: No X11 or Wayland display detected"}
	errCopyFail  = &plainError{"Error: Could not copy data to the clipboard"}
)

// clipboard is a clipboard back end: the commands that copy (value on
// stdin) and paste (value on stdout), and the display they serve, which
// names the timer process.
type clipboard struct {
	Copy  []string `json:"copy"`
	Paste []string `json:"paste"`
	Name  string   `json:"name"` // the timer's command line (timerName)
}

// clipboard picks the back end from the environment as pass does.
func (a *App) clipboard() (*clipboard, error) {
	if c := platformClipboard(); c != nil {
		return c, nil
	}
	sel := a.Getenv("PASSWORD_STORE_X_SELECTION")
	if sel == "" {
		sel = "clipboard"
	}
	if d := a.Getenv("WAYLAND_DISPLAY"); d != "" {
		c := &clipboard{Copy: []string{"wl-copy"}, Paste: []string{"wl-paste", "-n"}, Name: timerName(d)}
		if sel == "primary" {
			c.Copy = append(c.Copy, "--primary")
			c.Paste = append(c.Paste, "--primary")
		}
		return c, nil
	}
	if d := a.Getenv("DISPLAY"); d != "" {
		return &clipboard{
			Copy:  []string{"xclip", "-selection", sel},
			Paste: []string{"xclip", "-o", "-selection", sel},
			Name:  timerName(d),
		}, nil
	}
	return nil, errNoDisplay
}

// clipboardUsable checks, before a HOTP counter moves, that a display is
// there and its copy command can be run.
func (a *App) clipboardUsable() error {
	c, err := a.clipboard()
	if err != nil {
		return err
	}
	if _, err := a.lookPath(c.Copy[0]); err != nil {
		return errCopyFail
	}
	return nil
}

// lookPath finds a program on the PATH of the environment passotp was given.
func (a *App) lookPath(prog string) (string, error) {
	return lookPathIn(prog, a.Getenv("PATH"))
}

// lookPathIn is exec.LookPath with an explicit PATH.
func lookPathIn(prog, path string) (string, error) {
	if strings.ContainsRune(prog, '/') {
		return exec.LookPath(prog)
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + prog
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// command returns an exec.Cmd for argv with the children's environment.
func (a *App) command(ctx context.Context, argv []string) (*exec.Cmd, error) {
	p, err := a.lookPath(argv[0])
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, p, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = a.ChildEnv()
	return cmd, nil
}

// copyToClipboard copies value as pass's clip() does: end an earlier timer
// for this display (which restores at once), save the clipboard, copy,
// and start the timer that restores the saved content.
func (a *App) copyToClipboard(ctx context.Context, value string) error {
	c, err := a.clipboard()
	if err != nil {
		return err
	}
	endTimers(c.Name)
	before, _ := a.paste(ctx, c) // errors ignored, as pass
	if err := a.copyValue(ctx, c, []byte(value)); err != nil {
		return errCopyFail
	}
	// The timer is best effort, as pass's background subshell.
	_ = a.startTimer(c, []byte(value), before)
	return nil
}

// paste returns the clipboard's content (binary-safe).
func (a *App) paste(ctx context.Context, c *clipboard) ([]byte, error) {
	return runPaste(ctx, c, a.ChildEnv(), a.lookPath)
}

// copyValue writes value to the clipboard through the copy command's stdin.
// xclip and wl-copy fork a server that keeps the selection, so the child's
// stdout goes to /dev/null (a pipe would keep Wait waiting for the server)
// and its stderr to passotp's stderr only when that is a file.
func (a *App) copyValue(ctx context.Context, c *clipboard, value []byte) error {
	var stderr *os.File
	if f, ok := a.Stderr.(*os.File); ok {
		stderr = f
	}
	return runCopy(ctx, c, value, a.ChildEnv(), a.lookPath, stderr)
}

func runPaste(ctx context.Context, c *clipboard, env []string, look func(string) (string, error)) ([]byte, error) {
	p, err := look(c.Paste[0])
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p, c.Paste[1:]...)
	cmd.Args[0] = c.Paste[0]
	cmd.Env = env
	return cmd.Output()
}

func runCopy(ctx context.Context, c *clipboard, value []byte, env []string, look func(string) (string, error), stderr *os.File) error {
	p, err := look(c.Copy[0])
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, p, c.Copy[1:]...)
	cmd.Args[0] = c.Copy[0]
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(value)
	if stderr != nil {
		cmd.Stderr = stderr
	}
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil
	}
	return err
}
