#!/usr/bin/env bash
# The C library end to end, as a C user builds it: the release shared and static libraries
# (`cargo build --release -p gopay-ffi`), tests/c/ffi_test.c compiled against
# include/gopay.h and linked to the shared library, run against the simulator that
# tests/ffi_c.rs starts (it also plays the customer who pays).
#
#   tests/c/run.sh            (honours CARGO_TARGET_DIR and CC)
set -euo pipefail
cd "$(dirname "$0")/../.."

workspace="$(dirname "$(cargo locate-project --workspace --message-format plain)")"
target="${CARGO_TARGET_DIR:-$workspace/target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"

cargo build --release -p gopay-ffi
for library in libgopay_ffi.so libgopay_ffi.a; do
    test -f "$target/release/$library" || { echo "missing $target/release/$library" >&2; exit 1; }
done

"${CC:-cc}" -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -pedantic \
    -I include tests/c/ffi_test.c -o "$target/ffi_test" \
    -L "$target/release" -Wl,-rpath,"$target/release" -lgopay_ffi -pthread

GOPAY_FFI_TEST_EXE="$target/ffi_test" cargo test -p gopay-ffi --test ffi_c -- --nocapture
