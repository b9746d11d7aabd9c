#!/bin/sh
# What the .deb carries for a person at the shell: farmgate(1) gzipped where man looks (Debian
# policy: share/man/man1, gzip -9n) and the bash completion where bash-completion loads it on
# demand. Installs the build into a scratch DESTDIR, as CPack does.
# usage: install_layout_test.sh BUILD_DIR SCRATCH_DIR
set -eu
build=$1
root=$2
rm -rf "$root"
cmake --build "$build" --target farmgate_man >/dev/null
DESTDIR="$root" cmake --install "$build" --prefix /usr >/dev/null
man_page="$root/usr/share/man/man1/farmgate.1.gz"
completion="$root/usr/share/bash-completion/completions/farmgate"
gzip -t "$man_page"
zcat "$man_page" | grep -q '^\.TH FARMGATE 1'
grep -q '^complete -F _farmgate farmgate$' "$completion"
test -f "$root/usr/share/doc/farmgate/zh/quickstart.md"
rm -rf "$root"
echo "ok"
