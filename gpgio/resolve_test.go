package gpgio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/passotp/passotp/internal/testkeys"
)

var classifyTests = []struct {
	line  string
	kind  specKind
	value string
	exact bool
	gpg   bool // only gpg handles it
}{
	{line: "2C003500AF45B5F8", kind: specKeyID, value: "2C003500AF45B5F8"},
	{line: "0x2c003500af45b5f8", kind: specKeyID, value: "2C003500AF45B5F8"},
	{line: "AF45B5F8", kind: specKeyID, value: "AF45B5F8"},
	{line: "0AF45B5F8", kind: specKeyID, value: "AF45B5F8"},
	{line: "02C003500AF45B5F8!", kind: specKeyID, value: "2C003500AF45B5F8", exact: true},
	{line: "  0xAF45B5F8!  ", kind: specKeyID, value: "AF45B5F8", exact: true},
	{line: "EFACCB94397F560BFC1BD36AB3DBECEE4DBA88DA", kind: specFpr, value: "EFACCB94397F560BFC1BD36AB3DBECEE4DBA88DA"},
	{line: "0EFACCB94397F560BFC1BD36AB3DBECEE4DBA88DA", kind: specFpr, value: "EFACCB94397F560BFC1BD36AB3DBECEE4DBA88DA"},
	{line: "EFAC CB94 397F 560B FC1B  D36A B3DB ECEE 4DBA 88DA", kind: specFpr, value: "EFACCB94397F560BFC1BD36AB3DBECEE4DBA88DA"},
	{line: "EFAC CB94 397F 560B FC1B D36A B3DB ECEE 4DBA 88DA", kind: specFpr, value: "EFACCB94397F560BFC1BD36AB3DBECEE4DBA88DA"},
	{line: "rsa@passotp.test", kind: specMail, value: "rsa@passotp.test"},
	{line: "<rsa@passotp.test>", kind: specMailExact, value: "rsa@passotp.test"},
	{line: "@passotp", kind: specMailSub, value: "passotp"},
	{line: "=Test RSA <rsa@passotp.test>", kind: specExactUID, value: "Test RSA <rsa@passotp.test>"},
	{line: "*RSA", kind: specSubstring, value: "RSA"},
	{line: "Test RSA", kind: specSubstring, value: "Test RSA"},
	{line: "deadbeefcafe", kind: specSubstring, value: "deadbeefcafe"},
	{line: "&E87284272E1D8172F165E512AD067CE4837B4653", kind: specKeygrip, value: "E87284272E1D8172F165E512AD067CE4837B4653"},
	{line: "0123456789ABCDEF0123456789ABCDEF", gpg: true},
	{line: "0x0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", gpg: true},
	{line: "0xnothex", gpg: true},
	{line: ".suffix", gpg: true},
	{line: "+word", gpg: true},
	{line: "/CN=x", gpg: true},
	{line: "#1/2", gpg: true},
	{line: "&1234", gpg: true},
	{line: "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF", gpg: true},
	{line: "   ", gpg: true},
}

func TestClassifyRecipient(t *testing.T) {
	for _, tt := range classifyTests {
		t.Run(tt.line, func(t *testing.T) {
			sp, err := classifyRecipient(tt.line)
			if tt.gpg {
				if !errors.Is(err, errNotNative) || sp != (recipientSpec{}) {
					t.Fatalf("got %+v, %v; want errNotNative", sp, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := (recipientSpec{tt.kind, tt.value, tt.exact}); sp != want {
				t.Fatalf("got %+v, want %+v", sp, want)
			}
		})
	}
}

func TestMailbox(t *testing.T) {
	tests := []struct{ uid, want string }{
		{"Test RSA <rsa@passotp.test>", "rsa@passotp.test"},
		{"A <B@Example.COM>", "b@example.com"},
		{"plain@example.com", "plain@example.com"},
		{"No Mail", ""},
		{"x <not an address>", ""},
	}
	for _, tt := range tests {
		if got := mailbox(tt.uid); got != tt.want {
			t.Errorf("mailbox(%q) = %q, want %q", tt.uid, got, tt.want)
		}
	}
}

func FuzzRecipientSpec(f *testing.F) {
	for _, tt := range classifyTests {
		f.Add(tt.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		sp, err := classifyRecipient(line)
		if err != nil {
			if sp != (recipientSpec{}) {
				t.Fatal("spec returned with an error")
			}
			return
		}
		switch sp.kind {
		case specKeyID:
			if len(sp.value) != 8 && len(sp.value) != 16 || !isHexString(sp.value) {
				t.Fatalf("bad key id %q", sp.value)
			}
		case specFpr, specKeygrip:
			if len(sp.value) != 40 || !isHexString(sp.value) {
				t.Fatalf("bad fingerprint %q", sp.value)
			}
		}
		// Matching never panics.
		sp.uidMatches(line)
		sp.keyMatches([]byte(line))
	})
}

// resolveOnce holds the home made by resolveHome (tests are not parallel).
var resolveOnce resolveFixture

type resolveFixture struct {
	done bool
	dir  string
	two  string // fpr of the key with two encryption subkeys
	dup  string // fpr of the second rsa@passotp.test key
}

// resolveHome returns the committed keyring plus a second key for the RSA
// mailbox, a key with two encryption subkeys and an expiring key, for the
// §5 comparison with gpg: the home, and the fingerprints of the two-subkey
// key and of the second RSA-mailbox key.
func resolveHome(t *testing.T) (string, string, string) {
	t.Helper()
	if resolveOnce.done {
		return resolveOnce.dir, resolveOnce.two, resolveOnce.dup
	}
	testkeys.RequireGPG(t)
	dir, err := testkeys.NewDir("pkr")
	if err != nil {
		t.Fatal(err)
	}
	addMainCleanup(func() { testkeys.KillAgent(dir); os.RemoveAll(dir) })
	if err := testkeys.CopyTo(dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(dir+"/gpg-agent.conf", []byte("allow-loopback-pinentry\n"), 0o600)
	two := testkeys.Generate(t, dir, "Two Subkeys <two@keys.test>", "ed25519", "cv25519")
	time.Sleep(1100 * time.Millisecond) // a strictly newer second subkey
	testkeys.GPG(t, dir, nil, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", two, "cv25519", "encr", "never")
	dup := testkeys.Generate(t, dir, "Second RSA <rsa@passotp.test>", "ed25519", "cv25519")
	// A key whose primary and subkey expire in a day.
	testkeys.GPG(t, dir, nil, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "Expiring <exp@keys.test>", "ed25519", "default", "1d")
	exp := testkeys.Fingerprint(t, dir, "exp@keys.test")
	testkeys.GPG(t, dir, nil, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", exp, "cv25519", "encr", "1d")
	resolveOnce = resolveFixture{true, dir, two, dup}
	return dir, two, dup
}

// gpgPick returns the key ids of the PKESKs gpg writes for line.
func gpgPick(t *testing.T, dir, line string) ([]string, error) {
	out, err := testkeys.RunGPG(dir, []byte("x"), "--trust-model", "always", "--no-encrypt-to", "-e", "-r", line, "-o", "-")
	if err != nil {
		return nil, err
	}
	var ids []string
	r := packet.NewReader(bytes.NewReader(out))
	for {
		p, err := r.Next()
		if err != nil {
			break
		}
		if ek, ok := p.(*packet.EncryptedKey); ok {
			ids = append(ids, fmt.Sprintf("%016X", ek.KeyId))
		}
	}
	return ids, nil
}

// TestResolveMatchesGPG: for every §5 form that we resolve natively, our
// pick is the key gpg encrypts to; the ambiguous ones are the expected ones.
func TestResolveMatchesGPG(t *testing.T) {
	dir, two, dup := resolveHome(t)
	kr, err := openKeyring(&home{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	k := testkeys.Cv25519
	type resolveCase struct {
		line   string
		native bool
	}
	specs := []resolveCase{
		{k.Fpr, true},
		{"0x" + k.Fpr, true},
		{strings.ToLower(k.Fpr), true},
		{k.SubFpr, true},
		{k.SubFpr + "!", true},
		{k.Fpr + "!", false}, // the ed25519 primary cannot encrypt
		{k.Fpr[24:], true},
		{"0x" + k.Fpr[32:], true},
		{k.SubID + "!", true},
		{"0" + k.SubID, true},
		{spaced(k.Fpr), true},
		{k.Email, true},
		{"<" + k.Email + ">", true},
		{"@cv25519", true},
		{"=" + k.UID, true},
		{"*Cv25519", true},
		{"Test Cv25519", true},
		{"&" + k.SubGrip, true},
		{"&" + k.Grip, true},
		{testkeys.P256.Email, true},
		{testkeys.Protected.Fpr, true},
		{"two@keys.test", true},
		{two, true},
		{two[24:], true},
		{"rsa@passotp.test", false}, // two keys for one mailbox
		{"<rsa@passotp.test>", false},
		{"passotp.test", false},
		{"Test", false},
		{dup, true},
		{testkeys.RSA.SubID, true},
		{"nobody@keys.test", false},
	}
	// The older of the two encryption subkeys, named with '!', and a
	// primary fingerprint naming the newer one.
	twoKeys := exportedKeys(t, dir, two)
	if len(twoKeys) != 3 {
		t.Fatalf("key %s has %d keys, want 3", two, len(twoKeys))
	}
	specs = append(specs,
		resolveCase{fprHex(twoKeys[1]) + "!", true},
		resolveCase{fprHex(twoKeys[1]), true},
		resolveCase{fprHex(twoKeys[2])[24:] + "!", true})
	now := time.Now()
	for _, sp := range specs {
		t.Run(sp.line, func(t *testing.T) {
			r, err := kr.resolveRecipient(context.Background(), sp.line, now)
			if !sp.native {
				if !errors.Is(err, errNotNative) {
					t.Fatalf("resolved natively (%v, %v); want gpg", r, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%016X", r.key.KeyId)
			want, err := gpgPick(t, dir, sp.line)
			if err != nil {
				t.Fatalf("gpg: %v", err)
			}
			if len(want) != 1 || want[0] != got {
				t.Fatalf("we pick %s, gpg encrypts to %v", got, want)
			}
		})
	}
}

// TestResolveExpiry: an expired key is not usable at Now, for us and for
// gpg (--faked-system-time).
func TestResolveExpiry(t *testing.T) {
	dir, _, _ := resolveHome(t)
	kr, err := openKeyring(&home{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(72 * time.Hour)
	if _, err := kr.resolveRecipient(context.Background(), "exp@keys.test", time.Now()); err != nil {
		t.Fatalf("now: %v", err)
	}
	if r, err := kr.resolveRecipient(context.Background(), "exp@keys.test", later); !errors.Is(err, errNotNative) {
		t.Fatalf("in three days: %v, %v; want no usable key", r, err)
	}
	fake := fmt.Sprintf("%d!", later.Unix())
	if _, err := testkeys.RunGPG(dir, []byte("x"), "--faked-system-time", fake, "--trust-model", "always", "-e", "-r", "exp@keys.test", "-o", "-"); err == nil {
		t.Fatal("gpg encrypted to an expired key")
	}
}

func spaced(fpr string) string {
	var g []string
	for i := 0; i < 40; i += 4 {
		g = append(g, fpr[i:i+4])
	}
	return strings.Join(g[:5], " ") + "  " + strings.Join(g[5:], " ")
}

func TestResolveNativeRule(t *testing.T) {
	dir := testkeys.Home(t)
	kr, err := openKeyring(&home{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// Remove the P-256 key files: it becomes someone else's key.
	os.Remove(keyFilePath(dir, gripOf(t, testkeys.P256.Grip)))
	os.Remove(keyFilePath(dir, gripOf(t, testkeys.P256.SubGrip)))
	tests := []struct {
		name   string
		lines  []string
		groups map[string]bool
		n      int // recipients, -1: unsupported
	}{
		{"own keys", []string{testkeys.RSA.Email, testkeys.Cv25519.Fpr}, nil, 2},
		{"duplicates collapse", []string{testkeys.RSA.Email, testkeys.RSA.Fpr}, nil, 1},
		{"not own", []string{testkeys.RSA.Email, testkeys.P256.Fpr}, nil, -1},
		{"group", []string{"team"}, map[string]bool{"team": true}, -1},
		{"gpg-only form", []string{"+x"}, nil, -1},
		{"none", nil, nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &home{dir: dir, groupNames: tt.groups}
			rs, err := resolveNative(context.Background(), h, kr, tt.lines, time.Now())
			if tt.n < 0 {
				var ue *UnsupportedError
				if !errors.As(err, &ue) || rs != nil {
					t.Fatalf("got %d, %v; want *UnsupportedError", len(rs), err)
				}
				return
			}
			if err != nil || len(rs) != tt.n {
				t.Fatalf("got %d, %v; want %d", len(rs), err, tt.n)
			}
		})
	}
}

func gripOf(t testing.TB, s string) (g [20]byte) {
	t.Helper()
	copy(g[:], mustHex(s))
	return g
}

// TestResolveKeyboxd resolves lines against keyboxd (a fake replaying its
// SEARCH/NEXT answers): every keyblock is fetched once and indexed.
func TestResolveKeyboxd(t *testing.T) {
	kr, fake := keyboxdKeyring(t, "../internal/testkeys/testdata/gnupg/pubring.kbx")
	for _, k := range testkeys.All {
		for _, line := range []string{k.Email, "<" + k.Email + ">", k.Fpr, k.SubID + "!"} {
			r, err := kr.resolveRecipient(context.Background(), line, time.Now())
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			if fprHex(r.key) != k.SubFpr {
				t.Errorf("%s: picked %s, want %s", line, fprHex(r.key), k.SubFpr)
			}
		}
	}
	if _, err := kr.resolveRecipient(context.Background(), "passotp.test", time.Now()); !errors.Is(err, errNotNative) {
		t.Errorf("ambiguous substring: %v", err)
	}
	searches := 0
	for _, c := range fake.cmds {
		if strings.HasPrefix(c, "SEARCH") {
			searches++
		}
	}
	if searches != 1 {
		t.Errorf("%d SEARCH commands, want 1 (keyblocks cached)", searches)
	}
}
