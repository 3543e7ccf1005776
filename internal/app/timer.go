package app

// The clipboard timer (compat §10.5): a detached process whose command line
// is `password store sleep on display DISP`, exactly the name pass gives
// its own timer, so that pass and passotp end each other's timers. It is
// this binary started again with that argv[0] and nothing else on its
// command line; what it needs (the copied value, the saved clipboard, the
// commands and CLIP_TIME) arrives as JSON on a pipe to its stdin. The
// package's init recognises the name and runs [timerMain] before anything
// else, so the timer works whatever main package links this one.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// timerPrefix starts the command line of every clipboard timer.
const timerPrefix = "password store sleep "

// timerName is the command line of the timer of a display.
func timerName(display string) string {
	return timerPrefix + "on display " + display
}

// timerJob is what the timer reads on stdin.
type timerJob struct {
	Clipboard clipboard `json:"clipboard"`
	ClipTime  string    `json:"clip_time"`
	Value     []byte    `json:"value"`
	Before    []byte    `json:"before"`
}

func init() {
	if len(os.Args) == 1 && strings.HasPrefix(os.Args[0], timerPrefix) {
		os.Exit(timerMain(os.Stdin))
	}
}

// startTimer starts the detached timer for c that restores before, unless
// the clipboard no longer holds value when the time is up.
func (a *App) startTimer(c *clipboard, value, before []byte) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	job, err := json.Marshal(timerJob{Clipboard: *c, ClipTime: a.clipTime(), Value: value, Before: before})
	if err != nil {
		return err
	}
	defer clear(job)
	cmd := exec.Command(exe)
	cmd.Args = []string{c.Name}
	cmd.Env = a.ChildEnv()
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	w, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	// The timer reports on fd 3 once it has its job and handles SIGTERM,
	// so that a copy right after this one ends it cleanly (it restores)
	// instead of killing it before it can.
	ready, readyW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer ready.Close()
	cmd.ExtraFiles = []*os.File{readyW}
	err = cmd.Start()
	readyW.Close()
	if err != nil {
		return err
	}
	// Reap the timer if this process lives longer than it (tests).
	go cmd.Wait()
	_, err = w.Write(job)
	w.Close()
	if err != nil {
		return err
	}
	ready.SetReadDeadline(time.Now().Add(5 * time.Second))
	var b [1]byte
	if _, err := ready.Read(b[:]); err != nil {
		return fmt.Errorf("clipboard timer did not start: %w", err)
	}
	return nil
}

// timerMain is the timer process: read the job, sleep CLIP_TIME seconds
// or until SIGTERM, then restore. It returns the exit status.
func timerMain(stdin io.Reader) int {
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT)
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	b, err := io.ReadAll(stdin)
	if err != nil {
		return 1
	}
	var job timerJob
	err = json.Unmarshal(b, &job)
	clear(b)
	if err != nil || len(job.Clipboard.Copy) == 0 || len(job.Clipboard.Paste) == 0 {
		return 1
	}
	if ready := os.NewFile(3, "ready"); ready != nil {
		ready.Write([]byte{1})
		ready.Close()
	}
	if d, ok := sleepDuration(job.ClipTime); ok {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-term:
		}
	}
	ctx := context.Background()
	env := os.Environ()
	now, _ := runPaste(ctx, &job.Clipboard, env, exec.LookPath)
	if !bytes.Equal(now, job.Value) {
		job.Before = now
	}
	if p, err := exec.LookPath("qdbus"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		exec.CommandContext(ctx, p, "org.kde.klipper", "/klipper", "org.kde.klipper.klipper.clearClipboardHistory").Run()
		cancel()
	}
	if err := runCopy(ctx, &job.Clipboard, job.Before, env, exec.LookPath, nil); err != nil {
		return 1
	}
	return 0
}

// sleepDuration parses CLIP_TIME as coreutils sleep does: a non-negative
// decimal number with an optional s, m, h or d suffix. A value sleep would
// refuse gives ok false (pass's timer then restores at once).
func sleepDuration(s string) (time.Duration, bool) {
	mult := time.Second
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 's':
			s = s[:n-1]
		case 'm':
			mult, s = time.Minute, s[:n-1]
		case 'h':
			mult, s = time.Hour, s[:n-1]
		case 'd':
			mult, s = 24*time.Hour, s[:n-1]
		}
	}
	if s == "" || strings.ContainsAny(s, "xXpPnN_") { // no hex, inf, nan
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || f < 0 {
		return 0, false
	}
	if d := f * float64(mult); d < float64(math.MaxInt64) {
		return time.Duration(d), true
	}
	return math.MaxInt64, true // sleep's "forever"
}

// endTimers sends SIGTERM to every process of this user whose command line
// starts with name (pass's `pkill -f "^name"`). An ended timer restores the
// clipboard at once; pass then sleeps 0.5 s, passotp also waits (up to 5 s)
// until those processes are gone, so the restore is done before the
// clipboard is saved again even on a loaded machine.
func endTimers(name string) {
	pids := timerPIDs(name)
	if len(pids) == 0 {
		return
	}
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	time.Sleep(500 * time.Millisecond)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		alive := false
		for _, pid := range pids {
			alive = alive || syscall.Kill(pid, 0) == nil
		}
		if !alive {
			return
		}
	}
}
