package ageio_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/passotp/passotp/ageio"
)

// Throwaway keys made for these tests only.
const (
	testKey = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
	testRcp = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"
	testSSH = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMsrGh6HYr2w7YDbm5QW8zWqvj6Jc26UrHyx3Xh8cu3 test"
)

func TestParseRecipient(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"x25519", testRcp, true},
		{"x25519 spaces", "  " + testRcp + " ", true},
		{"ssh-ed25519", testSSH, true},
		{"bad checksum", testRcp[:len(testRcp)-1] + "q", false},
		{"plugin", "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t", true},
		{"plugin bad checksum", "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3q", false},
		{"github", "github:alice", false},
		{"gpg id", "0x4DE0461C409E5236", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ageio.ParseRecipient(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseRecipient(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil {
				var re *ageio.RecipientError
				if !errors.As(err, &re) || r != nil {
					t.Errorf("error %T %v with value %v; want *RecipientError and nil", err, err, r)
				}
			}
		})
	}
}

func TestParseRecipientsLines(t *testing.T) {
	rs, err := ageio.ParseRecipients([]string{"# team", "", testRcp + " # alice\r", testSSH})
	if err != nil || len(rs) != 2 {
		t.Fatalf("ParseRecipients = %d, %v; want 2 recipients", len(rs), err)
	}
}

func TestParseIdentities(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		n       int
		wantErr error
	}{
		{"one key", testKey + "\n", 1, nil},
		{"comments", "# created: now\n# public key: " + testRcp + "\n" + testKey + "\n\n", 1, nil},
		{"gopass suffix", testKey + "|" + testRcp + "\n", 1, nil},
		{"two", testKey + "\n" + testKey + "\n", 2, nil},
		{"empty", "# nothing\n", 0, ageio.ErrNoIdentities},
		{"plugin garbage", "AGE-PLUGIN-YUBIKEY-1QQQQQQ\n", 0, nil},
		{"garbage", testKey[:40] + "\n", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, err := ageio.ParseIdentities([]byte(tt.in))
			if tt.n > 0 {
				if err != nil || len(ids) != tt.n {
					t.Fatalf("got %d, %v; want %d identities", len(ids), err, tt.n)
				}
				if x, ok := ids[0].(*age.X25519Identity); !ok || x.Recipient().String() != testRcp {
					t.Errorf("identity %T does not match its recipient", ids[0])
				}
				return
			}
			if err == nil {
				t.Fatalf("no error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "AGE-SECRET-KEY") || strings.Contains(err.Error(), testKey[20:40]) {
				t.Errorf("error %q shows key material", err)
			}
		})
	}
}

func FuzzParseIdentities(f *testing.F) {
	for _, s := range []string{testKey + "\n", testKey + "|" + testRcp, "# x\n", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "AGE-PLUGIN-X-1Q", testSSHPriv, strings.Replace(testSSHPriv, "OPENSSH", "RSA", 2)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ids, err := ageio.ParseIdentities(data)
		if err != nil {
			if ids != nil {
				t.Fatalf("error with identities")
			}
			if strings.Contains(err.Error(), "AGE-SECRET-KEY-1") {
				t.Fatalf("error shows key material: %v", err)
			}
			return
		}
		if len(ids) == 0 {
			t.Fatalf("no error and no identity")
		}
	})
}

func FuzzParseRecipient(f *testing.F) {
	for _, s := range []string{testRcp, testSSH, "github:x", "age1yubikey1q", "ssh-rsa AAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ageio.ParseRecipient(s)
		if (r == nil) == (err == nil) {
			t.Fatalf("ParseRecipient(%q) = %v, %v: want exactly one", s, r, err)
		}
	})
}

// FuzzParseSSHKey feeds the hand-written ssh private key reader (PEM
// armor, openssh-key-v1, PKCS#1) well-formed PEM around arbitrary bytes, so
// the fuzzer gets past the base64.
func FuzzParseSSHKey(f *testing.F) {
	blob := func(s string) []byte {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		b, err := base64.StdEncoding.DecodeString(strings.Join(lines[1:len(lines)-1], ""))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	key := blob(testSSHPriv)
	for _, label := range []string{"OPENSSH PRIVATE KEY", "RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY"} {
		f.Add(label, key)
		f.Add(label, key[:len(key)/2])
	}
	f.Add("RSA PRIVATE KEY", []byte{0x30, 0x82, 0x01, 0x0a, 0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00})
	f.Fuzz(func(t *testing.T, label string, der []byte) {
		if strings.ContainsAny(label, "\r\n:") {
			return
		}
		body := base64.StdEncoding.EncodeToString(der)
		var b strings.Builder
		b.WriteString("-----BEGIN " + label + "-----\n")
		var lines []string
		for rest := body; rest != ""; {
			n := min(64, len(rest))
			lines = append(lines, rest[:n])
			rest = rest[n:]
		}
		b.WriteString(strings.Join(lines, "\n") + "\n-----END " + label + "-----\n")
		ids, err := ageio.ParseIdentities([]byte(b.String()))
		if (err == nil) == (ids == nil) {
			t.Fatalf("ParseIdentities = %v, %v: want exactly one", ids, err)
		}
		if err != nil {
			// No encoding of the key may appear in the error: not the
			// base64 (whole, or any 16 bytes of a PEM line), not the
			// raw bytes, not their hex.
			msg := err.Error()
			leaks := []string{body}
			for _, l := range lines {
				for i := 0; i+16 <= len(l); i += 16 {
					leaks = append(leaks, l[i:i+16])
				}
			}
			if len(der) >= 8 {
				leaks = append(leaks, string(der), hex.EncodeToString(der), fmt.Sprintf("%x", der[:8]), fmt.Sprintf("% x", der[:8]))
			}
			for _, leak := range leaks {
				if len(leak) >= 16 && strings.Contains(msg, leak) {
					t.Fatalf("error quotes the key (%q): %v", leak, err)
				}
			}
			return
		}
		id, ok := ids[0].(*ageio.SSHIdentity)
		if !ok || len(ids) != 1 {
			t.Fatalf("PEM input gave %T ×%d", ids[0], len(ids))
		}
		if r := id.Recipient(); r != "" {
			if _, err := ageio.ParseRecipient(r); err != nil {
				t.Fatalf("Recipient() %q does not parse: %v", r, err)
			}
		}
	})
}
