#!/usr/bin/env bash
# bench.sh: time `passotp NAME` against `pass otp NAME`, `gpg -d FILE` and an
# empty Go program, side by side, in a throwaway sandbox (issue 3, item 6).
#
# It builds ./cmd/passotp, makes a short GNUPGHOME holding a copy of the
# committed throwaway keyring (internal/testkeys: cv25519 and RSA-3072 keys
# without passphrase, and a cv25519 key protected with "passotp-test",
# whose passphrase is preset in the agent with gpg-preset-passphrase), a
# password store with one TOTP entry per key, and then runs every command
# in turn, alternating, RUNS times each (default 40, at least 20). It prints
# the median wall times, the ratios the issue asks for, and the top package
# init times of the passotp binary (GODEBUG=inittrace=1).
#
# Usage: scripts/bench.sh [RUNS]      (from anywhere inside the repository)
# Build flags come from GOFLAGS, e.g. GOFLAGS=-tags=urfave_cli_no_docs drops
# urfave/cli's man-page renderer (go-md2man, blackfriday) and its init time.
# Needs: go, gpg, gpgconf, pass with pass-otp, oathtool, bash >= 5.
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
[[ -n ${EPOCHREALTIME:-} ]] || { echo "bench.sh: bash >= 5 is required (EPOCHREALTIME)" >&2; exit 2; }

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

echo "building passotp and an empty Go program ..." >&2
(cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -o "$SANDBOX/passotp" ./cmd/passotp)
mkdir -p "$SANDBOX/empty"
printf 'package main\n\nfunc main() {}\n' >"$SANDBOX/empty/main.go"
printf 'module empty\n\ngo 1.21\n' >"$SANDBOX/empty/go.mod"
(cd "$SANDBOX/empty" && CGO_ENABLED=0 go build -trimpath -o "$SANDBOX/empty-go" .)

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

# Sanity: every tool agrees on the code before anything is timed.
for name in cv rsa prot; do
	a=$("$SANDBOX/passotp" "$name/bench")
	b=$(pass otp "$name/bench")
	[[ $a == "$b" ]] || { echo "bench.sh: passotp ($a) and pass otp ($b) disagree for $name" >&2; exit 1; }
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
)
LABELS=(empty startup)
for name in cv rsa prot; do
	CMD[passotp-$name]="$SANDBOX/passotp $name/bench"
	CMD[pass-$name]="pass otp $name/bench"
	CMD[gpg-$name]="gpg --quiet --batch -d $PASSWORD_STORE_DIR/$name/bench.gpg"
	LABELS+=("passotp-$name" "pass-$name" "gpg-$name")
done

declare -A T # label -> space-separated microseconds
echo "timing ${#LABELS[@]} commands x $RUNS runs, alternating ..." >&2
for ((i = 0; i < RUNS; i++)); do
	for label in "${LABELS[@]}"; do
		read -r -a argv <<<"${CMD[$label]}"
		t0=$EPOCHREALTIME
		"${argv[@]}" >/dev/null 2>&1 </dev/null
		t1=$EPOCHREALTIME
		T[$label]+="$(( (${t1/./} - ${t0/./}) )) "
	done
done

median() { # microseconds in, microseconds out
	tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'
}
declare -A M
for label in "${LABELS[@]}"; do
	M[$label]=$(median "${T[$label]}")
done
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

echo
echo "median wall time of $RUNS runs ($(nproc) CPUs, $(uname -sr), $(gpg --version | head -1))"
printf '%-26s %10s %10s %10s\n' "" "passotp" "pass otp" "gpg -d"
for name in cv rsa prot; do
	case $name in
	cv) title="cv25519, unprotected" ;;
	rsa) title="RSA-3072, unprotected" ;;
	prot) title="cv25519, protected+cached" ;;
	esac
	printf '%-26s %8s ms %8s ms %8s ms\n' "$title" "$(ms "${M[passotp-$name]}")" "$(ms "${M[pass-$name]}")" "$(ms "${M[gpg-$name]}")"
done
printf '%-26s %8s ms\n' "empty Go program" "$(ms "${M[empty]}")"
printf '%-26s %8s ms   (process start and package init, no store or crypto)\n' "passotp --version" "$(ms "${M[startup]}")"
echo
echo "ratios (target in brackets)"
echo "  pass otp / passotp, cv25519:        $(ratio "${M[pass-cv]}" "${M[passotp-cv]}")x  [>= 7]"
echo "  pass otp / passotp, RSA-3072:       $(ratio "${M[pass-rsa]}" "${M[passotp-rsa]}")x  [>= 3]"
echo "  passotp / gpg -d, protected:        $(ratio "${M[passotp-prot]}" "${M[gpg-prot]}")   [<= 1, noise allowing]"
echo "  passotp / empty Go, cv25519:        $(ratio "${M[passotp-cv]}" "${M[empty]}")   [<= 2]"
echo "  passotp / empty Go, RSA-3072:       $(ratio "${M[passotp-rsa]}" "${M[empty]}")"
echo
echo "top package init times of passotp (GODEBUG=inittrace=1, least of 9 runs per package)"
for ((i = 0; i < 9; i++)); do
	GODEBUG=inittrace=1 "$SANDBOX/passotp" cv/bench 2>&1 >/dev/null | awk '/^init / {print $2, $5, $8}'
done | awk '{ if (!($1 in m) || $2 < m[$1]) { m[$1] = $2; b[$1] = $3 } }
	END { for (p in m) { printf "  %-52s %6.3f ms clock %8s bytes\n", p, m[p], b[p]; t += m[p] }
	      printf "TOTAL %.3f\n", t }' >"$SANDBOX/inittrace"
grep -v '^TOTAL' "$SANDBOX/inittrace" | sort -k2 -rn | head -10
echo "  total init clock (sum of the least per package): $(awk '/^TOTAL/ {print $2}' "$SANDBOX/inittrace") ms"
