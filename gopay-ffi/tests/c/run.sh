#!/usr/bin/env bash
# The C library end to end, as a C user gets it: install.sh builds the release libraries
# and installs them with the header and gopay_ffi.pc under a temporary prefix; the shared
# library must carry its SONAME; tests/c/ffi_test.c and the README's tests/c/example.c are
# compiled with pkg-config's flags, once against the shared library (rpath into the prefix)
# and once against the static one, and each build runs against the simulator that
# tests/ffi/ffi_c.rs starts (it also plays the customer who pays). The root README's C commands
# are extracted and run as written, and the program they build runs against the simulator
# too.
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

# The root README's C commands, run as they are written from the workspace root: here a
# directory that mirrors it (links to its files, `target` to the target directory), so the
# program lands outside the checkout, with HOME a fresh directory under which they
# install, and with app.c, the reader's program, a copy of tests/c/example.c. Each line
# must work, and the program they build must load the library by its SONAME and run
# against the simulator (below).
root="$(cd .. && pwd)"
readme="$work/readme"
mkdir -p "$readme/home"
for entry in "$root"/* "$root"/.[!.]*; do
    case "${entry##*/}" in
        .git | target | '.[!.]*') ;;
        *) ln -s "$entry" "$readme/${entry##*/}" ;;
    esac
done
ln -s "${CARGO_TARGET_DIR:-$root/target}" "$readme/target"
cp tests/c/example.c "$readme/app.c"
sed -n '/^## C ABI/,/^## /{ /^```sh$/,/^```$/{ /^```/d; p; }; }' "$root/README.md" >"$work/readme.sh"
grep -q '^cc ' "$work/readme.sh" || fail "no cc command in the root README's C ABI section"
echo "--- the root README's C commands" >&2
cat "$work/readme.sh" >&2
(
    cd "$readme"
    CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
        HOME="$readme/home" bash -euo pipefail "$work/readme.sh"
) || fail "the root README's C commands failed"
[ -x "$readme/app" ] || fail "the root README's C commands built no ./app"
readelf -d "$readme/app" | grep -q "(NEEDED).*\[libgopay_ffi\.so\.$major\]" ||
    fail "the root README's app does not load libgopay_ffi.so.$major"

echo "--- the root README's program" >&2
GOPAY_FFI_EXAMPLE_EXE="$readme/app" \
    cargo test -p gopay-ffi --test ffi -- --nocapture --exact ffi_c::readme_example_creates_a_payment_with_credentials_from_its_environment

for linkage in shared static; do
    echo "--- the C programs linked to the $linkage library" >&2
    GOPAY_FFI_TEST_EXE="$work/ffi_test-$linkage" GOPAY_FFI_EXAMPLE_EXE="$work/example-$linkage" \
        cargo test -p gopay-ffi --test ffi ffi_c:: -- --nocapture
done
