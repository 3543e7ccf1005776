package gpgio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/passotp/passotp/internal/testkeys"
)

// fixtureKeys are the committed keys that make up the 3-key fixtures in
// testdata/keybox (pubring.kbx, pubring.gpg).
var fixtureKeys = []testkeys.Key{testkeys.RSA, testkeys.Cv25519, testkeys.P256}

// TestUpdateKeyringFixtures rewrites testdata/keybox and testdata/keys
// from the committed throwaway keyring with the real gpg (go test -update).
func TestUpdateKeyringFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the fixtures")
	}
	src := testkeys.Home(t)
	dst, err := testkeys.NewDir("pku")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { testkeys.KillAgent(dst); os.RemoveAll(dst) }()
	var fprs []string
	for _, k := range fixtureKeys {
		fprs = append(fprs, k.Fpr)
	}
	exported := testkeys.GPG(t, src, nil, append([]string{"--export"}, fprs...)...)
	testkeys.GPG(t, dst, exported, "--import")
	if err := os.MkdirAll("testdata/keybox", 0o755); err != nil {
		t.Fatal(err)
	}
	kbx, err := os.ReadFile(filepath.Join(dst, "pubring.kbx"))
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, "testdata/keybox/pubring.kbx", kbx)
	// A legacy keyring: gpg writes ring-trust packets into it.
	legacy := filepath.Join(dst, "legacy.gpg")
	testkeys.GPG(t, dst, exported, "--no-default-keyring", "--keyring", "gnupg-ring:"+legacy, "--import")
	gpgring, err := os.ReadFile(legacy)
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, "testdata/keybox/pubring.gpg", gpgring)

	// Key files: the extended form gpg 2.2.40 wrote, and canonical copies.
	if err := os.MkdirAll("testdata/keys", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, k := range append(fixtureKeys, testkeys.Protected) {
		b, err := os.ReadFile(filepath.Join(src, "private-keys-v1.d", k.SubGrip+".key"))
		if err != nil {
			t.Fatal(err)
		}
		writeFixture(t, "testdata/keys/"+k.Name+".extended.key", b)
		s, _, err := parseKeyFile(b)
		if err != nil {
			t.Fatal(err)
		}
		writeFixture(t, "testdata/keys/"+k.Name+".canonical.key", s.canonical())
		if k.Name == "rsa" {
			// A smartcard stub for the same key, made by hand: gpg 2.2
			// writes this shape for keys moved to an OpenPGP card.
			rsa := s.list[1]
			n, e := rsa.value("n"), rsa.value("e")
			stub := fmt.Sprintf("Token: D2760001240102000005000011730000 OPENPGP.2 -\n"+
				"Key: (shadowed-private-key (rsa (n #%X#)(e #%X#)\n (shadowed t1-v1 (#D2760001240102000005000011730000# OPENPGP.2)\n )))\n", n, e)
			writeFixture(t, "testdata/keys/shadowed.extended.key", []byte(stub))
		}
	}
}

func writeFixture(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestKeyringFixtures(t *testing.T) {
	for _, name := range []string{"pubring.kbx", "pubring.gpg"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			b, err := os.ReadFile("testdata/keybox/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
			kr, err := openKeyring(&home{dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if kr.source != name || len(kr.blobs) != len(fixtureKeys) {
				t.Fatalf("source %q with %d blobs, want %q with %d", kr.source, len(kr.blobs), name, len(fixtureKeys))
			}
			for i, k := range fixtureKeys {
				if got := hexFpr(kr.blobs[i].fprs[0]); got != k.Fpr {
					t.Errorf("blob %d fpr %s, want %s", i, got, k.Fpr)
				}
				if u := kr.blobs[i].userIDs(); len(u) != 1 || u[0] != k.UID {
					t.Errorf("blob %d uids %q, want %q", i, u, k.UID)
				}
				id := subKeyID(t, k)
				cs, err := kr.candidates(id)
				if err != nil || len(cs) != 1 {
					t.Fatalf("candidates(%s) = %d, %v", k.SubID, len(cs), err)
				}
				c := cs[0]
				if fprHex(c.pub) != k.SubFpr || fprHex(c.primary) != k.Fpr || c.uid != k.UID {
					t.Errorf("candidate %s / %s / %q", fprHex(c.pub), fprHex(c.primary), c.uid)
				}
			}
			all, err := kr.candidates(0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range all {
				got = append(got, fprHex(c.pub))
			}
			var want []string
			for _, k := range fixtureKeys {
				want = append(want, k.SubFpr) // primaries are sign-only
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("candidates(0) = %v, want %v", got, want)
			}
			if cs, err := kr.candidates(1); err != nil || len(cs) != 0 {
				t.Errorf("unknown key id: %d candidates, %v", len(cs), err)
			}
		})
	}
}

func TestPubringGPGHasRingTrust(t *testing.T) {
	b, err := os.ReadFile("testdata/keybox/pubring.gpg")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for off := 0; off < len(b); {
		tag, hdr, body, err := packetAt(b, off)
		if err != nil {
			t.Fatal(err)
		}
		if tag == 12 {
			n++
		}
		off += hdr + body
	}
	if n == 0 {
		t.Fatal("fixture pubring.gpg has no ring-trust packets")
	}
}

// subKeyPub returns the public (sub)key of k's encryption subkey from the
// keybox file kbxPath, which must hold exactly one such key.
func subKeyPub(t testing.TB, kbxPath string, k testkeys.Key) *packet.PublicKey {
	t.Helper()
	kbx, err := os.ReadFile(kbxPath)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := parseKeybox(kbx)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := newFileKeyring("pubring.kbx", blobs).candidates(subKeyID(t, k))
	if err != nil || len(cs) != 1 {
		t.Fatalf("candidates: %d, %v", len(cs), err)
	}
	return cs[0].pub
}

func subKeyID(t testing.TB, k testkeys.Key) uint64 {
	t.Helper()
	b, err := hex.DecodeString(k.SubID)
	if err != nil || len(b) != 8 {
		t.Fatalf("bad key id %q", k.SubID)
	}
	return fprKeyID(b)
}

// TestKeyringGenerated indexes the generated home's pubring.kbx, and a
// legacy pubring.gpg made by gpg from the same keys, and checks every key
// gpg lists is found by its key id.
func TestKeyringGenerated(t *testing.T) {
	dir, keys := generatedHome(t)
	grips := gpgKeygrips(t, dir)
	legacyDir, err := testkeys.NewDir("pkl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testkeys.KillAgent(legacyDir); os.RemoveAll(legacyDir) })
	exported := testkeys.GPG(t, dir, nil, "--export")
	testkeys.GPG(t, legacyDir, exported, "--no-default-keyring", "--keyring", "gnupg-ring:"+filepath.Join(legacyDir, "pubring.gpg"), "--import")

	for _, d := range []string{dir, legacyDir} {
		kr, err := openKeyring(&home{dir: d})
		if err != nil {
			t.Fatal(err)
		}
		if len(kr.blobs) != len(keys) {
			t.Fatalf("%s: %d blobs, want %d", kr.source, len(kr.blobs), len(keys))
		}
		n := 0
		for fpr := range grips {
			raw, _ := hex.DecodeString(fpr)
			cs, err := kr.candidates(fprKeyID(raw))
			if err != nil || len(cs) != 1 || fprHex(cs[0].pub) != fpr {
				t.Errorf("%s: candidates(%s): %d, %v", kr.source, fpr, len(cs), err)
				continue
			}
			n++
		}
		all, _ := kr.candidates(0)
		if len(all) != len(keys) {
			t.Errorf("%s: %d encryption candidates, want %d", kr.source, len(all), len(keys))
		}
		if n != 2*len(keys) {
			t.Errorf("%s: found %d keys, want %d", kr.source, n, 2*len(keys))
		}
	}
}

func TestOpenKeyringChoice(t *testing.T) {
	kbx, _ := os.ReadFile("testdata/keybox/pubring.kbx")
	gpgring, _ := os.ReadFile("testdata/keybox/pubring.gpg")
	tests := []struct {
		name        string
		files       map[string][]byte
		kropts      bool
		want        string
		unsupported bool
	}{
		{"kbx wins", map[string][]byte{"pubring.kbx": kbx, "pubring.gpg": gpgring}, false, "pubring.kbx", false},
		{"legacy", map[string][]byte{"pubring.gpg": gpgring}, false, "pubring.gpg", false},
		{"none", nil, false, "", true},
		{"keyring options", map[string][]byte{"pubring.kbx": kbx}, true, "", true},
		{"damaged kbx", map[string][]byte{"pubring.kbx": kbx[:100]}, false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, b := range tt.files {
				os.WriteFile(filepath.Join(dir, n), b, 0o600)
			}
			kr, err := openKeyring(&home{dir: dir, kropts: tt.kropts})
			var ue *UnsupportedError
			if tt.unsupported {
				if !asUnsupported(err, &ue) || kr != nil {
					t.Fatalf("got %v, %v; want *UnsupportedError", kr, err)
				}
				return
			}
			if err != nil || kr.source != tt.want {
				t.Fatalf("got %v, %v; want %s", kr, err, tt.want)
			}
		})
	}
}

func asUnsupported(err error, ue **UnsupportedError) bool {
	e, ok := err.(*UnsupportedError)
	if ok {
		*ue = e
	}
	return ok
}

// fakeKeyboxd replays keyboxd's answers: SEARCH/NEXT return the keyblocks
// of the fixture one by one, then ERR 27 (not found). It records commands.
type fakeKeyboxd struct {
	blocks [][]byte
	next   int
	cmds   []string
}

func (f *fakeKeyboxd) transact(ctx context.Context, cmd string, inquire func(string) ([]byte, error), status func(string, string)) ([]byte, error) {
	f.cmds = append(f.cmds, cmd)
	var pattern string
	switch {
	case strings.HasPrefix(cmd, "SEARCH --openpgp"):
		f.next = 0
		pattern = strings.TrimPrefix(strings.TrimPrefix(cmd, "SEARCH --openpgp"), " -- ")
	case cmd == "NEXT":
	default:
		return nil, &AgentError{Source: 4, Code: 69, Text: "Unknown IPC command"}
	}
	for f.next < len(f.blocks) {
		b := f.blocks[f.next]
		f.next++
		if pattern == "" || keyblockHasID(b, pattern) {
			if status != nil {
				status("PUBKEY_INFO", "1 0000 -- 1 1")
			}
			return b, nil
		}
	}
	return nil, &AgentError{Source: 4, Code: 27, Text: "Not found"}
}

func keyblockHasID(b []byte, pattern string) bool {
	keys, _ := keyblockKeys(b)
	for _, k := range keys {
		if fmt.Sprintf("0x%016X", k.pub.KeyId) == pattern {
			return true
		}
	}
	return false
}

// keyboxdKeyring returns a keyring served by a fake keyboxd that holds
// the keyblocks of the keybox file kbxPath.
func keyboxdKeyring(t *testing.T, kbxPath string) (*keyring, *fakeKeyboxd) {
	t.Helper()
	kbx, err := os.ReadFile(kbxPath)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := parseKeybox(kbx)
	if err != nil {
		t.Fatal(err)
	}
	fake := &fakeKeyboxd{}
	for _, b := range blobs {
		fake.blocks = append(fake.blocks, b.keyblock)
	}
	return &keyring{source: "keyboxd", dial: func(context.Context) (assuanTransactor, error) { return fake, nil }}, fake
}

func TestKeyboxdCandidates(t *testing.T) {
	kr, fake := keyboxdKeyring(t, "testdata/keybox/pubring.kbx")
	k := testkeys.Cv25519
	cs, err := kr.candidates(subKeyID(t, k))
	if err != nil || len(cs) != 1 || fprHex(cs[0].pub) != k.SubFpr {
		t.Fatalf("candidates: %d, %v", len(cs), err)
	}
	if want := "SEARCH --openpgp -- 0x" + k.SubID; fake.cmds[0] != want {
		t.Errorf("first command %q, want %q", fake.cmds[0], want)
	}
	all, err := kr.candidates(0)
	if err != nil || len(all) != 3 {
		t.Fatalf("candidates(0): %d, %v", len(all), err)
	}
	if got := strings.Join(fake.cmds, "|"); !strings.HasSuffix(got, "SEARCH --openpgp|NEXT|NEXT|NEXT") {
		t.Errorf("commands %s", got)
	}
}

func TestParseKeyboxErrors(t *testing.T) {
	kbx, err := os.ReadFile("testdata/keybox/pubring.kbx")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 5, 31, 40, 100, len(kbx) - 1} {
		if blobs, err := parseKeybox(kbx[:n]); err == nil && n < 32 || blobs != nil && err != nil {
			t.Errorf("truncated to %d: %d blobs, %v", n, len(blobs), err)
		}
	}
	bad := bytes.Clone(kbx)
	bad[0], bad[1], bad[2], bad[3] = 0, 0, 0, 8 // first blob length 8
	if _, err := parseKeybox(bad); err == nil {
		t.Error("blob length 8 accepted")
	}
}

func FuzzKeybox(f *testing.F) {
	for _, name := range []string{"testdata/keybox/pubring.kbx", "testdata/keybox/pubring.gpg", "testdata/keybox/allkinds.gpg"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add(syntheticKeybox())
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) ([]kbxBlob, error){parseKeybox, parsePubringGPG} {
			blobs, err := parse(b)
			if err != nil {
				if blobs != nil {
					t.Fatal("blobs returned with an error")
				}
				continue
			}
			kr := newFileKeyring("fuzz", blobs)
			for _, bl := range blobs {
				for _, fp := range bl.fprs {
					if _, err := kr.candidates(fprKeyID(fp)); err != nil {
						t.Fatal(err)
					}
				}
			}
			kr.candidates(0)
		}
	})
}

// TestKeyboxdOverAssuan replays keyboxd's side of the protocol over a pipe:
// the greeting with "# Home:" comments, SEARCH answered with PUBKEY_INFO,
// the keyblock in escaped D lines and OK, then NEXT until ERR 27.
func TestKeyboxdOverAssuan(t *testing.T) {
	kbx, err := os.ReadFile("testdata/keybox/pubring.kbx")
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := parseKeybox(kbx)
	if err != nil {
		t.Fatal(err)
	}
	client, server := net.Pipe()
	defer client.Close()
	var got []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer server.Close()
		w := bufio.NewWriter(server)
		r := bufio.NewReader(server)
		send := func(s string) { w.WriteString(s + "\n"); w.Flush() }
		send("# Home: /tmp/kbd")
		send("# Config: /tmp/kbd/keyboxd.conf")
		send("OK Pleased to meet you, process 4242")
		next := 0
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			got = append(got, line)
			switch {
			case line == "SEARCH --openpgp":
				next = 0
			case line == "NEXT":
			default:
				send("ERR 67108933 Unknown IPC command <keyboxd>")
				continue
			}
			if next >= len(blobs) {
				send("ERR 67108891 Not found <keyboxd>")
				continue
			}
			send(fmt.Sprintf("S PUBKEY_INFO 1 %040X -- 1 1", next))
			for _, l := range escapeDataLines(blobs[next].keyblock) {
				send("D " + l)
			}
			send("OK")
			next++
		}
	}()
	kr := &keyring{source: "keyboxd", dial: func(context.Context) (assuanTransactor, error) {
		a := &assuanConn{conn: client, r: bufio.NewReaderSize(client, 4096)}
		if _, err := a.transact(context.Background(), "", nil, nil); err != nil {
			return nil, err
		}
		return a, nil
	}}
	all, err := kr.candidates(0)
	if err != nil {
		t.Fatal(err)
	}
	var fprs []string
	for _, c := range all {
		fprs = append(fprs, fprHex(c.pub))
	}
	want := []string{testkeys.RSA.SubFpr, testkeys.Cv25519.SubFpr, testkeys.P256.SubFpr}
	if strings.Join(fprs, ",") != strings.Join(want, ",") {
		t.Fatalf("got %v, want %v", fprs, want)
	}
	client.Close()
	<-done
	if strings.Join(got, "|") != "SEARCH --openpgp|NEXT|NEXT|NEXT" {
		t.Errorf("commands %q", got)
	}
}

// escapeDataLines percent-escapes %, CR and LF and splits into D payloads
// short enough for Assuan's 1000-byte lines, never inside an escape.
func escapeDataLines(b []byte) []string {
	var lines []string
	var cur strings.Builder
	for _, c := range b {
		var enc string
		switch c {
		case '%', '\r', '\n':
			enc = fmt.Sprintf("%%%02X", c)
		default:
			enc = string([]byte{c})
		}
		if cur.Len()+len(enc) > 900 {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		cur.WriteString(enc)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// TestDecryptLegacyHome runs the whole native path (the decrypt driver with
// this file's keyring and key files) in a home that has only a legacy
// pubring.gpg, with gpg hidden so that a fallback would fail.
func TestDecryptLegacyHome(t *testing.T) {
	src := testkeys.Home(t)
	msg := testkeys.GPG(t, src, []byte(testPlaintext), "--trust-model", "always", "-e", "-r", testkeys.Cv25519.Fpr, "-r", testkeys.RSA.Fpr)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "private-keys-v1.d"), 0o700); err != nil {
		t.Fatal(err)
	}
	ring, err := os.ReadFile("testdata/keybox/pubring.gpg")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "pubring.gpg"), ring, 0o600)
	for _, k := range []testkeys.Key{testkeys.Cv25519, testkeys.RSA} {
		b, err := os.ReadFile(filepath.Join(src, "private-keys-v1.d", k.SubGrip+".key"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "private-keys-v1.d", k.SubGrip+".key"), b, 0o600)
	}
	c, err := Open(Options{Home: dir, Mode: NativeOnly, GPG: "/nonexistent/gpg", Env: []string{"HOME=" + dir, "PATH=/nonexistent"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pt, err := c.Decrypt(context.Background(), bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if string(pt) != testPlaintext {
		t.Fatal("wrong plaintext")
	}
}
