#!/usr/bin/env bash
# demo.sh: the whole passotp life cycle in a throwaway sandbox.
#
# It builds passotp, makes a short temporary GNUPGHOME with a new
# passphrase-less key, a password store with a git repository, inserts a
# TOTP and a HOTP URI, prints codes (checked against oathtool when it is
# installed), shows the HOTP counter moving and the git log, prints the
# URI as a QR code, and removes everything again. Your own ~/.gnupg and
# ~/.password-store are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in go gpg gpgconf; do
	command -v "$tool" >/dev/null || { echo "demo: $tool is required (bash .ci/run installs the test prerequisites)" >&2; exit 1; }
done

sandbox=$(mktemp -d /tmp/potdemo.XXXXXX)
# Build first, with the caller's Go caches, before HOME moves into the sandbox.
go build -o "$sandbox/bin/passotp" ./cmd/passotp
export GNUPGHOME="$sandbox/g" PASSWORD_STORE_DIR="$sandbox/store" HOME="$sandbox/home"
cleanup() {
	gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
	rm -rf "$sandbox"
}
trap cleanup EXIT
mkdir -p -m 700 "$GNUPGHOME" "$HOME"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "passotp, built into the sandbox"
export PATH="$sandbox/bin:$PATH"
run passotp version

step "a throwaway GnuPG key (cv25519, no passphrase) in $GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
	--quick-gen-key 'passotp demo <demo@passotp.invalid>' ed25519 default never 2>/dev/null
fpr=$(gpg --with-colons --list-keys demo@passotp.invalid | awk -F: '/^fpr/{print $10; exit}')
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-add-key "$fpr" cv25519 encr never 2>/dev/null
echo "key $fpr"

step "a password store with git"
mkdir -p -m 700 "$PASSWORD_STORE_DIR"
echo "$fpr" >"$PASSWORD_STORE_DIR/.gpg-id"
git -C "$PASSWORD_STORE_DIR" init -q
git -C "$PASSWORD_STORE_DIR" -c user.name=demo -c user.email=demo@passotp.invalid add .gpg-id
git -C "$PASSWORD_STORE_DIR" -c user.name=demo -c user.email=demo@passotp.invalid commit -qm "Add current contents of password store."
git -C "$PASSWORD_STORE_DIR" config user.name demo
git -C "$PASSWORD_STORE_DIR" config user.email demo@passotp.invalid

secret=JBSWY3DPEHPK3PXP # the well-known example secret; the URI goes in on stdin, never on argv
step "insert a TOTP URI (read from stdin)"
printf 'otpauth://totp/Example:alice@example.com?secret=%s&issuer=Example\n' "$secret" | run passotp insert demo/totp
ls -l "$PASSWORD_STORE_DIR/demo"

step "print its code"
code=$(passotp demo/totp)
echo "$ passotp demo/totp"; echo "$code"
if command -v oathtool >/dev/null; then
	want=$(printf '%s\n' "$secret" | oathtool --totp -b -)
	echo "oathtool says $want"
	[ "$code" = "$want" ] || { sleep 1; want=$(printf '%s\n' "$secret" | oathtool --totp -b -); [ "$(passotp demo/totp)" = "$want" ]; }
fi
run passotp code --json demo/totp

step "a HOTP URI: every code moves the counter and commits"
printf 'otpauth://hotp/Example:bob@example.com?secret=%s&counter=0&issuer=Example\n' "$secret" | passotp insert demo/hotp
run passotp code demo/hotp
run passotp code demo/hotp
run passotp uri demo/hotp
git -C "$PASSWORD_STORE_DIR" log --format='%h %s'

step "the URI as a QR code"
run passotp uri -q demo/totp || echo "(no QR renderer available)"

step "errors are pass's, and never show the secret"
passotp nothere || true
echo 'otpauth://totp/?secret=JBSWY3DPEHPK3PXP' | passotp insert demo/bad || true

step "done; the sandbox is removed"
