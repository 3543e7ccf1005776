package app

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// timerPIDs lists the processes of this user whose command line (argv
// joined by spaces, as pkill -f sees it) starts with name.
func timerPIDs(name string) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	uid, self := os.Getuid(), os.Getpid()
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		fi, err := os.Stat("/proc/" + e.Name())
		if err != nil {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != uid {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		cmdline := string(bytes.ReplaceAll(bytes.TrimRight(b, "\x00"), []byte{0}, []byte{' '}))
		if strings.HasPrefix(cmdline, name) {
			pids = append(pids, pid)
		}
	}
	return pids
}
