package gpgio

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// Agent transcripts (gpgio.md §13): a real gpg-agent exchange for a
// committed entry, recorded with -update and replayed by a fake Assuan
// server, so that the agent path (PKCS#1 and ECDH unwrapping included)
// is tested without gpg. Lines are "C: ..." (client) and "S: ..." (agent).

var transcriptEntries = []string{"rsa.gpg", "cv25519.gpg"}

func transcriptPath(entry string) string {
	return filepath.Join(entriesDir, strings.TrimSuffix(entry, ".gpg")+".agent.txt")
}

// recordingConn copies every byte read and written into a transcript.
type recordingConn struct {
	conn
	mu    sync.Mutex
	in    bytes.Buffer // from the agent
	out   bytes.Buffer // to the agent
	lines []string
}

func (r *recordingConn) Read(p []byte) (int, error) {
	n, err := r.conn.Read(p)
	r.mu.Lock()
	r.in.Write(p[:n])
	r.flush(&r.in, "S: ")
	r.mu.Unlock()
	return n, err
}

func (r *recordingConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.out.Write(p)
	r.flush(&r.out, "C: ")
	r.mu.Unlock()
	return r.conn.Write(p)
}

func (r *recordingConn) flush(b *bytes.Buffer, prefix string) {
	for {
		i := bytes.IndexByte(b.Bytes(), '\n')
		if i < 0 {
			return
		}
		r.lines = append(r.lines, prefix+string(b.Next(i + 1)[:i]))
	}
}

func TestUpdateAgentTranscripts(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the agent transcripts")
	}
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	for _, entry := range transcriptEntries {
		ct, err := os.ReadFile(filepath.Join(entriesDir, entry))
		if err != nil {
			t.Fatal(err)
		}
		c := openTest(t, home, NativeOnly, func(o *Options) { o.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent"} })
		c.agentOnly = true
		h, _ := c.home()
		a, err := dialAssuan(context.Background(), h, "S.gpg-agent", "gpg-agent")
		if err != nil {
			t.Fatal(err)
		}
		rec := &recordingConn{conn: a.conn}
		a.conn, a.r = rec, bufio.NewReader(rec)
		c.agent = &agentConn{a: a}
		got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
		if err != nil || string(got) != testEntry {
			t.Fatalf("%s: Decrypt = %q, %v", entry, got, err)
		}
		c.Close()
		var lines []string
		for _, l := range rec.lines {
			if l != "C: BYE" && !strings.HasPrefix(l, "S: OK closing") {
				lines = append(lines, l)
			}
		}
		if err := os.WriteFile(transcriptPath(entry), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// transcriptSteps turns a transcript into fakeServer steps.
func transcriptSteps(t *testing.T, b []byte) []step {
	t.Helper()
	var steps []step
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "C: "):
			steps = append(steps, step{expect: line[3:]})
		case strings.HasPrefix(line, "S: ") && len(steps) > 0:
			steps[len(steps)-1].reply += line[3:] + "\n"
		default:
			t.Fatalf("bad transcript line %q", line)
		}
	}
	return steps
}

func TestAgentTranscriptReplay(t *testing.T) {
	home := testkeys.Home(t) // keyring and key files only: no agent, no gpg
	for _, entry := range transcriptEntries {
		t.Run(entry, func(t *testing.T) {
			ct, err := os.ReadFile(filepath.Join(entriesDir, entry))
			if err != nil {
				t.Fatal(err)
			}
			tr, err := os.ReadFile(transcriptPath(entry))
			if err != nil {
				t.Fatal(err)
			}
			a, errc := fakeServer(t, transcriptSteps(t, tr))
			c := openTest(t, home, NativeOnly, func(o *Options) { o.Env = []string{"PATH=/nonexistent", "HOME=/nonexistent"} })
			c.agentOnly = true
			c.agent = &agentConn{a: a}
			got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
			if err != nil || string(got) != testEntry {
				t.Fatalf("Decrypt = %q, %v", got, err)
			}
			a.conn.Close()
			if err := <-errc; err != nil {
				t.Errorf("replay: %v", err)
			}
		})
	}
}
