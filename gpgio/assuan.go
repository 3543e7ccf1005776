package gpgio

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Assuan (gpgio.md §8.2): line-based request/response over a Unix socket.

// maxAssuanLine is the longest line without its LF that peers must accept.
const maxAssuanLine = 1000

// maxSunPath is the room in sockaddr_un.sun_path, less the NUL.
const maxSunPath = 107

// conn is the transport of an assuanConn: a unix socket as an *os.File
// (dialUnix), or one end of a net.Pipe in tests.
type conn interface {
	io.ReadWriteCloser
	SetDeadline(t time.Time) error
}

// assuanConn is a client connection to gpg-agent or keyboxd.
type assuanConn struct {
	conn  conn
	r     *bufio.Reader
	trace func(format string, args ...any) // nil: off
}

// dialAssuan connects to socket ("S.gpg-agent" or "S.keyboxd") of h and
// reads the greeting. If nothing listens it runs `gpgconf --launch
// <launch>` once and retries, then asks gpgconf for the socket path. It
// returns an error wrapping ErrNoAgent when the daemon stays unreachable.
func dialAssuan(ctx context.Context, h *home, socket string, launch string) (*assuanConn, error) {
	path, err := h.socketPath(socket)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	conn, err := dialUnix(ctx, path)
	if err != nil && launch != "" && notListening(err) {
		if lerr := h.gpgconf(ctx, "--launch", launch); lerr == nil {
			conn, err = dialUnix(ctx, path)
		}
		if err != nil && notListening(err) {
			// Exotic setups (gpgconf.ctl, odd runtime dirs): ask gpgconf.
			item := "agent-socket"
			if launch == "keyboxd" {
				item = "keyboxd-socket"
			}
			if out, gerr := h.gpgconfOutput(ctx, "--list-dirs", item); gerr == nil {
				if alt := strings.TrimSpace(out); alt != "" && alt != path {
					conn, err = dialUnix(ctx, alt)
				}
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	a := &assuanConn{conn: conn, r: bufio.NewReaderSize(conn, 4096)}
	if _, err := a.transact(ctx, "", nil, nil); err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: greeting: %v", ErrNoAgent, err)
	}
	return a, nil
}

// dialUnix connects to the unix stream socket at path. It makes the
// socket itself rather than use package net: a net.Dialer links the whole
// resolver (DNS, /etc/hosts, nsswitch parsing), ~0.3 ms of every run's
// start-up (issue 3), for a socket that never needs it. The connect is
// non-blocking, as net's is: a listener with a full backlog gives EAGAIN
// at once instead of hanging. The *os.File is in the runtime poller, so
// SetDeadline (how transact honours ctx) works.
func dialUnix(ctx context.Context, path string) (*os.File, error) {
	if len(path) > maxSunPath {
		return nil, fmt.Errorf("socket path %s is %d bytes, longer than %d", path, len(path), maxSunPath)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	syscall.ForkLock.RLock() // no exec may inherit the descriptor before CloseOnExec
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, &os.SyscallError{Syscall: "socket", Err: err}
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, &os.SyscallError{Syscall: "setnonblock", Err: err}
	}
	for {
		err = syscall.Connect(fd, &syscall.SockaddrUnix{Name: path})
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		syscall.Close(fd)
		return nil, &os.PathError{Op: "dial unix", Path: path, Err: os.NewSyscallError("connect", err)} // net.Dialer's wording
	}
	return os.NewFile(uintptr(fd), path), nil
}

// notListening reports whether a dial error means that no daemon is running.
func notListening(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, os.ErrNotExist)
}

// gpgconf runs gpgconf with GNUPGHOME set to the home.
func (h *home) gpgconf(ctx context.Context, args ...string) error {
	_, err := h.gpgconfOutput(ctx, args...)
	return err
}

func (h *home) gpgconfOutput(ctx context.Context, args ...string) (string, error) {
	prog, err := lookPathEnv(h.env, "gpgconf")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Args[0] = "gpgconf"
	cmd.Env = setEnv(append([]string(nil), h.env...), "GNUPGHOME", h.dir)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("gpgconf %s: %w", strings.Join(args, " "), err)
	}
	return out.String(), nil
}

// close ends the connection (the agent drops any pinentry it runs for us).
func (a *assuanConn) close() error {
	if a == nil || a.conn == nil {
		return nil
	}
	_, _ = io.WriteString(a.conn, "BYE\n")
	err := a.conn.Close()
	a.conn = nil
	return err
}

// transact sends cmd (unless it is "", which only reads a reply, as for
// the greeting) and reads until OK or ERR. D lines are decoded and
// returned; status lines go to status; INQUIRE lines are answered with
// what inquire returns (an error sends CAN). An ERR reply is an
// *AgentError. Cancelling ctx closes the connection.
func (a *assuanConn) transact(ctx context.Context, cmd string, inquire func(keyword string) ([]byte, error), status func(keyword, args string)) ([]byte, error) {
	if a.conn == nil {
		return nil, errors.New("assuan: connection closed")
	}
	conn := a.conn
	conn.SetDeadline(time.Time{})
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	data, err := a.exchange(cmd, inquire, status)
	stop()
	if err != nil && ctx.Err() != nil {
		// The connection is in an unknown state now.
		conn.Close()
		a.conn = nil
		return nil, ctx.Err()
	}
	return data, err
}

func (a *assuanConn) exchange(cmd string, inquire func(string) ([]byte, error), status func(string, string)) ([]byte, error) {
	if cmd != "" {
		if err := a.writeLine(cmd); err != nil {
			return nil, err
		}
		a.tracef("-> %s", traceCommand(cmd))
	}
	var data []byte
	for {
		line, err := a.readLine()
		if err != nil {
			return nil, err
		}
		kind, rest := parseResponse(line)
		switch kind {
		case respComment:
			continue
		case respOK:
			a.tracef("<- OK %s", rest)
			return data, nil
		case respERR:
			a.tracef("<- ERR %s", rest)
			zero(data)
			return nil, parseERR(rest)
		case respStatus:
			kw, args, _ := strings.Cut(string(rest), " ")
			a.tracef("<- S %s %s", kw, args)
			if status != nil {
				status(kw, args)
			}
		case respData:
			dec, err := percentDecode(rest)
			if err != nil {
				return nil, fmt.Errorf("assuan: %w", err)
			}
			a.tracef("<- D [%d bytes]", len(dec))
			data = append(data, dec...)
		case respInquire:
			kw, _, _ := strings.Cut(string(rest), " ")
			a.tracef("<- INQUIRE %s", kw)
			if inquire == nil {
				if err := a.writeLine("CAN"); err != nil {
					return nil, err
				}
				continue
			}
			payload, ierr := inquire(kw)
			if ierr != nil {
				a.tracef("-> CAN")
				if err := a.writeLine("CAN"); err != nil {
					return nil, err
				}
				continue
			}
			err := a.sendData(payload)
			a.tracef("-> D [%d bytes]", len(payload))
			a.tracef("-> END")
			if err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("assuan: unexpected line %q", truncate(line, 40))
		}
	}
}

func (a *assuanConn) tracef(format string, args ...any) {
	if a.trace != nil {
		a.trace("assuan: "+format, args...)
	}
}

// traceCommand shows a command with its arguments, except a D line.
func traceCommand(cmd string) string {
	if strings.HasPrefix(cmd, "D ") {
		return fmt.Sprintf("D [%d bytes]", len(cmd)-2)
	}
	return cmd
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

func (a *assuanConn) writeLine(s string) error {
	if len(s) > maxAssuanLine {
		return fmt.Errorf("assuan: command line longer than %d bytes", maxAssuanLine)
	}
	_, err := io.WriteString(a.conn, s+"\n")
	return err
}

// sendData sends payload as escaped D lines followed by END, in one write.
func (a *assuanConn) sendData(payload []byte) error {
	buf := encodeDataLines(payload)
	buf = append(buf, "END\n"...)
	_, err := a.conn.Write(buf)
	zero(buf)
	return err
}

// encodeDataLines splits payload into "D ..." lines of at most
// maxAssuanLine bytes, never inside an escape.
func encodeDataLines(payload []byte) []byte {
	var out []byte
	lineLen := 0
	for i, c := range payload {
		if lineLen == 0 {
			out = append(out, 'D', ' ')
			lineLen = 2
		}
		switch c {
		case '%', '\r', '\n':
			out = append(out, '%', hexUpper[c>>4], hexUpper[c&15])
			lineLen += 3
		default:
			out = append(out, c)
			lineLen++
		}
		if lineLen >= maxAssuanLine-3 || i == len(payload)-1 {
			out = append(out, '\n')
			lineLen = 0
		}
	}
	return out
}

const hexUpper = "0123456789ABCDEF"

// readLine reads one line without its LF.
func (a *assuanConn) readLine() ([]byte, error) {
	var line []byte
	for {
		frag, err := a.r.ReadSlice('\n')
		line = append(line, frag...)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) && len(line) <= 8*maxAssuanLine {
			continue
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, errors.New("assuan: response line too long")
		}
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return line[:len(line)-1], nil
}

type respKind int

const (
	respUnknown respKind = iota
	respOK
	respERR
	respStatus
	respData
	respInquire
	respComment
)

// parseResponse classifies a server line (without its LF) and returns
// what follows the keyword and one space.
func parseResponse(line []byte) (respKind, []byte) {
	word := func(w string) ([]byte, bool) {
		if !bytes.HasPrefix(line, []byte(w)) {
			return nil, false
		}
		rest := line[len(w):]
		if len(rest) == 0 {
			return rest, true
		}
		if rest[0] != ' ' {
			return nil, false
		}
		return rest[1:], true
	}
	if len(line) > 0 && line[0] == '#' {
		return respComment, line[1:]
	}
	if rest, ok := word("OK"); ok {
		return respOK, rest
	}
	if rest, ok := word("ERR"); ok {
		return respERR, rest
	}
	if rest, ok := word("S"); ok {
		return respStatus, rest
	}
	if rest, ok := word("D"); ok {
		return respData, rest
	}
	if rest, ok := word("INQUIRE"); ok {
		return respInquire, rest
	}
	return respUnknown, nil
}

// parseERR turns "<number> <text>" into an *AgentError.
func parseERR(rest []byte) *AgentError {
	num, text, _ := strings.Cut(string(rest), " ")
	n, err := strconv.ParseUint(num, 10, 32)
	if err != nil {
		return &AgentError{Text: strings.TrimSpace(string(rest))}
	}
	text = strings.TrimSpace(text)
	// libassuan appends " <source-name>" in angle brackets; keep it.
	return &AgentError{Source: int(n >> 24 & 0x7f), Code: int(n & 0xffff), Text: text}
}

// percentDecode decodes %XX escapes.
func percentDecode(b []byte) ([]byte, error) {
	if bytes.IndexByte(b, '%') < 0 {
		return append([]byte(nil), b...), nil
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '%' {
			out = append(out, b[i])
			continue
		}
		if i+2 >= len(b) {
			return nil, errors.New("truncated percent escape")
		}
		hi, ok1 := hexNibble(b[i+1])
		lo, ok2 := hexNibble(b[i+2])
		if !ok1 || !ok2 {
			return nil, errors.New("bad percent escape")
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return out, nil
}

func hexNibble(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// percentEscape escapes %, CR and LF as in D lines.
func percentEscape(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch c {
		case '%', '\r', '\n':
			out = append(out, '%', hexUpper[c>>4], hexUpper[c&15])
		default:
			out = append(out, c)
		}
	}
	return out
}

// percentPlusEscape escapes text for SETKEYDESC: space becomes '+', and
// '+', '"', '%' and bytes below 0x20 become %XX.
func percentPlusEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteByte('+')
		case c == '+' || c == '"' || c == '%' || c < 0x20:
			b.WriteByte('%')
			b.WriteByte(hexUpper[c>>4])
			b.WriteByte(hexUpper[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// percentPlusUnescape reverses percentPlusEscape.
func percentPlusUnescape(s string) (string, error) {
	b, err := percentDecode([]byte(strings.ReplaceAll(s, "+", " ")))
	return string(b), err
}

// lookPathEnv finds prog in env's PATH (the process PATH if env has none).
func lookPathEnv(env []string, prog string) (string, error) {
	pathEnv, ok := lookupEnv(env, "PATH")
	if !ok {
		// No PATH in Options.Env: nothing to search (the process's own
		// PATH is not gpgio's to read).
		return "", fmt.Errorf("%s: %w (no PATH)", prog, exec.ErrNotFound)
	}
	for _, dir := range strings.Split(pathEnv, ":") {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + prog
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", prog, exec.ErrNotFound)
}
