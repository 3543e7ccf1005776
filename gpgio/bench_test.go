package gpgio

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/passotp/passotp/internal/testkeys"
)

// Benchmarks behind the numbers of gpgio.md §11. Run them with
//
//	go test ./gpgio -run '^$' -bench . -benchtime 200x

func benchEntry(b *testing.B, name string) []byte {
	b.Helper()
	ct, err := os.ReadFile(filepath.Join(entriesDir, name))
	if err != nil {
		b.Fatal(err)
	}
	return ct
}

func benchDecrypt(b *testing.B, entry string, agent bool) {
	home := testkeys.Home(b)
	if agent {
		testkeys.RequireGPG(b)
	}
	ct := benchEntry(b, entry)
	c := openTest(b, home, NativeOnly, nil)
	c.agentOnly = agent
	ctx := context.Background()
	if _, err := c.Decrypt(ctx, bytes.NewReader(ct)); err != nil { // warm: key parsed, agent up
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Decrypt(ctx, bytes.NewReader(ct)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptKeyFileRSA(b *testing.B)     { benchDecrypt(b, "rsa.gpg", false) }
func BenchmarkDecryptKeyFileCv25519(b *testing.B) { benchDecrypt(b, "cv25519.gpg", false) }
func BenchmarkDecryptAgentRSA(b *testing.B)       { benchDecrypt(b, "rsa.gpg", true) }
func BenchmarkDecryptAgentCv25519(b *testing.B)   { benchDecrypt(b, "cv25519.gpg", true) }

// benchDecryptCold is one whole first use: Open, home, keybox index, key
// file read and parse, decrypt (what `passotp NAME` does once).
func benchDecryptCold(b *testing.B, entry string) {
	home := testkeys.Home(b)
	ct := benchEntry(b, entry)
	env := testEnv(b, home)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c, _ := Open(Options{Home: home, Mode: NativeOnly, Env: env})
		if _, err := c.Decrypt(ctx, bytes.NewReader(ct)); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

func BenchmarkDecryptColdCv25519(b *testing.B) { benchDecryptCold(b, "cv25519.gpg") }

// BenchmarkDecryptColdRSA is dominated by the RSA-3072 decryption itself
// once the key file's CRT coefficient is used (rsaPrivateKey); before, the
// key's checks cost twice as much as the decryption.
func BenchmarkDecryptColdRSA(b *testing.B) { benchDecryptCold(b, "rsa.gpg") }

// BenchmarkLoadKeyFileRSA reads, parses and checks the RSA-3072 key file.
func BenchmarkLoadKeyFileRSA(b *testing.B) {
	h, err := newHome(testkeys.Home(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	kr, err := openKeyring(h)
	if err != nil {
		b.Fatal(err)
	}
	id, err := strconv.ParseUint(testkeys.RSA.SubID, 16, 64)
	if err != nil {
		b.Fatal(err)
	}
	cands, err := kr.candidates(id)
	if err != nil || len(cands) != 1 {
		b.Fatalf("candidates = %d, %v", len(cands), err)
	}
	grip, err := keygrip(cands[0].pub)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, kind, err := loadKeyFile(h, grip, cands[0].pub); err != nil || kind != keyUnprotected {
			b.Fatalf("loadKeyFile: %v, %v", kind, err)
		}
	}
}

// BenchmarkKeyboxLookup opens the keybox index and finds the candidates
// for one PKESK key id.
func BenchmarkKeyboxLookup(b *testing.B) {
	home := testkeys.Home(b)
	h, err := newHome(home, nil)
	if err != nil {
		b.Fatal(err)
	}
	var id uint64
	for _, c := range testkeys.Cv25519.SubID {
		id = id<<4 | uint64(hexNibbleMust(byte(c)))
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		kr, err := openKeyring(h)
		if err != nil {
			b.Fatal(err)
		}
		cands, err := kr.candidates(id)
		if err != nil || len(cands) != 1 {
			b.Fatalf("candidates = %d, %v", len(cands), err)
		}
	}
}

func hexNibbleMust(c byte) byte {
	n, ok := hexNibble(c)
	if !ok {
		panic("bad hex")
	}
	return n
}
