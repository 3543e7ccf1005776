package gpgio

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestSmartcardKeyViaAgent: when the key file is a smartcard stub
// (shadowed-private-key), the driver does not give up or fall back but asks
// the agent (HAVEKEY, KEYINFO, SETKEY, SETKEYDESC, PKDECRYPT), and accepts
// a card's answer: "S PADDING 0" and a value that is already
// algo ‖ key ‖ sum16. The agent side replays the recorded gpg-agent 2.2
// exchange for rsa.gpg with the card's KEYINFO and result (no card here).
func TestSmartcardKeyViaAgent(t *testing.T) {
	dir := testkeys.Home(t)
	ct, err := os.ReadFile(filepath.Join(entriesDir, "rsa.gpg"))
	if err != nil {
		t.Fatal(err)
	}
	// The session key, from the unprotected key file, for the card's answer.
	subPub := subKeyPub(t, filepath.Join(dir, "pubring.kbx"), testkeys.RSA)
	grip, err := keygrip(subPub)
	if err != nil {
		t.Fatal(err)
	}
	priv, kind, err := loadKeyFile(&home{dir: dir}, grip, subPub)
	if err != nil || kind != keyUnprotected {
		t.Fatalf("loadKeyFile: %v, %v", kind, err)
	}
	ek := firstPKESK(t, ct)
	if err := ek.Decrypt(priv, nil); err != nil {
		t.Fatal(err)
	}
	m := append([]byte{byte(ek.CipherFunc)}, ek.Key...)
	var sum uint16
	for _, b := range ek.Key {
		sum += uint16(b)
	}
	m = binary.BigEndian.AppendUint16(m, sum)

	// Replace the key file by the card stub.
	stub, err := os.ReadFile("testdata/keys/shadowed.extended.key")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "private-keys-v1.d", testkeys.RSA.SubGrip+".key"), stub, 0o600); err != nil {
		t.Fatal(err)
	}

	tr, err := os.ReadFile(transcriptPath("rsa.gpg"))
	if err != nil {
		t.Fatal(err)
	}
	steps := transcriptSteps(t, tr)
	value := append([]byte(fmt.Sprintf("(5:value%d:", len(m))), m...)
	value = append(value, ')')
	var result strings.Builder
	result.WriteString("S PADDING 0\n")
	for _, l := range escapeDataLines(value) {
		result.WriteString("D " + l + "\n")
	}
	result.WriteString("OK\n")
	var sawKeyinfo, sawEnd bool
	for i, s := range steps {
		switch {
		case strings.HasPrefix(s.expect, "KEYINFO "):
			steps[i].reply = "S KEYINFO " + testkeys.RSA.SubGrip + " T D2760001240102000005000011730000 OPENPGP.2 - - - - -\nOK\n"
			sawKeyinfo = true
		case s.expect == "END":
			steps[i].reply = result.String()
			sawEnd = true
		}
	}
	if !sawKeyinfo || !sawEnd {
		t.Fatalf("transcript lacks KEYINFO or END:\n%s", tr)
	}
	a, errc := fakeServer(t, steps)
	c := openTest(t, dir, NativeOnly, func(o *Options) { o.Env = []string{"PATH=/nonexistent", "HOME=/nonexistent"} })
	c.agent = &agentConn{a: a} // not agentOnly: the stub must send the driver to the agent
	got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || string(got) != testEntry {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
	a.conn.Close()
	if err := <-errc; err != nil {
		t.Errorf("replay: %v", err)
	}
}
