package gpgio

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/passotp/passotp/internal/testkeys"
)

// A commit object as git signs it (the payload without gpgsig).
const testCommit = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n" +
	"author Alice <alice@example.com> 1763900000 +0000\n" +
	"committer Alice <alice@example.com> 1763900000 +0000\n\nAdd OTP secret for a to store.\n"

// gpgVerify checks sig over msg with the real gpg and returns the
// primary fingerprint of the VALIDSIG status line.
func gpgVerify(t *testing.T, home string, msg, sig []byte) string {
	t.Helper()
	dir := t.TempDir()
	sigFile, msgFile := filepath.Join(dir, "m.asc"), filepath.Join(dir, "m")
	os.WriteFile(sigFile, sig, 0o600)
	os.WriteFile(msgFile, msg, 0o600)
	out, err := testkeys.RunGPG(home, nil, "--status-fd=1", "--verify", sigFile, msgFile)
	if err != nil {
		t.Fatalf("gpg --verify: %v\n%s\nsignature:\n%s", err, out, sig)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[1] == "VALIDSIG" {
			if !strings.Contains(string(out), "[GNUPG:] GOODSIG ") {
				t.Fatalf("no GOODSIG:\n%s", out)
			}
			return f[len(f)-1]
		}
	}
	t.Fatalf("gpg --verify printed no VALIDSIG:\n%s", out)
	return ""
}

// TestSignInterop: signatures made from unprotected key files, and through
// the agent, verify with gpg, for every signer form git may pass.
func TestSignInterop(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	tests := []struct {
		name, signer string
		key          testkeys.Key
	}{
		{"rsa fingerprint", testkeys.RSA.Fpr, testkeys.RSA},
		{"ed25519 fingerprint", testkeys.Cv25519.Fpr, testkeys.Cv25519},
		{"p256 fingerprint", testkeys.P256.Fpr, testkeys.P256},
		{"long key id", testkeys.Cv25519.Fpr[24:], testkeys.Cv25519},
		{"0x long key id", "0x" + testkeys.RSA.Fpr[24:], testkeys.RSA},
		{"encryption subkey id names the entity", testkeys.P256.SubID, testkeys.P256},
		{"mailbox", testkeys.Cv25519.Email, testkeys.Cv25519},
		{"bracketed mailbox", "<" + testkeys.RSA.Email + ">", testkeys.RSA},
		{"committer name and mail", testkeys.P256.UID, testkeys.P256},
		{"primary exactly", testkeys.RSA.Fpr + "!", testkeys.RSA},
	}
	for _, agent := range []bool{false, true} {
		for _, tt := range tests {
			name := tt.name
			if agent {
				name = "agent/" + name
			}
			t.Run(name, func(t *testing.T) {
				c := openTest(t, home, NativeOnly, func(o *Options) {
					o.Now = func() time.Time { return now }
				})
				c.agentOnly = agent
				sig, err := c.Sign(ctx, tt.signer, strings.NewReader(testCommit))
				if err != nil {
					t.Fatalf("Sign(%q) = %v", tt.signer, err)
				}
				if !bytes.HasPrefix(sig, []byte("-----BEGIN PGP SIGNATURE-----\n")) ||
					!bytes.HasSuffix(sig, []byte("\n-----END PGP SIGNATURE-----\n")) {
					t.Errorf("not an armored signature:\n%s", sig)
				}
				if got := gpgVerify(t, home, []byte(testCommit), sig); got != tt.key.Fpr {
					t.Errorf("signed by %s, want %s", got, tt.key.Fpr)
				}
				// Exactly one v4 binary signature, issuer subpackets set.
				p, err := packet.Read(dearmor(t, sig))
				s, ok := p.(*packet.Signature)
				if err != nil || !ok {
					t.Fatalf("packet.Read = %T, %v", p, err)
				}
				if s.SigType != packet.SigTypeBinary || s.Version != 4 || s.IssuerKeyId == nil ||
					!strings.EqualFold(fprHex(&packet.PublicKey{Fingerprint: s.IssuerFingerprint}), tt.key.Fpr) ||
					!s.CreationTime.Equal(now) {
					t.Errorf("signature packet = version %d type %d issuer %x created %v", s.Version, s.SigType, s.IssuerFingerprint, s.CreationTime)
				}
			})
		}
	}
}

// TestSignProtected signs with the passphrase-protected key through the
// agent: loopback and a preset passphrase; gpg verifies the result.
func TestSignProtected(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	ctx := context.Background()
	t.Run("loopback", func(t *testing.T) {
		var descs []string
		c := openTest(t, home, NativeOnly, func(o *Options) {
			o.Passphrase = func(_ context.Context, desc string) ([]byte, error) {
				descs = append(descs, desc)
				return []byte(testkeys.Passphrase), nil
			}
		})
		sig, err := c.Sign(ctx, testkeys.Protected.Email, strings.NewReader(testCommit))
		if err != nil {
			t.Fatalf("Sign = %v", err)
		}
		if got := gpgVerify(t, home, []byte(testCommit), sig); got != testkeys.Protected.Fpr {
			t.Errorf("signed by %s", got)
		}
		if len(descs) != 1 || !strings.Contains(descs[0], "\"Test Protected <protected@passotp.test>\"\n255-bit EDDSA key, ID 614A9E54457E0F8D,\ncreated ") {
			t.Errorf("passphrase prompt = %q", descs)
		}
	})
	t.Run("bad passphrase is reported, not handed to gpg", func(t *testing.T) {
		other := testkeys.Home(t)
		c := openTest(t, other, Auto, func(o *Options) {
			o.Passphrase = func(context.Context, string) ([]byte, error) { return []byte("wrong"), nil }
		})
		_, err := c.Sign(ctx, testkeys.Protected.Fpr, strings.NewReader(testCommit))
		var ne *NoNativeSignError
		if !errors.Is(err, ErrBadPassphrase) || errors.As(err, &ne) {
			t.Fatalf("Sign = %v, want ErrBadPassphrase", err)
		}
	})
	t.Run("preset", func(t *testing.T) {
		presetPassphrase(t, home, testkeys.Protected.Grip)
		c := openTest(t, home, NativeOnly, nil)
		sig, err := c.Sign(ctx, testkeys.Protected.Fpr, strings.NewReader(testCommit))
		if err != nil {
			t.Fatalf("Sign = %v", err)
		}
		gpgVerify(t, home, []byte(testCommit), sig)
	})
}

// TestSignNoPinentryFailsFast: a locked key with no terminal, display or
// cached passphrase gives ErrNoPinentry at once (never a hang).
func TestSignNoPinentryFailsFast(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	c := openTest(t, home, Auto, func(o *Options) {
		o.Env = append(o.Env, "GPG_TTY=not a tty", "TERM=xterm")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a hang guard, not a timing check
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Sign(ctx, testkeys.Protected.Fpr, strings.NewReader(testCommit))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNoPinentry) {
			t.Fatalf("Sign = %v, want ErrNoPinentry", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Sign hangs with no pinentry reachable")
	}
}

// TestSignNoNative: what the native path cannot sign gives a
// *NoNativeSignError saying why, and gpg is never run.
func TestSignNoNative(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	confHome := testkeys.Home(t)
	os.WriteFile(filepath.Join(confHome, "gpg.conf"), []byte("# comment\npersonal-digest-preferences SHA512\n"), 0o600)
	noSecret := testkeys.Home(t)
	os.Remove(filepath.Join(noSecret, "private-keys-v1.d", testkeys.RSA.Grip+".key"))
	tests := []struct {
		name, home, signer string
		mode               Mode
		want               string
		wantErr            error
	}{
		{"unknown signer", home, "nobody@example.invalid", Auto, "no usable signing key", ErrNoSecretKey},
		{"unknown fingerprint", home, strings.Repeat("AB", 20), NativeOnly, "no usable signing key", ErrNoSecretKey},
		{"no secret key", noSecret, testkeys.RSA.Email, Auto, "no usable signing key", ErrNoSecretKey},
		{"encryption-only subkey named exactly", home, testkeys.RSA.SubFpr + "!", Auto, "no usable signing key", ErrNoSecretKey},
		{"gpg.conf digest preferences", confHome, testkeys.RSA.Fpr, Auto, `gpg.conf option "personal-digest-preferences"`, nil},
		{"gpg mode", home, testkeys.RSA.Fpr, GPGOnly, "gpg mode", nil},
		{"v3 fingerprint form", home, strings.Repeat("AB", 16), Auto, "signer", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openTest(t, tt.home, tt.mode, func(o *Options) { o.GPG = "/nonexistent/gpg" })
			sig, err := c.Sign(context.Background(), tt.signer, strings.NewReader(testCommit))
			var ne *NoNativeSignError
			if sig != nil || !errors.As(err, &ne) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Sign = %q, %v; want a NoNativeSignError containing %q", sig, err, tt.want)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Sign = %v, want it to wrap %v", err, tt.wantErr)
			}
		})
	}
}

// TestSignGitVerifyCommit builds a signed commit object from the signature
// and has git verify it.
func TestSignGitVerifyCommit(t *testing.T) {
	testkeys.RequireGPG(t)
	testkeys.Require(t, "git")
	home := testkeys.Home(t)
	repo := t.TempDir()
	git := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home, "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	git("", "init", "-q")
	for _, key := range []testkeys.Key{testkeys.RSA, testkeys.Cv25519, testkeys.P256} {
		c := openTest(t, home, NativeOnly, nil)
		sig, err := c.Sign(context.Background(), key.Fpr, strings.NewReader(testCommit))
		if err != nil {
			t.Fatal(err)
		}
		hdr, body, _ := strings.Cut(testCommit, "\n\n")
		signed := hdr + "\ngpgsig " + strings.ReplaceAll(strings.TrimSuffix(string(sig), "\n"), "\n", "\n ") + "\n\n" + body
		id := strings.TrimSpace(git(signed, "hash-object", "-t", "commit", "-w", "--stdin"))
		out := git("", "verify-commit", "--raw", id)
		if !strings.Contains(out, "[GNUPG:] GOODSIG ") || !strings.Contains(out, " "+key.Fpr+"\n") {
			t.Errorf("%s: git verify-commit --raw:\n%s", key.Name, out)
		}
	}
}

func dearmor(t *testing.T, sig []byte) *bytes.Reader {
	t.Helper()
	blk, err := armor.Decode(bytes.NewReader(sig))
	if err != nil || blk.Type != "PGP SIGNATURE" {
		t.Fatalf("armor.Decode = %v", err)
	}
	b, err := io.ReadAll(blk.Body)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

func TestParseSigVal(t *testing.T) {
	tests := []struct {
		in   string
		algo packet.PublicKeyAlgorithm
		want []string
		ok   bool
	}{
		{"(7:sig-val(3:rsa(1:s3:\x01\x02\x03)))", packet.PubKeyAlgoRSA, []string{"\x01\x02\x03"}, true},
		{"(7:sig-val(3:rsa(1:s3:\x01\x02\x03)))\x00", packet.PubKeyAlgoRSA, []string{"\x01\x02\x03"}, true},
		{"(7:sig-val(5:eddsa(1:r2:ab)(1:s2:cd)))", packet.PubKeyAlgoEdDSA, []string{"ab", "cd"}, true},
		{"(7:sig-val(5:ecdsa(1:r1:\x00\x01)(1:s1:\x05)))", packet.PubKeyAlgoECDSA, nil, false}, // length mismatch
		{"(7:sig-val(5:ecdsa(1:r2:\x00\x81)(1:s1:\x05)))", packet.PubKeyAlgoECDSA, []string{"\x00\x81", "\x05"}, true},
		{"(7:sig-val(5:ecdsa(1:r1:\x00)(1:s1:\x05)))", packet.PubKeyAlgoECDSA, nil, false}, // r is zero
		{"(7:sig-val(3:rsa(1:s1:\x01)))", packet.PubKeyAlgoEdDSA, nil, false},
		{"(7:sig-val(5:eddsa(1:r2:ab)))", packet.PubKeyAlgoEdDSA, nil, false},
		{"(5:value3:abc)", packet.PubKeyAlgoRSA, nil, false},
		{"(7:sig-val)", packet.PubKeyAlgoRSA, nil, false},
		{"", packet.PubKeyAlgoRSA, nil, false},
		{"(7:sig-val(3:dsa(1:r1:a)(1:s1:b)))", packet.PubKeyAlgoDSA, nil, false},
	}
	for _, tt := range tests {
		got, err := parseSigVal([]byte(tt.in), tt.algo)
		if (err == nil) != tt.ok {
			t.Errorf("parseSigVal(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if err != nil {
			if got != nil {
				t.Errorf("parseSigVal(%q) = %q with an error", tt.in, got)
			}
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("parseSigVal(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if string(got[i]) != tt.want[i] {
				t.Errorf("parseSigVal(%q)[%d] = %q, want %q", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

func FuzzParseSigVal(f *testing.F) {
	for _, s := range []string{
		"(7:sig-val(3:rsa(1:s3:\x01\x02\x03)))",
		"(7:sig-val(5:eddsa(1:r2:ab)(1:s2:cd)))\x00",
		"(7:sig-val(5:ecdsa(1:r2:\x00\x81)(1:s1:\x05)))",
		"(sig-val (eddsa (r #0102#)(s #03#)))",
	} {
		f.Add([]byte(s), uint8(packet.PubKeyAlgoEdDSA))
		f.Add([]byte(s), uint8(packet.PubKeyAlgoRSA))
		f.Add([]byte(s), uint8(packet.PubKeyAlgoECDSA))
	}
	f.Fuzz(func(t *testing.T, b []byte, algo uint8) {
		got, err := parseSigVal(b, packet.PublicKeyAlgorithm(algo))
		if err != nil && got != nil {
			t.Fatalf("values %q with error %v", got, err)
		}
		for _, v := range got {
			if len(magnitude(v)) == 0 {
				t.Fatalf("zero value accepted: %q", got)
			}
		}
	})
}

// TestSignGeneratedKeys signs with every key type of the generated home:
// RSA, Ed25519 and NIST P-256/384/521 from the key files, brainpool
// through the agent (gpg verifies, with the hash gpg would pick); DSA keys
// give a NoNativeSignError.
func TestSignGeneratedKeys(t *testing.T) {
	dir, keys := generatedHome(t)
	native := map[string]packet.PublicKeyAlgorithm{"rsa": packet.PubKeyAlgoRSA, "cv25519": packet.PubKeyAlgoEdDSA,
		"p256": packet.PubKeyAlgoECDSA, "p384": packet.PubKeyAlgoECDSA, "p521": packet.PubKeyAlgoECDSA,
		"bp256": packet.PubKeyAlgoECDSA, "bp384": packet.PubKeyAlgoECDSA, "bp512": packet.PubKeyAlgoECDSA}
	hashes := map[string]string{"p384": "SHA384", "p521": "SHA512", "bp384": "SHA384", "bp512": "SHA512"}
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			c := openTest(t, dir, Auto, func(o *Options) { o.GPG = "/nonexistent/gpg" })
			sig, err := c.Sign(context.Background(), k.email, strings.NewReader(testCommit))
			algo, ok := native[k.name]
			if !ok {
				var ne *NoNativeSignError
				if !errors.As(err, &ne) {
					t.Fatalf("Sign = %v, want a NoNativeSignError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Sign = %v", err)
			}
			if got := gpgVerify(t, dir, []byte(testCommit), sig); got != k.fpr {
				t.Errorf("signed by %s, want %s", got, k.fpr)
			}
			p, _ := packet.Read(dearmor(t, sig))
			s, _ := p.(*packet.Signature)
			want := "SHA256"
			if h, ok := hashes[k.name]; ok {
				want = h
			}
			if s == nil || s.PubKeyAlgo != algo || s.Hash.String() != strings.Replace(want, "SHA", "SHA-", 1) {
				t.Errorf("signature %+v, want algorithm %d and %s", s, algo, want)
			}
		})
	}
}

// TestSigningKeyFromSexpChecks: a key file whose secret does not belong to
// the certificate's public key is refused.
func TestSigningKeyFromSexpChecks(t *testing.T) {
	home := testkeys.Home(t)
	c := openTest(t, home, NativeOnly, nil)
	kr, err := c.keyring()
	if err != nil {
		t.Fatal(err)
	}
	pubOf := func(k testkeys.Key) *packet.PublicKey {
		cands, err := kr.candidates(0)
		if err != nil {
			t.Fatal(err)
		}
		for _, cd := range cands {
			if fprHex(cd.primary) == k.Fpr {
				return cd.primary
			}
		}
		t.Fatalf("no key %s", k.Name)
		return nil
	}
	fileOf := func(k testkeys.Key) *sexp {
		b, err := os.ReadFile(filepath.Join(home, "private-keys-v1.d", k.Grip+".key"))
		if err != nil {
			t.Fatal(err)
		}
		s, kind, err := parseKeyFile(b)
		if err != nil || kind != keyUnprotected {
			t.Fatalf("parseKeyFile(%s) = %v, %v", k.Name, kind, err)
		}
		return s
	}
	ed, p256, rsaKey := testkeys.Cv25519, testkeys.P256, testkeys.RSA
	for _, k := range []testkeys.Key{ed, p256, rsaKey} {
		if _, err := signingKeyFromSexp(fileOf(k), pubOf(k)); err != nil {
			t.Errorf("%s: %v", k.Name, err)
		}
	}
	for _, tt := range []struct{ file, pub testkeys.Key }{{ed, p256}, {p256, ed}, {rsaKey, ed}, {ed, rsaKey}} {
		if _, err := signingKeyFromSexp(fileOf(tt.file), pubOf(tt.pub)); err == nil {
			t.Errorf("%s key file accepted for the %s certificate", tt.file.Name, tt.pub.Name)
		}
	}
	// The right q with another d.
	s := fileOf(ed)
	d := s.list[1].sub("d").list[1]
	d.atom = append([]byte(nil), d.atom...)
	d.atom[5] ^= 1
	if _, err := signingKeyFromSexp(s, pubOf(ed)); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("ed25519 with a wrong d: %v", err)
	}
	s = fileOf(p256)
	d = s.list[1].sub("d").list[1]
	d.atom = append([]byte(nil), d.atom...)
	d.atom[5] ^= 1
	if _, err := signingKeyFromSexp(s, pubOf(p256)); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("p256 with a wrong d: %v", err)
	}
}

// BenchmarkSign: one commit signature from a key file and through the
// agent (unprotected keys), Ed25519 and RSA-3072.
func BenchmarkSign(b *testing.B) {
	testkeys.RequireGPG(b)
	home := testkeys.Home(b)
	for _, agent := range []bool{false, true} {
		for _, k := range []testkeys.Key{testkeys.Cv25519, testkeys.RSA} {
			name := "KeyFile" + k.Name
			if agent {
				name = "Agent" + k.Name
			}
			b.Run(name, func(b *testing.B) {
				c := openTest(b, home, NativeOnly, nil)
				c.agentOnly = agent
				for i := 0; i < b.N; i++ {
					if _, err := c.Sign(context.Background(), k.Fpr, strings.NewReader(testCommit)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestSignSmartcardStub: with a smartcard stub as the key file, Sign asks
// the agent with gpg's exchange (HAVEKEY, KEYINFO, SIGKEY, SETKEYDESC,
// SETHASH 8 <digest>, PKSIGN) and turns the card's (sig-val (rsa (s …)))
// into a signature gpg verifies. Agent errors before PKSIGN leave the
// signature to gpg (NoNativeSignError); a bad passphrase or another error
// after PKSIGN does not.
func TestSignSmartcardStub(t *testing.T) {
	testkeys.RequireGPG(t)
	dir := testkeys.Home(t)
	now := time.Now().Truncate(time.Second)
	grip := testkeys.RSA.Grip

	// The card's answer, computed with the real key file before the stub
	// replaces it.
	c0 := openTest(t, dir, NativeOnly, func(o *Options) { o.Now = func() time.Time { return now } })
	h, _ := c0.home()
	kr, err := c0.keyring()
	if err != nil {
		t.Fatal(err)
	}
	sk, err := resolveSigner(context.Background(), h, kr, testkeys.RSA.Fpr, now)
	if err != nil {
		t.Fatal(err)
	}
	digest := sigDigest(crypto.SHA256, []byte(testCommit), sigHashedPart(sk.pub, crypto.SHA256, now))
	b, err := os.ReadFile(filepath.Join(dir, "private-keys-v1.d", grip+".key"))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := parseKeyFile(b)
	if err != nil {
		t.Fatal(err)
	}
	mpis, err := signWithKeyFile(s, sk.pub, crypto.SHA256, digest)
	if err != nil {
		t.Fatal(err)
	}
	sigval := append([]byte(fmt.Sprintf("(7:sig-val(3:rsa(1:s%d:", len(mpis[0]))), mpis[0]...)
	sigval = append(sigval, ")))\x00"...)
	var result strings.Builder
	for _, l := range escapeDataLines(sigval) {
		result.WriteString("D " + l + "\n")
	}
	result.WriteString("OK\n")

	stub, err := os.ReadFile("testdata/keys/shadowed.extended.key")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "private-keys-v1.d", grip+".key"), stub, 0o600); err != nil {
		t.Fatal(err)
	}
	head := []step{
		{"HAVEKEY " + grip, "OK\n"},
		{"KEYINFO " + grip, "S KEYINFO " + grip + " T D2760001240102000005000011730000 OPENPGP.1 - - - - -\nOK\n"},
		{"SIGKEY " + grip, "OK\n"},
		{"SETKEYDESC " + percentPlusEscape(keyDescription(sk.pub, sk.primary, sk.uid)), "OK\n"},
		{fmt.Sprintf("SETHASH 8 %X", digest), "OK\n"},
	}
	tests := []struct {
		name     string
		steps    []step
		ok       bool
		noNative bool
		is       error
	}{
		{"card signs", append(head[:len(head):len(head)], step{"PKSIGN", result.String()}), true, false, nil},
		{"agent lacks the key", []step{{"HAVEKEY " + grip, "ERR 67108881 No secret key <gpg-agent>\n"}}, false, true, ErrNoSecretKey},
		{"SIGKEY refused", append(head[:2:2], step{"SIGKEY " + grip, "ERR 67108924 Invalid ID <gpg-agent>\n"}), false, true, nil},
		{"bad PIN", append(head[:len(head):len(head)], step{"PKSIGN", "ERR 67108875 Bad passphrase <gpg-agent>\n"}), false, false, ErrBadPassphrase},
		{"card error after PKSIGN", append(head[:len(head):len(head)], step{"PKSIGN", "ERR 100663404 Card error <SCD>\n"}), false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, errc := fakeServer(t, tt.steps)
			c := openTest(t, dir, Auto, func(o *Options) {
				o.Now = func() time.Time { return now }
				o.Env = []string{"PATH=/nonexistent", "HOME=/nonexistent"}
			})
			c.agent = &agentConn{a: a}
			sig, err := c.Sign(context.Background(), testkeys.RSA.Fpr, strings.NewReader(testCommit))
			a.conn.Close()
			if rerr := <-errc; rerr != nil {
				t.Errorf("replay: %v", rerr)
			}
			if tt.ok {
				if err != nil {
					t.Fatalf("Sign = %v", err)
				}
				if got := gpgVerify(t, dir, []byte(testCommit), sig); got != testkeys.RSA.Fpr {
					t.Errorf("signed by %s", got)
				}
				return
			}
			var ne *NoNativeSignError
			if err == nil || errors.As(err, &ne) != tt.noNative || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("Sign = %v; want an error (NoNativeSignError %v, is %v)", err, tt.noNative, tt.is)
			}
		})
	}
}

// TestSignWithSigningSubkey: a certify-only primary with a signing subkey
// signs with the subkey, as gpg -u does; "!" on the primary refuses.
func TestSignWithSigningSubkey(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.EmptyHome(t)
	const uid = "Sub Signer <subsign@keys.test>"
	testkeys.GPG(t, home, nil, "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-gen-key", uid, "ed25519", "cert", "never")
	fpr := testkeys.Fingerprint(t, home, uid)
	testkeys.GPG(t, home, nil, "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-add-key", fpr, "ed25519", "sign", "never")
	var subFpr string
	out := testkeys.GPG(t, home, nil, "--with-colons", "--list-keys", fpr)
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" && f[9] != fpr {
			subFpr = f[9]
		}
	}
	c := openTest(t, home, NativeOnly, nil)
	sig, err := c.Sign(context.Background(), "subsign@keys.test", strings.NewReader(testCommit))
	if err != nil {
		t.Fatalf("Sign = %v", err)
	}
	if got := gpgVerify(t, home, []byte(testCommit), sig); got != fpr {
		t.Errorf("primary %s, want %s", got, fpr)
	}
	p, _ := packet.Read(dearmor(t, sig))
	if s, ok := p.(*packet.Signature); !ok || !strings.EqualFold(fprHex(&packet.PublicKey{Fingerprint: s.IssuerFingerprint}), subFpr) {
		t.Errorf("issuer = %v, want the signing subkey %s", p, subFpr)
	}
	_, err = c.Sign(context.Background(), fpr+"!", strings.NewReader(testCommit))
	var ne *NoNativeSignError
	if !errors.As(err, &ne) {
		t.Errorf("Sign(certify-only primary!) = %v, want a NoNativeSignError", err)
	}
}
