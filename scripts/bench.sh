#!/usr/bin/env bash
# bench.sh: time `passotp NAME` against `pass otp NAME`, `gpg -d FILE` and an
# empty Go program, side by side, in a throwaway sandbox (issue 3, item 6).
#
# It builds ./cmd/passotp twice: as scripts/install.sh does (CGO_ENABLED=0,
# -trimpath, -tags urfave_cli_no_docs: the binary timed as "passotp") and as
# a plain `go build` / `go install` does with this machine's defaults (cgo
# on when a C compiler is found, urfave/cli's man-page renderer linked in:
# the "plain go build" rows), and times copies of both (see below). It
# makes a short GNUPGHOME holding a copy of the committed throwaway keyring
# (internal/testkeys: cv25519 and RSA-3072 keys without passphrase, and a
# cv25519 key protected with "passotp-test", whose passphrase is preset in
# the agent with gpg-preset-passphrase), a password store with one TOTP
# entry per key, and then runs every command in turn, alternating, RUNS
# times each (default 40, at least 20). It prints the median wall and CPU
# times, the ratios the issue asks for, and the top package init times of
# the passotp binary (GODEBUG=inittrace=1).
#
# Usage: scripts/bench.sh [RUNS]      (from anywhere inside the repository)
# More build flags can come from GOFLAGS (both builds get them).
# Needs: go, gpg, gpgconf, pass with pass-otp, oathtool, bash >= 4.
# Nothing outside the sandbox is touched; only the sandbox's own gpg-agent
# is stopped at the end (gpgconf --homedir SANDBOX --kill all).
set -euo pipefail

RUNS=${1:-40}
if (( RUNS < 20 )); then
	echo "bench.sh: use at least 20 runs" >&2
	exit 2
fi
for tool in go gpg gpgconf pass oathtool; do
	command -v "$tool" >/dev/null || { echo "bench.sh: $tool is required" >&2; exit 2; }
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SANDBOX=$(mktemp -d /tmp/pobXXXXXX) # short: the agent socket lives in it
export GNUPGHOME=$SANDBOX/g
cleanup() {
	gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null || true
	rm -rf "$SANDBOX"
}
trap cleanup EXIT

# The keys of internal/testkeys (see testkeys.go).
RSA_FPR=EFACCB94397F560BFC1BD36AB3DBECEE4DBA88DA
CV_FPR=17DA0DC5F5D88B73892E31412BA0A27AB5441B6F
PROT_FPR=D78D5FF7A3A23DA8383E7196614A9E54457E0F8D
PROT_SUBGRIP=961FF04BF75DDB3B4EFEA82107C5A647FEECF166

echo "building passotp (as install.sh and as plain go build) and an empty Go program ..." >&2
(cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -tags urfave_cli_no_docs -o "$SANDBOX/passotp-linked" ./cmd/passotp)
(cd "$ROOT" && go build -o "$SANDBOX/passotp-plain-linked" ./cmd/passotp)
mkdir -p "$SANDBOX/empty"
printf 'package main\n\nfunc main() {}\n' >"$SANDBOX/empty/main.go"
printf 'module empty\n\ngo 1.21\n' >"$SANDBOX/empty/go.mod"
(cd "$SANDBOX/empty" && CGO_ENABLED=0 go build -trimpath -o "$SANDBOX/empty-go-linked" .)
# The binaries timed are copies, as install.sh installs them (cp). The Go
# linker writes its output through mmap, and a file written that way starts
# up to ~1 ms slower than a byte-identical copy while its pages stay in the
# page cache (here: 5.5 vs 4.3 ms CPU for passotp NAME). The linker's own
# file is timed too ("as linked"), so the effect shows in every run.
for b in passotp passotp-plain empty-go; do
	cp "$SANDBOX/$b-linked" "$SANDBOX/$b"
done
# timeit runs one command and prints its wall time and its CPU time (user +
# system, from wait4, so including the children it waited for, such as the
# gpg that pass runs; not the agent's work) in microseconds. CPU time hardly
# depends on the load of a shared machine; wall time does.
mkdir -p "$SANDBOX/timeit"
cat >"$SANDBOX/timeit/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "timeit:", err)
		os.Exit(1)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime))
	fmt.Println(wall.Microseconds(), cpu.Microseconds(), ru.Minflt)
}
GO
printf 'module timeit\n\ngo 1.21\n' >"$SANDBOX/timeit/go.mod"
(cd "$SANDBOX/timeit" && CGO_ENABLED=0 go build -o "$SANDBOX/timeit-bin" .)

mkdir -m 700 "$GNUPGHOME"
cp -r "$ROOT/internal/testkeys/testdata/gnupg/." "$GNUPGHOME/"
chmod -R go-rwx "$GNUPGHOME"
gpgconf --launch gpg-agent
LIBEXEC=$(gpgconf --list-dirs libexecdir)
# The passphrase goes on stdin, never on a command line.
printf '%s\n' passotp-test | "$LIBEXEC/gpg-preset-passphrase" --preset "$PROT_SUBGRIP"

export PASSWORD_STORE_DIR=$SANDBOX/store
export HOME=$SANDBOX
unset PASSWORD_STORE_GPG_OPTS PASSWORD_STORE_KEY PASSWORD_STORE_SIGNING_KEY PASSOTP_GPG
URI='otpauth://totp/Bench:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Bench'
for k in cv:$CV_FPR rsa:$RSA_FPR prot:$PROT_FPR; do
	name=${k%%:*} fpr=${k#*:}
	mkdir -p "$PASSWORD_STORE_DIR/$name"
	echo "$fpr" >"$PASSWORD_STORE_DIR/$name/.gpg-id"
	printf '%s\n' "$URI" | gpg --quiet --batch --trust-model always --compress-algo=none --no-encrypt-to \
		-e -r "$fpr" -o "$PASSWORD_STORE_DIR/$name/bench.gpg"
done

# Sanity: every tool agrees on the code before anything is timed. A pair
# may straddle the end of a 30 s TOTP step (the protected entry takes the
# agent a while): then the second try, seconds later, agrees.
for name in cv rsa prot; do
	for try in 1 2; do
		a=$("$SANDBOX/passotp" "$name/bench")
		b=$(pass otp "$name/bench")
		c=$("$SANDBOX/passotp-plain" "$name/bench")
		[[ $a == "$b" && $b == "$c" ]] && break
		((try < 2)) || { echo "bench.sh: passotp ($a), pass otp ($b) and passotp-plain ($c) disagree for $name" >&2; exit 1; }
	done
done

# The native path needs no gpg process: with an empty PATH (no gpg, no
# gpgconf) and the agent already running, every entry still decrypts.
for name in cv rsa prot; do
	c=$(PATH=/nonexistent "$SANDBOX/passotp" "$name/bench") ||
		{ echo "bench.sh: passotp $name/bench failed without gpg on PATH" >&2; exit 1; }
done
echo "passotp decrypted all entries with PATH=/nonexistent (no gpg, no gpgconf on PATH)" >&2

# Commands, by label. Each is run with stdout and stderr to /dev/null.
declare -A CMD=(
	[empty]="$SANDBOX/empty-go"
	[startup]="$SANDBOX/passotp --version"
	[plain-startup]="$SANDBOX/passotp-plain --version"
	[linked-cv]="$SANDBOX/passotp-linked cv/bench"
)
LABELS=(empty startup plain-startup linked-cv)
for name in cv rsa prot; do
	CMD[passotp-$name]="$SANDBOX/passotp $name/bench"
	CMD[plain-$name]="$SANDBOX/passotp-plain $name/bench"
	CMD[pass-$name]="pass otp $name/bench"
	CMD[gpg-$name]="gpg --quiet --batch -d $PASSWORD_STORE_DIR/$name/bench.gpg"
	LABELS+=("passotp-$name" "pass-$name" "gpg-$name")
	[[ $name == prot ]] || LABELS+=("plain-$name") # the agent's time, not ours
done

declare -A T C F # label -> space-separated microseconds: wall, CPU; minor page faults
echo "timing ${#LABELS[@]} commands x $RUNS runs, alternating ..." >&2
for ((i = 0; i < RUNS; i++)); do
	for label in "${LABELS[@]}"; do
		read -r -a argv <<<"${CMD[$label]}"
		out=$("$SANDBOX/timeit-bin" "${argv[@]}" 2>/dev/null </dev/null) ||
			{ echo "bench.sh: $label failed" >&2; exit 1; }
		read -r wall cpu faults <<<"$out"
		T[$label]+="$wall "
		C[$label]+="$cpu "
		F[$label]+="$faults "
	done
done

median() { # microseconds in, microseconds out
	tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'
}
declare -A M MC MF
for label in "${LABELS[@]}"; do
	M[$label]=$(median "${T[$label]}")
	MC[$label]=$(median "${C[$label]}")
	MF[$label]=$(median "${F[$label]}")
done
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

echo
echo "median of $RUNS runs, wall time / CPU time ($(nproc) CPUs, $(uname -sr), $(gpg --version | sed -n 1p))"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
row() { # TITLE LABEL...: wall / CPU ms of each label
	local title=$1 l
	shift
	printf '%-26s' "$title"
	for l; do printf ' %8s /%6s' "$(ms "${M[$l]}")" "$(ms "${MC[$l]}")"; done
	echo
}
printf '%-26s %16s %16s %16s\n' "" "passotp" "pass otp" "gpg -d"
row "cv25519, unprotected" passotp-cv pass-cv gpg-cv
row "RSA-3072, unprotected" passotp-rsa pass-rsa gpg-rsa
row "cv25519, protected+cached" passotp-prot pass-prot gpg-prot
row "empty Go program" empty
row "passotp --version" startup
echo "plain go build ($(cd "$ROOT" && go env CGO_ENABLED | sed 's/^1$/cgo on: dynamically linked/; s/^0$/cgo off/'), with urfave/cli's man-page renderer):"
row "cv25519, unprotected" plain-cv
row "RSA-3072, unprotected" plain-rsa
row "passotp --version" plain-startup
echo "install.sh build, the linker's output file itself (not a copy):"
row "cv25519, unprotected" linked-cv
echo "(CPU time is the process's and its waited-for children's; the gpg-agent's work is in nobody's)"
echo
both() { echo "$(ratio "${M[$1]}" "${M[$2]}") (CPU $(ratio "${MC[$1]}" "${MC[$2]}"))"; }
echo "ratios of wall times (of CPU times), target in brackets"
echo "  pass otp / passotp, cv25519:        $(both pass-cv passotp-cv)  [>= 7]"
echo "  pass otp / passotp, RSA-3072:       $(both pass-rsa passotp-rsa)  [>= 3]"
echo "  passotp / gpg -d, protected:        $(ratio "${M[passotp-prot]}" "${M[gpg-prot]}")  [<= 1, noise allowing]"
echo "  passotp / empty Go, cv25519:        $(both passotp-cv empty)  [<= 2]"
echo "  passotp / empty Go, RSA-3072:       $(both passotp-rsa empty)"
echo "  passotp --version / empty Go:       $(both startup empty)"
echo "  plain go build:"
echo "    pass otp / passotp, cv25519:      $(both pass-cv plain-cv)"
echo "    pass otp / passotp, RSA-3072:     $(both pass-rsa plain-rsa)"
echo "    passotp / empty Go, cv25519:      $(both plain-cv empty)"
echo "  the linker's file, not a copy: passotp / empty Go, cv25519 $(both linked-cv empty)"
echo "minor page faults (median; they hardly depend on load): empty Go ${MF[empty]}," \
	"passotp --version ${MF[startup]}, passotp cv25519 ${MF[passotp-cv]}"
echo
inittrace() { # BINARY TOP: the TOP package inits of `BINARY cv/bench`, least of 9 runs each
	for ((i = 0; i < 9; i++)); do
		GODEBUG=inittrace=1 "$1" cv/bench 2>&1 >/dev/null | awk '/^init / {print $2, $5, $8}'
	done | awk '{ if (!($1 in m) || $2 < m[$1]) { m[$1] = $2; b[$1] = $3 } }
		END { for (p in m) { printf "  %-52s %6.3f ms clock %8s bytes\n", p, m[p], b[p]; t += m[p]; n++ }
		      printf "TOTAL %.3f %d\n", t, n }' >"$SANDBOX/inittrace"
	grep -v "^TOTAL" "$SANDBOX/inittrace" | sort -k2 -rn | awk -v n="$2" "NR <= n" # no head: its early exit fails the pipe (pipefail)
	awk '/^TOTAL/ {printf "  total init clock (sum of the least per package, %d packages): %s ms\n", $3, $2}' "$SANDBOX/inittrace"
}
echo "top package init times of passotp, install.sh build (GODEBUG=inittrace=1, least of 9 runs per package)"
inittrace "$SANDBOX/passotp" 12
echo "top package init times of passotp, plain go build"
inittrace "$SANDBOX/passotp-plain" 5
