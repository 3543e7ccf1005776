package gpgio

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// step is one exchange of a scripted Assuan server: it expects a client
// line (unless expect is "") and then writes reply.
type step struct {
	expect string
	reply  string
}

// fakeServer serves steps on one end of a net.Pipe and reports the first
// mismatch on errc.
func fakeServer(t *testing.T, steps []step) (*assuanConn, <-chan error) {
	t.Helper()
	client, server := net.Pipe()
	errc := make(chan error, 1)
	go func() {
		defer server.Close()
		r := bufio.NewReader(server)
		for _, s := range steps {
			if s.expect != "" {
				line, err := r.ReadString('\n')
				if err != nil {
					errc <- err
					return
				}
				line = strings.TrimSuffix(line, "\n")
				if line != s.expect {
					errc <- errors.New("got line " + line + ", want " + s.expect)
					return
				}
			}
			if _, err := io.WriteString(server, s.reply); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
		io.Copy(io.Discard, r) // stay connected until the client hangs up
	}()
	t.Cleanup(func() { client.Close() })
	return &assuanConn{conn: client, r: bufio.NewReader(client)}, errc
}

func TestAssuanTransact(t *testing.T) {
	ctx := context.Background()
	a, errc := fakeServer(t, []step{
		{"", "# Home: /x\n# Config: /x/y\nOK Pleased to meet you, process 1\n"},
		{"GETINFO version", "D 2.2.40\nOK\n"},
		{"PKDECRYPT", "S INQUIRE_MAXLEN 4096\nINQUIRE CIPHERTEXT\n"},
		{"D a%25b%0Ac%0D", ""},
		{"END", "S PADDING 0\nD (5:value3:%00%0A\nD %25)\nOK\n"},
		{"HAVEKEY 00", "ERR 67108881 No secret key <gpg-agent>\n"},
		{"PKDECRYPT", "INQUIRE PASSPHRASE\n"},
		{"CAN", "ERR 83886179 Operation cancelled <Pinentry>\n"},
	})
	if _, err := a.transact(ctx, "", nil, nil); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	got, err := a.transact(ctx, "GETINFO version", nil, nil)
	if err != nil || string(got) != "2.2.40" {
		t.Fatalf("GETINFO = %q, %v", got, err)
	}
	var statuses []string
	got, err = a.transact(ctx, "PKDECRYPT", func(kw string) ([]byte, error) {
		if kw != "CIPHERTEXT" {
			t.Errorf("inquiry %q", kw)
		}
		return []byte("a%b\nc\r"), nil
	}, func(kw, args string) { statuses = append(statuses, kw+"="+args) })
	if err != nil || string(got) != "(5:value3:\x00\n%)" {
		t.Fatalf("PKDECRYPT = %q, %v", got, err)
	}
	if strings.Join(statuses, ",") != "INQUIRE_MAXLEN=4096,PADDING=0" {
		t.Errorf("statuses = %q", statuses)
	}
	_, err = a.transact(ctx, "HAVEKEY 00", nil, nil)
	var ae *AgentError
	if !errors.As(err, &ae) || ae.Source != 4 || ae.Code != 17 || !strings.HasPrefix(ae.Text, "No secret key") {
		t.Fatalf("HAVEKEY error = %#v", err)
	}
	if !errors.Is(mapAgentError(err), ErrNoSecretKey) {
		t.Errorf("mapAgentError(%v) is not ErrNoSecretKey", err)
	}
	_, err = a.transact(ctx, "PKDECRYPT", func(string) ([]byte, error) { return nil, errors.New("no") }, nil)
	if !errors.As(err, &ae) || ae.Source != 5 || ae.Code != 99 || !errors.Is(mapAgentError(err), ErrCanceled) {
		t.Fatalf("cancelled inquiry error = %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestAgentErrorMapping(t *testing.T) {
	tests := []struct {
		n    uint32
		want error
	}{
		{4<<24 | 17, ErrNoSecretKey},
		{4<<24 | 11, ErrBadPassphrase},
		{5<<24 | 99, ErrCanceled},
		{4<<24 | 198, ErrCanceled},
		{5<<24 | 62, ErrCanceled},
		{4<<24 | 32870, ErrNoPinentry},
		{4<<24 | 85, ErrNoPinentry},
		{4<<24 | 86, ErrNoPinentry},
	}
	for _, tt := range tests {
		err := mapAgentError(parseERR([]byte(strings.TrimSpace(itoa(tt.n) + " text"))))
		if !errors.Is(err, tt.want) {
			t.Errorf("ERR %d -> %v, want %v", tt.n, err, tt.want)
		}
	}
	var ae *AgentError
	if err := mapAgentError(parseERR([]byte("67108922 Other <gpg-agent>"))); !errors.As(err, &ae) || ae.Code != 58 {
		t.Errorf("unknown code -> %v", err)
	}
}

func itoa(n uint32) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

func TestAssuanLongData(t *testing.T) {
	payload := bytes.Repeat([]byte("%\n\rx"), 1500)
	enc := encodeDataLines(payload)
	var dec []byte
	for _, line := range strings.Split(strings.TrimSuffix(string(enc), "\n"), "\n") {
		if len(line) > maxAssuanLine {
			t.Fatalf("line of %d bytes", len(line))
		}
		kind, rest := parseResponse([]byte(line))
		if kind != respData {
			t.Fatalf("line %q is not D", line)
		}
		b, err := percentDecode(rest)
		if err != nil {
			t.Fatal(err)
		}
		dec = append(dec, b...)
	}
	if !bytes.Equal(dec, payload) {
		t.Errorf("round trip of %d bytes failed", len(payload))
	}
}

func TestAssuanCancel(t *testing.T) {
	a, _ := fakeServer(t, []step{{"PKDECRYPT", ""}}) // never answers, like a pinentry
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := a.transact(ctx, "PKDECRYPT", nil, nil)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("transact did not return after cancel (hang)")
	}
}

func TestPercentPlus(t *testing.T) {
	desc := "Please enter:\n\"Test <a+b@x>\"\n100% sure"
	enc := percentPlusEscape(desc)
	if strings.ContainsAny(enc, " \n\"") || !strings.Contains(enc, "%2B") || !strings.Contains(enc, "Please+enter:%0A%22") {
		t.Errorf("percentPlusEscape = %q", enc)
	}
	if dec, err := percentPlusUnescape(enc); err != nil || dec != desc {
		t.Errorf("unescape = %q, %v", dec, err)
	}
}

func FuzzAssuan(f *testing.F) {
	for _, s := range []string{
		"OK Pleased to meet you\n",
		"# comment\nS INQUIRE_MAXLEN 4096\nINQUIRE CIPHERTEXT\nD (5:value3:%00%0A%25)\nOK\n",
		"ERR 67108881 No secret key <gpg-agent>\n",
		"D %\nOK\n", "D %4\n", "ERR x\n", "S\nD\nOK", "INQUIRE\n",
		"S PADDING 0\nD (5:value2:ab)\x00\nOK\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// Property 1: any server stream ends in data, an error, or EOF; never a panic.
		client, server := net.Pipe()
		go io.Copy(io.Discard, server) // a socket buffers what the client sends
		go func() {
			server.Write(in)
			server.Close()
		}()
		a := &assuanConn{conn: client, r: bufio.NewReader(client)}
		data, err := a.transact(context.Background(), "", func(string) ([]byte, error) { return []byte("x"), nil }, func(string, string) {})
		if err != nil && data != nil {
			t.Errorf("error %v with data", err)
		}
		client.Close()
		// Property 2: percent and percent-plus escaping round-trip.
		dec, err := percentDecode(percentEscape(in))
		if err != nil || !bytes.Equal(dec, in) {
			t.Errorf("percent round trip failed for %q", in)
		}
		s, err := percentPlusUnescape(percentPlusEscape(string(in)))
		if err != nil || s != string(in) {
			t.Errorf("percent-plus round trip failed for %q", in)
		}
		// Property 3: the agent-result parsers stay in bounds, and an
		// error comes with zero values.
		if v, err := parseValueSexp(in); err == nil && len(v) > len(in) {
			t.Errorf("value longer than input")
		} else if err != nil && v != nil {
			t.Errorf("parseValueSexp: error with a value")
		}
		if f, err := parsePKESKBody(in); err != nil && f != nil {
			t.Errorf("parsePKESKBody: error with fields")
		} else if err == nil {
			_ = ciphertextSexp(f)
		}
		if m, err := stripPKCS1(in); err == nil && len(m) >= len(in) {
			t.Errorf("stripPKCS1 removed nothing")
		}
	})
}

// TestDialUnix: dialUnix against a real unix socket: a missing socket and
// one nobody listens on count as "not listening" (autostart follows); a
// connection works both ways; a cancelled context ends a read that the
// peer never answers (the deadline reaches the poller), with no hang.
func TestDialUnix(t *testing.T) {
	dir, err := os.MkdirTemp("", "pdu") // short: sun_path holds 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx := context.Background()
	missing := filepath.Join(dir, "missing")
	_, err = dialUnix(ctx, missing)
	if !notListening(err) {
		t.Errorf("missing socket: %v, want a not-listening error", err)
	}
	if want := "dial unix " + missing + ": connect: no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("missing socket: error %v, want %q (net.Dialer's wording)", err, want)
	}
	stale := filepath.Join(dir, "stale")
	l, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	if _, err := dialUnix(ctx, stale); !notListening(err) {
		t.Errorf("socket without listener: %v, want a not-listening error", err)
	}
	if _, err := dialUnix(ctx, "/"+strings.Repeat("x", 120)); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("long path: %v", err)
	}

	sock := filepath.Join(dir, "S")
	l, err = net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	waiting := make(chan struct{})
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.WriteString(c, "OK hello\n")
		r := bufio.NewReader(c)
		line, _ := r.ReadString('\n')
		if line == "PING\n" {
			io.WriteString(c, "D pong\nOK\n")
		}
		if line, _ = r.ReadString('\n'); line == "WAIT\n" {
			close(waiting) // the client now blocks reading the reply
		}
		io.Copy(io.Discard, r) // and never gets one
	}()
	f, err := dialUnix(ctx, sock)
	if err != nil {
		t.Fatal(err)
	}
	a := &assuanConn{conn: f, r: bufio.NewReader(f)}
	defer a.close()
	if _, err := a.transact(ctx, "", nil, nil); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	if d, err := a.transact(ctx, "PING", nil, nil); err != nil || string(d) != "pong" {
		t.Fatalf("PING = %q, %v", d, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := a.transact(cctx, "WAIT", nil, nil); done <- err }()
	select {
	case <-waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("the server never got WAIT (hang guard)")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled transact: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelled transact still blocked after 10 s (hang guard)")
	}
}

// TestLookPathEnv: programs are found on Options.Env's PATH only (an empty
// element is the current directory, as for the shell); without PATH in
// the environment nothing is searched, not even the process's own PATH.
func TestLookPathEnv(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "gpgconf")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plain"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tt := range []struct {
		env  []string
		prog string
		want string // "" means not found
	}{
		{[]string{"PATH=/nonexistent:" + dir}, "gpgconf", prog},
		{[]string{"PATH=/nonexistent::/x"}, "gpgconf", "./gpgconf"},
		{[]string{"PATH=/nonexistent:" + dir}, "plain", ""}, // not executable
		{[]string{"HOME=/x"}, "sh", ""},                     // no PATH: nothing searched
		{nil, "sh", ""},
	} {
		got, err := lookPathEnv(tt.env, tt.prog)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("lookPathEnv(%q, %q) = %q, %v; want %q", tt.env, tt.prog, got, err, tt.want)
		}
		if err != nil && !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("lookPathEnv(%q, %q): %v, want exec.ErrNotFound", tt.env, tt.prog, err)
		}
	}
}
