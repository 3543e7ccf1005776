package passstore

import (
	"context"
	"strconv"
	"testing"
)

// Benchmarks for the report: go test -run X -bench . ./passstore/

func BenchmarkWrite(b *testing.B) {
	s, _ := newStore(b, 0o77)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Write(ctx, "a/b", []byte(strconv.Itoa(i)), &fakeCrypt{}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchCommit(b *testing.B, viaGit bool) {
	t := b
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	for i := 0; i < 50; i++ { // a store of some size
		writeCommit(t, s, "e/"+strconv.Itoa(i), "x\n", "Add")
	}
	r := workTreeAt(dir)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := s.Write(ctx, "hotp", []byte(strconv.Itoa(i)), &fakeCrypt{}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var err error
		if viaGit {
			err = s.commitExec(r, "hotp.gpg", "Increment HOTP counter for hotp.", false)
		} else {
			err = s.Commit("hotp", "Increment HOTP counter for hotp.")
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCommitNative(b *testing.B)    { benchCommit(b, false) }
func BenchmarkCommitGitBinary(b *testing.B) { benchCommit(b, true) }
