package gpgio

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// serveKeyboxd answers keyboxd's Assuan protocol on a Unix socket at path
// with the answers of fakeKeyboxd (SEARCH --openpgp, NEXT), the greeting
// with "# Home:" comment lines, OK for RESET, OPTION and BYE. It returns a
// function giving the commands received so far.
func serveKeyboxd(t *testing.T, path string, blocks [][]byte) func() []string {
	t.Helper()
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatalf("listen %s: %v", path, err)
	}
	var mu sync.Mutex
	var cmds []string
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				fake := &fakeKeyboxd{blocks: blocks}
				w := bufio.NewWriter(conn)
				send := func(s string) { w.WriteString(s + "\n"); w.Flush() }
				send("# Home: " + filepath.Dir(path))
				send("# Config: " + filepath.Join(filepath.Dir(path), "keyboxd.conf"))
				send("OK Pleased to meet you, process 4242")
				r := bufio.NewReader(conn)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimSuffix(line, "\n")
					mu.Lock()
					cmds = append(cmds, line)
					mu.Unlock()
					switch {
					case line == "BYE":
						send("OK closing connection")
						return
					case line == "RESET", strings.HasPrefix(line, "OPTION "):
						send("OK")
						continue
					}
					var info string
					d, err := fake.transact(context.Background(), line, nil, func(kw, args string) { info = "S " + kw + " " + args })
					var ae *AgentError
					if errors.As(err, &ae) {
						send(fmt.Sprintf("ERR %d %s <keyboxd>", ae.Source<<24|ae.Code, ae.Text))
						continue
					}
					if info != "" {
						send(info)
					}
					for _, l := range escapeDataLines(d) {
						send("D " + l)
					}
					send("OK")
				}
			}()
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), cmds...)
	}
}

// TestKeyboxdSocket runs the whole native path in a home whose common.conf
// says use-keyboxd: public keys come from a keyboxd listening on S.keyboxd
// in the socket directory gpgconf names (a real Unix socket, found by
// gpgio's own discovery, no gpgconf on PATH), and the stale pubring.kbx
// left from before the switch is never read (it is damaged here, so
// reading it would fail). Decrypt (named and hidden recipients) and
// encrypt both work; the encrypted entry decrypts with the real gpg.
// GnuPG 2.2 has no keyboxd, so the daemon side is a fake.
func TestKeyboxdSocket(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ctNamed := encryptWithGPG(t, home, []byte(testEntry), "-r", testkeys.Cv25519.Fpr)
	ctHidden := encryptWithGPG(t, home, []byte(testEntry), "-R", testkeys.RSA.Fpr)

	kbx, err := os.ReadFile(filepath.Join(home, "pubring.kbx"))
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := parseKeybox(kbx)
	if err != nil {
		t.Fatal(err)
	}
	var blocks [][]byte
	for _, b := range blobs {
		blocks = append(blocks, b.keyblock)
	}
	if err := os.WriteFile(filepath.Join(home, "pubring.kbx"), kbx[:100], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "common.conf"), []byte("# written by gpg 2.4\nuse-keyboxd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testkeys.KillAgent(home)

	cmd := exec.Command("gpgconf", "--list-dirs", "socketdir")
	cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gpgconf --list-dirs socketdir: %v", err)
	}
	sockDir := strings.TrimSpace(string(out))
	if sockDir != home {
		create := exec.Command("gpgconf", "--create-socketdir")
		create.Env = cmd.Env
		if out, err := create.CombinedOutput(); err != nil {
			t.Fatalf("gpgconf --create-socketdir: %v %s", err, out)
		}
		t.Cleanup(func() {
			rm := exec.Command("gpgconf", "--remove-socketdir")
			rm.Env = cmd.Env
			rm.Run()
		})
	}
	commands := serveKeyboxd(t, filepath.Join(sockDir, "S.keyboxd"), blocks)

	c := openTest(t, home, NativeOnly, func(o *Options) {
		o.Env = []string{"PATH=/nonexistent", "HOME=/nonexistent", "GNUPGHOME=" + home}
		o.Home = ""
	})
	for name, ct := range map[string][]byte{"named": ctNamed, "hidden": ctHidden} {
		got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
		if err != nil || string(got) != testEntry {
			t.Fatalf("%s recipient: Decrypt = %q, %v", name, got, err)
		}
	}
	var buf bytes.Buffer
	w, err := c.Encrypt(context.Background(), &buf, []string{testkeys.P256.Email})
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	w.Write([]byte(testEntry))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if pt := testkeys.GPG(t, testkeys.Home(t), buf.Bytes(), "-d"); string(pt) != testEntry {
		t.Fatalf("gpg -d of the native entry = %q", pt)
	}
	got := strings.Join(commands(), "|")
	for _, want := range []string{"SEARCH --openpgp -- 0x" + testkeys.Cv25519.SubID, "SEARCH --openpgp|NEXT"} {
		if !strings.Contains(got, want) {
			t.Errorf("keyboxd commands %q lack %q", got, want)
		}
	}
}
