package gpgio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestDecryptGeneratedMatrix runs the entry kinds of the interop matrix
// (issue 3) with keys generated at test time by the real gpg in a short
// temporary GNUPGHOME (generatedHome: RSA-3072, ed25519/cv25519, NIST
// P-256/384/521, brainpool P-256/384/512, DSA/ElGamal), natively only:
// one entry for all nine keys, a hidden recipient (-R) of every type from
// key files and through the agent, zlib and bzip2 entries, and entries
// signed by every primary key type.
func TestDecryptGeneratedMatrix(t *testing.T) {
	home, keys := generatedHome(t)
	type entry struct {
		name  string
		args  []string
		agent bool
	}
	var entries []entry
	var all []string
	for _, k := range keys {
		all = append(all, "-r", k.fpr)
	}
	entries = append(entries, entry{"all nine recipients", all, false}, entry{"all nine recipients/agent", all, true})
	for i, k := range keys {
		entries = append(entries,
			entry{"hidden " + k.name, []string{"-R", k.fpr}, false},
			entry{"hidden " + k.name + "/agent", []string{"-R", k.fpr}, true},
			entry{"signed by " + k.name, []string{"-s", "-u", k.fpr, "-r", keys[(i+1)%len(keys)].fpr}, false},
		)
	}
	entries = append(entries,
		entry{"zlib", []string{"--compress-algo", "zlib", "-r", keys[1].fpr}, false},
		entry{"bzip2", []string{"--compress-algo", "bzip2", "-r", keys[0].fpr}, false},
		entry{"signed, bzip2, three recipients", []string{"-s", "-u", keys[2].fpr, "--compress-algo", "bzip2",
			"-r", keys[8].fpr, "-r", keys[5].fpr, "-r", keys[1].fpr}, true},
	)
	for _, e := range entries {
		t.Run(e.name, func(t *testing.T) {
			ct := encryptWithGPG(t, home, []byte(testEntry), append([]string{"--pinentry-mode", "loopback", "--passphrase", ""}, e.args...)...)
			c := openTest(t, home, NativeOnly, nil)
			c.agentOnly = e.agent
			got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
			if err != nil || string(got) != testEntry {
				t.Fatalf("Decrypt = %q, %v", got, err)
			}
		})
	}
}

// TestSKESKAndTag9FallBack: what pass never writes but gpg reads goes to gpg
// (gpgio.md §2): a passphrase-only message (SKESK, gpg -c) and a message
// without MDC (tag 9, gpg --rfc2440) are *UnsupportedError natively and
// handed to gpg in auto mode (a fake gpg records the call); a message with
// both a SKESK and a PKESK for our key decrypts natively.
func TestSKESKAndTag9FallBack(t *testing.T) {
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	loop := []string{"--pinentry-mode", "loopback", "--passphrase", "passotp-skesk"}
	tests := []struct {
		name   string
		args   []string
		reason string // "" means native success
	}{
		{"skesk only", append(loop, "-c"), "SKESK"},
		{"tag 9", []string{"--rfc2440", "-e", "-r", testkeys.Cv25519.Fpr}, "tag 9"},
		{"skesk and pkesk", append(loop, "-c", "-e", "-r", testkeys.RSA.Fpr), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := testkeys.GPG(t, home, []byte(testEntry), append([]string{"--trust-model", "always", "--compress-algo", "none"}, tt.args...)...)
			native := openTest(t, home, NativeOnly, func(o *Options) { o.Env = []string{"PATH=/nonexistent", "HOME=/nonexistent"} })
			got, err := native.Decrypt(context.Background(), bytes.NewReader(ct))
			if tt.reason == "" {
				if err != nil || string(got) != testEntry {
					t.Fatalf("NativeOnly = %q, %v", got, err)
				}
				return
			}
			var ue *UnsupportedError
			if !errors.As(err, &ue) || !strings.Contains(ue.Reason, tt.reason) {
				t.Fatalf("NativeOnly: %v, want *UnsupportedError naming %s", err, tt.reason)
			}
			dir, log := fakeGPG(t, "gpg")
			auto := openTest(t, home, Auto, func(o *Options) { o.Env = []string{"PATH=" + dir, "HOME=/nonexistent"} })
			if got, err := auto.Decrypt(context.Background(), bytes.NewReader(ct)); err != nil || !bytes.Equal(got, ct) {
				t.Fatalf("Auto = %d bytes, %v; want the fake gpg's echo", len(got), err)
			}
			if _, err := os.Stat(log); err != nil {
				t.Errorf("gpg was not run: %v", err)
			}
		})
	}
}
