package app

// Terminal input of the write path (compat §5.2, §8): the URI or secret of
// insert and append, read hidden and twice, visibly once with -e, or as the
// first line of a non-terminal stdin; and pass's [y/N] questions.
//
// Input is read byte by byte straight from the stdin file, so nothing typed
// ahead for a later prompt is swallowed by a buffer.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// mismatchError is a retyped URI or secret that differs from the first
// answer (compat §5.3).
type mismatchError struct{ what string } // "URIs" or "secrets"

func (e *mismatchError) Error() string   { return "the entered " + e.what + " do not match" }
func (e *mismatchError) Message() string { return "Error: the entered " + e.what + " do not match." }

// trimInput trims what bash's `read -r` with the default IFS trims: spaces,
// tabs and newlines at both ends. A carriage return is kept (compat §8).
func trimInput(s string) string {
	return strings.Trim(s, " \t\n")
}

// readLine reads one line from f byte by byte, without the newline. eof is
// true when the input ended before a newline.
func readLine(f *os.File) (line []byte, eof bool, err error) {
	var b [1]byte
	for {
		n, err := f.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return line, false, nil
			}
			line = append(line, b[0])
			continue
		}
		if err == io.EOF {
			return line, true, nil
		}
		if err != nil {
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			return line, true, err
		}
	}
}

// readHidden prints prompt on stderr and reads one line with the
// terminal's echo turned off, then prints the "\n" bash's `echo` adds on
// stdout (compat §5.1 quirk). End of input, even after some characters,
// is errSilent, as `read -s ... || exit 1`.
func (a *App) readHidden(prompt string) (string, error) {
	line, eof, err := readNoEcho(a.Stdin, a.Stderr, prompt)
	if err != nil || eof {
		clear(line)
		return "", errSilent
	}
	fmt.Fprintln(a.Stdout)
	s := trimInput(string(line))
	clear(line)
	return s, nil
}

// readNoEcho turns off the echo of the terminal in, only then shows prompt
// on out (so an answer typed or pasted the moment the prompt appears is
// never echoed), reads one line and restores the terminal. A signal
// meanwhile restores it before the process dies with that signal.
func readNoEcho(in *os.File, out io.Writer, prompt string) (line []byte, eof bool, err error) {
	restore, err := echoOff(int(in.Fd()))
	if err != nil {
		return nil, false, fmt.Errorf("turn off terminal echo: %w", err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			restore()
			fmt.Fprintln(out)
			signal.Reset(sig)
			if s, ok := sig.(syscall.Signal); ok {
				syscall.Kill(syscall.Getpid(), s)
			}
			os.Exit(1)
		case <-done:
		}
	}()
	fmt.Fprint(out, prompt)
	line, eof, err = readLine(in)
	close(done)
	signal.Stop(sigs)
	restore()
	return line, eof, err
}

// readEchoed prints prompt on stderr and reads one visible line; end of
// input gives the empty string (bash `read -e` without `|| exit`).
func (a *App) readEchoed(prompt string) (string, error) {
	fmt.Fprint(a.Stderr, prompt)
	line, _, err := readLine(a.Stdin)
	if err != nil {
		return "", err
	}
	s := trimInput(string(line))
	clear(line)
	return s, nil
}

// readValue reads the URI (what = "otpauth:// URI", plural "URIs") or the
// secret (what = "secret", plural "secrets") for P as compat §8 says:
// without a terminal the first line, trimmed, no prompt; on a terminal
// hidden and retyped, or with echo shown once.
func (a *App) readValue(what, plural, p string, echo bool) (string, error) {
	if !a.stdinIsTerminal() {
		line, _, err := readLine(a.Stdin)
		if err != nil {
			return "", fmt.Errorf("read stdin: %w", err)
		}
		s := trimInput(string(line))
		clear(line)
		return s, nil
	}
	if echo {
		return a.readEchoed("Enter " + what + " for " + p + ": ")
	}
	first, err := a.readHidden("Enter " + what + " for " + p + ": ")
	if err != nil {
		return "", err
	}
	again, err := a.readHidden("Retype " + what + " for " + p + ": ")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", &mismatchError{what: plural}
	}
	return first, nil
}

// yesno asks question (without the " [y/N] " suffix) on a terminal and
// returns errSilent unless the answer is y or Y. Without a terminal the
// answer is yes (pass's yesno).
func (a *App) yesno(question string) error {
	if !a.stdinIsTerminal() {
		return nil
	}
	fmt.Fprint(a.Stderr, question+" [y/N] ")
	line, _, err := readLine(a.Stdin)
	if err != nil {
		return err
	}
	if r := trimInput(string(line)); r == "y" || r == "Y" {
		return nil
	}
	return errSilent
}
