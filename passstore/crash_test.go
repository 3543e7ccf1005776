package passstore

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const crashEnv = "PASSSTORE_CRASH_HELPER"

var crashNames = []string{"a", "dir/b", "dir/sub/c", "arn:aws:iam::1:mfa/d"}

// crashContent is a recognisable plaintext for version v of name, large
// enough that a write takes a while.
func crashContent(name string, v int) []byte {
	head := fmt.Sprintf("%s v%d\n", name, v)
	return append([]byte(head), bytes.Repeat([]byte("0123456789abcdef"), 1024)...)
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashHelper(dir)
		return
	}
	os.Exit(m.Run())
}

// crashHelper is the child of TestCrashSafety: it writes and commits
// entries in a loop until it is killed, printing one line per write.
func crashHelper(dir string) {
	env := strings.Split(os.Getenv(crashEnv+"_ENV"), "\x1f")
	s := Open(Options{Dir: dir, Umask: 0o77, Env: env})
	s.testNamedTemp = os.Getenv(crashEnv+"_NAMED") == "1"
	start, _ := strconv.Atoi(os.Getenv(crashEnv + "_START"))
	ctx := context.Background()
	for v := start; ; v++ {
		name := crashNames[v%len(crashNames)]
		if _, err := s.Write(ctx, name, crashContent(name, v), &fakeCrypt{}); err != nil {
			fmt.Fprintln(os.Stderr, "write:", err)
			os.Exit(3)
		}
		if err := s.Commit(name, "Increment HOTP counter for "+name+"."); err != nil {
			fmt.Fprintln(os.Stderr, "commit:", err)
			os.Exit(3)
		}
		fmt.Println(v)
	}
}

// TestCrashSafety SIGKILLs a writer at random moments until it has done at
// least 200 writes and 20 kills (and 60 writes and 10 kills with named
// temporary files, the portable path), and checks after each kill that every entry is a complete old or
// new version, that no temporary file is left (with O_TMPFILE), and that
// git fsck is clean (every fifth kill and at the end).
func TestCrashSafety(t *testing.T) {
	t.Run("tmpfile", func(t *testing.T) { crashSafety(t, false, 200, 20) })
	t.Run("named", func(t *testing.T) { crashSafety(t, true, 60, 10) })
}

func crashSafety(t *testing.T, namedTemp bool, minWrites, minKills int) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	for i, n := range crashNames {
		writeCommit(t, s, n, string(crashContent(n, i)), "Add OTP secret for "+n+" to store.")
	}
	version := map[string]int{}
	for i, n := range crashNames {
		version[n] = i
	}
	writes, kills, staleLocks, named := 0, 0, 0, 0
	next := len(crashNames)
	for writes < minWrites || kills < minKills {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), crashEnv+"="+dir, crashEnv+"_ENV="+strings.Join(env, "\x1f"),
			crashEnv+"_START="+strconv.Itoa(next))
		if namedTemp {
			cmd.Env = append(cmd.Env, crashEnv+"_NAMED=1")
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it do a random number of writes (whatever the machine's
		// speed), then kill it at a random moment of the next ones.
		sc := bufio.NewScanner(out)
		done := 0
		for target := 1 + rand.IntN(15); done < target && sc.Scan(); {
			done++
		}
		time.Sleep(time.Duration(rand.IntN(30000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		last := -1
		for sc.Scan() {
			if v, err := strconv.Atoi(sc.Text()); err == nil {
				last = v
				done++
			}
		}
		cmd.Wait()
		if strings.Contains(stderr.String(), "write:") || strings.Contains(stderr.String(), "commit:") {
			t.Fatalf("helper failed: %s", stderr.String())
		}
		kills++
		writes += done
		// Every entry is some complete version: old or new.
		for _, n := range crashNames {
			b, err := os.ReadFile(s.Path(n))
			if err != nil {
				t.Fatalf("entry %s after kill %d: %v", n, kills, err)
			}
			pt, err := fakeOpen(b)
			if err != nil {
				t.Fatalf("entry %s after kill %d is torn (%d bytes)", n, kills, len(b))
			}
			var v int
			if _, err := fmt.Sscanf(string(pt), n+" v%d\n", &v); err != nil || !bytes.Equal(pt, crashContent(n, v)) {
				t.Fatalf("entry %s after kill %d holds an unknown plaintext", n, kills)
			}
			if v < version[n] {
				t.Fatalf("entry %s went back from v%d to v%d", n, version[n], v)
			}
			version[n] = v
		}
		// With O_TMPFILE a temporary file has a name only between link
		// and rename (microseconds); with named temporary files, for the
		// whole encryption. A kill there leaves one, which never ends in
		// .gpg and is removed by the next write of that entry.
		for _, l := range tempFiles(t, dir) {
			if strings.HasSuffix(l, ".gpg") || !isOurTemp(filepath.Base(l), strings.SplitN(filepath.Base(l), ".tmp.", 2)[0]) {
				t.Fatalf("kill %d left a bad temporary file: %s", kills, l)
			}
			named++
		}
		if named > 0 && !namedTemp {
			t.Logf("kill %d hit the link-rename window", kills)
		}
		// git: objects and refs consistent. A kill inside a commit may
		// leave git's own lock files, exactly as a killed git does.
		for _, l := range []string{dir + "/.git/index.lock", dir + "/.git/refs/heads/main.lock"} {
			if _, err := os.Stat(l); err == nil {
				staleLocks++
				os.Remove(l)
			}
		}
		if kills%5 == 0 { // and at the end
			gitIn(t, env, dir, "fsck", "--strict", "--no-progress")
		}
		if last >= next {
			next = last + 1
		}
		next += 100 // fresh version numbers for the next child
	}
	t.Logf("%d writes, %d kills, %d stale git locks removed, %d named temporary files seen after a kill", writes, kills, staleLocks, named)
	// One more write of each entry: no temporary file remains, git is
	// up to date and clean.
	s.testNamedTemp = namedTemp
	for _, n := range crashNames {
		writeCommit(t, s, n, string(crashContent(n, next)), "Increment HOTP counter for "+n+".")
		next++
	}
	if left := tempFiles(t, dir); len(left) != 0 {
		t.Fatalf("temporary files left: %q", left)
	}
	checkRepo(t, env, dir)
}
