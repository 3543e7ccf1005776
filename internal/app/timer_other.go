//go:build !linux

package app

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// timerPIDs lists the processes of this user whose command line starts
// with name, through pgrep -f (there is no /proc to read).
func timerPIDs(name string) []int {
	out, err := exec.Command("pgrep", "-u", strconv.Itoa(os.Getuid()), "-f", "^"+regexp.QuoteMeta(name)).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	return pids
}
