#!/usr/bin/env bash
# install.sh: install (or uninstall) passotp, its pass extension shim, the
# man page and the shell completions. Run it from a checkout; it is
# idempotent (running it twice leaves the same files).
#
#   scripts/install.sh                 system install under PREFIX (root)
#   scripts/install.sh --user          per-user install (~/.local, the store's .extensions)
#   scripts/install.sh --as-pass       also make BINDIR/pass a symlink to passotp (drop-in)
#   scripts/install.sh --uninstall     remove what the same options installed
#
# Locations follow pass-otp's Makefile and can be overridden in the
# environment: DESTDIR, PREFIX, BINDIR, LIBDIR, SYSTEM_EXTENSION_DIR, MANDIR,
# BASHCOMPDIR, ZSHCOMPDIR, FISHCOMPDIR, FISHCONFDIR. Bash 3.2 compatible (macOS).
set -eu

usage() {
	cat <<'EOF'
Usage: install.sh [--user] [--as-pass] [--uninstall] [--bin FILE]

  --user       install for the current user: passotp in ~/.local/bin, the shim in the
               store's .extensions directory, man page and completions under ~/.local/share
  --as-pass    also install BINDIR/pass as a symlink to passotp: `pass otp` runs passotp,
               every other pass command is forwarded to the real pass
  --uninstall  remove the files this script installs with the same options
  --bin FILE   install FILE instead of building ./cmd/passotp with go

Environment: DESTDIR PREFIX BINDIR LIBDIR SYSTEM_EXTENSION_DIR MANDIR BASHCOMPDIR
ZSHCOMPDIR FISHCOMPDIR FISHCONFDIR (see the passotp(1) man page, section INSTALL), GO.
EOF
}

die() {
	echo "install.sh: $*" >&2
	exit 1
}

user=0 as_pass=0 uninstall=0 bin=
while [ $# -gt 0 ]; do
	case $1 in
	--user) user=1 ;;
	--as-pass) as_pass=1 ;;
	--uninstall) uninstall=1 ;;
	--bin) [ $# -ge 2 ] || die "--bin needs a file"; bin=$2; shift ;;
	--bin=*) bin=${1#--bin=} ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 1 ;;
	esac
	shift
done

root=$(cd "$(dirname "$0")/.." && pwd)
DESTDIR=${DESTDIR:-}
os=$(uname -s)

# The directory where the real pass looks for system extensions: it is
# written into pass's script at build time. The first pass on PATH may be
# passotp's own symlink, so every one is tried.
pass_extension_dir() {
	local p d
	while IFS= read -r p; do
		d=$(sed -n 's/^SYSTEM_EXTENSION_DIR="\(.*\)"$/\1/p' "$p" 2>/dev/null | head -n 1)
		if [ -n "$d" ]; then
			echo "$d"
			return 0
		fi
	done < <(type -ap pass 2>/dev/null)
	return 1
}

if [ $user = 1 ]; then
	[ -n "${HOME:-}" ] || die "HOME is not set"
	PREFIX=${PREFIX:-$HOME/.local}
	data=${XDG_DATA_HOME:-$HOME/.local/share}
	BINDIR=${BINDIR:-$PREFIX/bin}
	MANDIR=${MANDIR:-$data/man}
	BASHCOMPDIR=${BASHCOMPDIR:-$data/bash-completion/completions}
	ZSHCOMPDIR=${ZSHCOMPDIR:-$data/zsh/site-functions}
	FISHCOMPDIR=${FISHCOMPDIR:-${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions}
	FISHCONFDIR=${FISHCONFDIR:-${XDG_CONFIG_HOME:-$HOME/.config}/fish/conf.d}
	store=${PASSWORD_STORE_DIR:-$HOME/.password-store}
	EXTDIR=${PASSWORD_STORE_EXTENSIONS_DIR:-${store%/}/.extensions}
	PROFILE_SH=$data/passotp/profile.sh
else
	if [ -z "${PREFIX:-}" ]; then
		PREFIX=/usr/local
		if [ "$os" = Darwin ]; then
			if command -v brew >/dev/null 2>&1; then
				PREFIX=$(brew --prefix)
			elif [ -d /opt/homebrew ]; then
				PREFIX=/opt/homebrew
			fi
		fi
	fi
	BINDIR=${BINDIR:-$PREFIX/bin}
	LIBDIR=${LIBDIR:-$PREFIX/lib}
	MANDIR=${MANDIR:-$PREFIX/share/man}
	if [ "$os" = Darwin ]; then
		BASHCOMPDIR=${BASHCOMPDIR:-$PREFIX/etc/bash_completion.d}
	else
		BASHCOMPDIR=${BASHCOMPDIR:-/etc/bash_completion.d}
	fi
	ZSHCOMPDIR=${ZSHCOMPDIR:-$PREFIX/share/zsh/site-functions}
	FISHCOMPDIR=${FISHCOMPDIR:-$PREFIX/share/fish/vendor_completions.d}
	FISHCONFDIR=${FISHCONFDIR:-$PREFIX/share/fish/vendor_conf.d}
	if [ -z "${SYSTEM_EXTENSION_DIR:-}" ]; then
		SYSTEM_EXTENSION_DIR=$(pass_extension_dir || true)
		SYSTEM_EXTENSION_DIR=${SYSTEM_EXTENSION_DIR:-$LIBDIR/password-store/extensions}
	fi
	EXTDIR=$SYSTEM_EXTENSION_DIR
	PROFILE_SH=
fi

D=$DESTDIR
marker='passotp shim'

# ours FILE: FILE is an otp.bash written by this script.
ours() {
	[ -f "$1" ] && grep -q "$marker" "$1"
}

# ours_link FILE: FILE is the drop-in symlink to passotp.
ours_link() {
	[ -L "$1" ] && [ "$(readlink "$1")" = passotp ]
}

remove() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		rm -f "$1"
		echo "removed $1"
	fi
}

if [ $uninstall = 1 ]; then
	if ours_link "$D$BINDIR/pass"; then remove "$D$BINDIR/pass"; fi
	remove "$D$BINDIR/passotp"
	if ours "$D$EXTDIR/otp.bash"; then
		remove "$D$EXTDIR/otp.bash"
		if [ -f "$D$EXTDIR/otp.bash.pass-otp" ]; then
			mv -f "$D$EXTDIR/otp.bash.pass-otp" "$D$EXTDIR/otp.bash"
			echo "restored $D$EXTDIR/otp.bash (pass-otp's extension)"
		fi
	fi
	remove "$D$MANDIR/man1/passotp.1"
	remove "$D$BASHCOMPDIR/passotp"
	remove "$D$ZSHCOMPDIR/_passotp"
	remove "$D$FISHCOMPDIR/passotp.fish"
	remove "$D$FISHCONFDIR/passotp-pass.fish"
	if [ -n "$PROFILE_SH" ]; then
		remove "$D$PROFILE_SH"
		rmdir "$D$(dirname "$PROFILE_SH")" 2>/dev/null || true
		echo "remove the passotp line from your shell profile (~/.bashrc, ~/.zshrc)"
	fi
	exit 0
fi

for f in scripts/otp.bash man/passotp.1 completions/passotp.bash completions/_passotp completions/passotp.fish completions/passotp-pass.fish; do
	[ -f "$root/$f" ] || die "$root/$f is missing: run install.sh from a passotp checkout"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/passotp-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -z "$bin" ]; then
	# urfave_cli_no_docs leaves urfave/cli's man page renderer (go-md2man,
	# blackfriday) out of the binary: passotp's man page comes from gendocs.
	go=${GO:-go}
	command -v "$go" >/dev/null 2>&1 || die "go is not installed: install Go or pass --bin FILE"
	version=$(cd "$root" && git describe --tags --always --dirty 2>/dev/null || echo "(devel)")
	(cd "$root" && CGO_ENABLED=0 "$go" build -trimpath -tags urfave_cli_no_docs -ldflags "-X main.version=$version" -o "$tmp/passotp" ./cmd/passotp) ||
		die "go build failed"
	bin=$tmp/passotp
fi
if ! [ -f "$bin" ] || ! [ -x "$bin" ]; then
	die "$bin is not an executable file"
fi

# put SRC MODE DST: install SRC as DST, atomically (temporary file + rename).
put() {
	local dir
	dir=$(dirname "$3")
	mkdir -p "$dir"
	cp "$1" "$3.passotp-tmp"
	chmod "$2" "$3.passotp-tmp"
	mv -f "$3.passotp-tmp" "$3"
	echo "installed $3"
}

put "$bin" 0755 "$D$BINDIR/passotp"

# The shim, with the installed binary as its last resort.
sed "s|^\([[:space:]]*passotp_bin=\).*# @PASSOTP_INSTALLED_BIN@.*|\1\"$BINDIR/passotp\" # @PASSOTP_INSTALLED_BIN@ (install.sh rewrites this line)|" \
	"$root/scripts/otp.bash" >"$tmp/otp.bash"
grep -q "passotp_bin=\"$BINDIR/passotp\"" "$tmp/otp.bash" || die "could not write the binary path into otp.bash"
if [ -f "$D$EXTDIR/otp.bash" ] && ! ours "$D$EXTDIR/otp.bash"; then
	# pass-otp's own extension: keep it for uninstall.
	mv -f "$D$EXTDIR/otp.bash" "$D$EXTDIR/otp.bash.pass-otp"
	echo "saved pass-otp's extension as $D$EXTDIR/otp.bash.pass-otp"
fi
put "$tmp/otp.bash" 0755 "$D$EXTDIR/otp.bash"

put "$root/man/passotp.1" 0644 "$D$MANDIR/man1/passotp.1"
put "$root/completions/passotp.bash" 0644 "$D$BASHCOMPDIR/passotp"
put "$root/completions/_passotp" 0644 "$D$ZSHCOMPDIR/_passotp"
put "$root/completions/passotp.fish" 0644 "$D$FISHCOMPDIR/passotp.fish"
put "$root/completions/passotp-pass.fish" 0644 "$D$FISHCONFDIR/passotp-pass.fish"

if [ $as_pass = 1 ]; then
	link=$D$BINDIR/pass
	if [ -e "$link" ] || [ -L "$link" ]; then
		ours_link "$link" || die "$link exists and is not passotp's symlink; choose a BINDIR that comes before the real pass on PATH"
	else
		ln -s passotp "$link"
		echo "installed $link -> passotp"
	fi
	real=
	IFS=: read -r -a dirs <<<"$PATH"
	for d in "${dirs[@]}"; do
		[ -n "$d" ] && [ "$d" != "$BINDIR" ] && [ -f "$d/pass" ] && [ -x "$d/pass" ] && ! [ "$d/pass" -ef "$D$BINDIR/passotp" ] && { real=$d/pass; break; }
	done
	if [ -z "$real" ]; then
		echo "note: no other pass on PATH; only \`pass otp\` will work until pass is installed"
	fi
fi

if [ -n "$PROFILE_SH" ]; then
	mkdir -p "$D$(dirname "$PROFILE_SH")"
	cat >"$tmp/profile.sh" <<EOF
# passotp, installed by install.sh --user: PATH, pass extensions, completion.
case ":\$PATH:" in *":$BINDIR:"*) ;; *) PATH="$BINDIR:\$PATH"; export PATH ;; esac
PASSWORD_STORE_ENABLE_EXTENSIONS=true
export PASSWORD_STORE_ENABLE_EXTENSIONS
if [ -n "\${BASH_VERSION-}" ] && [ -r "$BASHCOMPDIR/passotp" ]; then
	case \$- in *i*) . "$BASHCOMPDIR/passotp" ;; esac
fi
if [ -n "\${ZSH_VERSION-}" ]; then
	eval 'fpath=("$ZSHCOMPDIR" \$fpath)' # before compinit in ~/.zshrc
fi
EOF
	put "$tmp/profile.sh" 0644 "$D$PROFILE_SH"
	echo
	echo "Add this line to your shell profile (~/.bashrc or ~/.zshrc), then start a new shell:"
	echo
	echo "  . \"$PROFILE_SH\""
fi
if [ -n "${PASSWORD_STORE_SIGNING_KEY:-}" ] && [ $user = 1 ]; then
	echo
	echo "PASSWORD_STORE_SIGNING_KEY is set: pass runs the extension only with a valid signature:"
	echo "  gpg --detach-sign --default-key KEY \"$EXTDIR/otp.bash\""
fi
