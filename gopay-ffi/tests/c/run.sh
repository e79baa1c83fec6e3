#!/usr/bin/env bash
# The C library end to end, as a C user gets it: install.sh builds the release libraries
# and installs them with the header and gopay_ffi.pc under a temporary prefix; the shared
# library must carry its SONAME; tests/c/ffi_test.c and the README's tests/c/example.c are
# compiled with pkg-config's flags, once against the shared library (rpath into the prefix)
# and once against the static one, and each build runs against the simulator that
# tests/ffi_c.rs starts (it also plays the customer who pays).
#
#   tests/c/run.sh            (honours CARGO_TARGET_DIR and CC; needs pkg-config and readelf)
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "run.sh: $*" >&2; exit 1; }

for tool in pkg-config readelf; do
    command -v "$tool" >/dev/null 2>&1 ||
        fail "$tool is missing (Debian, Ubuntu: apt-get install -y pkg-config binutils)"
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
lib="$prefix/lib"
./install.sh "$prefix"

version="$(cargo pkgid -p gopay-ffi | sed 's/.*[#@]//')"
major="${version%%.*}"

# Programs record the SONAME and load the library through the link of that name.
soname="$(readelf -d "$lib/libgopay_ffi.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')"
[ "$soname" = "libgopay_ffi.so.$major" ] ||
    fail "the shared library's SONAME is '$soname', not libgopay_ffi.so.$major"
[ "$(readlink "$lib/libgopay_ffi.so.$major")" = "libgopay_ffi.so.$version" ] ||
    fail "libgopay_ffi.so.$major does not link to libgopay_ffi.so.$version"

export PKG_CONFIG_PATH="$lib/pkgconfig"
pc_version="$(pkg-config --modversion gopay_ffi)"
[ "$pc_version" = "$version" ] || fail "pkg-config reports gopay_ffi $pc_version, not $version"

cflags=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -pedantic)
# pkg-config's answers are lists of flags: word splitting is what they need.
# shellcheck disable=SC2046
for program in ffi_test example; do
    "${CC:-cc}" "${cflags[@]}" "tests/c/$program.c" -o "$work/$program-shared" \
        $(pkg-config --cflags --libs gopay_ffi) -Wl,-rpath,"$lib" -pthread
    "${CC:-cc}" "${cflags[@]}" "tests/c/$program.c" -o "$work/$program-static" \
        $(pkg-config --cflags gopay_ffi) "$lib/libgopay_ffi.a" \
        $(pkg-config --variable=static_libs gopay_ffi) -pthread
    readelf -d "$work/$program-shared" | grep -q "(NEEDED).*\[libgopay_ffi\.so\.$major\]" ||
        fail "$program-shared does not load libgopay_ffi.so.$major"
    if readelf -d "$work/$program-static" | grep -q "(NEEDED).*libgopay_ffi"; then
        fail "$program-static loads the shared library"
    fi
done

for linkage in shared static; do
    echo "--- the C programs linked to the $linkage library" >&2
    GOPAY_FFI_TEST_EXE="$work/ffi_test-$linkage" GOPAY_FFI_EXAMPLE_EXE="$work/example-$linkage" \
        cargo test -p gopay-ffi --test ffi_c -- --nocapture
done
