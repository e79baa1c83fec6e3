#!/usr/bin/env bash
# Builds the release C library and installs it under PREFIX (Linux):
#
#   PREFIX/lib/libgopay_ffi.so.X.Y.Z      the shared library (SONAME libgopay_ffi.so.X)
#   PREFIX/lib/libgopay_ffi.so.X          -> libgopay_ffi.so.X.Y.Z, what programs load
#   PREFIX/lib/libgopay_ffi.so            -> libgopay_ffi.so.X, what -lgopay_ffi finds
#   PREFIX/lib/libgopay_ffi.a             the static library
#   PREFIX/include/gopay.h
#   PREFIX/lib/pkgconfig/gopay_ffi.pc
#
#   gopay-ffi/install.sh PREFIX       (honours CARGO_TARGET_DIR; DESTDIR=/staging puts the
#                                      files under /staging/PREFIX, for packagers)
set -euo pipefail

fail() { echo "install.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || fail "usage: install.sh PREFIX"
case "$1" in
    /*) prefix="${1%/}" ;;
    *) fail "PREFIX must be an absolute path, got '$1'" ;;
esac
# The prefix is written into gopay_ffi.pc, where pkg-config splits on whitespace.
case "$prefix" in
    *[[:space:]\|\&\\\'\"\$]*) fail "PREFIX must not hold whitespace, quotes or any of | & \\ \$" ;;
esac
[ "$(uname -s)" = Linux ] || fail "installs on Linux only; elsewhere copy the libraries by hand (README.md)"

cd "$(dirname "$0")"
workspace="$(dirname "$(cargo locate-project --workspace --message-format plain)")"
target="${CARGO_TARGET_DIR:-$workspace/target}"
version="$(cargo pkgid -p gopay-ffi | sed 's/.*[#@]//')"
major="${version%%.*}"

# One build that also reports what the static library needs from the system.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo rustc --release -p gopay-ffi --lib -- --print native-static-libs 2>&1 | tee "$log" >&2
static_libs="$(sed -n 's/^note: native-static-libs: //p' "$log" | tail -n 1)"
[ -n "$static_libs" ] || fail "rustc did not report the static library's native libraries"

root="${DESTDIR:-}$prefix"
install -d "$root/lib/pkgconfig" "$root/include"
install -m 755 "$target/release/libgopay_ffi.so" "$root/lib/libgopay_ffi.so.$version"
ln -sfn "libgopay_ffi.so.$version" "$root/lib/libgopay_ffi.so.$major"
ln -sfn "libgopay_ffi.so.$major" "$root/lib/libgopay_ffi.so"
install -m 644 "$target/release/libgopay_ffi.a" "$root/lib/libgopay_ffi.a"
install -m 644 include/gopay.h "$root/include/gopay.h"
sed -e "s|@PREFIX@|$prefix|" -e 's|@LIBDIR@|${prefix}/lib|' \
    -e 's|@INCLUDEDIR@|${prefix}/include|' -e "s|@VERSION@|$version|" \
    -e "s|@STATIC_LIBS@|$static_libs|" gopay_ffi.pc.in >"$root/lib/pkgconfig/gopay_ffi.pc"
echo "installed gopay_ffi $version under $root" >&2
