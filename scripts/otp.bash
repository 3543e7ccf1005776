#!/usr/bin/env bash
# passotp shim: a pass extension that hands `pass otp ...` to passotp.
#
# pass sources this file for `pass otp ARGS` when it is an executable
# otp.bash in the system extension directory (Debian:
# /usr/lib/password-store/extensions) or in the user extension directory
# ($PASSWORD_STORE_EXTENSIONS_DIR, default $PREFIX/.extensions, read only
# with PASSWORD_STORE_ENABLE_EXTENSIONS=true). It replaces the pass process
# with passotp, keeping pass's arguments and exported environment; passotp
# recomputes everything else (PREFIX, CLIP_TIME, ...) from the environment.
# argv[0] stays the name pass was called by, so passotp runs in pass mode
# (`pass otp ...`) and prints pass-otp's texts.
#
# The binary is $PASSOTP_BIN if set, else `passotp` on PATH, else the path
# install.sh wrote below.

passotp_bin=${PASSOTP_BIN:-}
if [[ -z $passotp_bin ]]; then
	passotp_bin=$(type -P passotp) || passotp_bin=
fi
if [[ -z $passotp_bin ]]; then
	passotp_bin="/usr/local/bin/passotp" # @PASSOTP_INSTALLED_BIN@ (install.sh rewrites this line)
fi
if [[ ! -x $passotp_bin || -d $passotp_bin ]]; then
	echo "Error: passotp was not found (install it on PATH or set PASSOTP_BIN)." >&2
	exit 1
fi
exec -a "${PROGRAM:-pass}" "$passotp_bin" otp "$@"
