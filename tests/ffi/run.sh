#!/usr/bin/env bash
# The C ABI end to end: builds the shared library with the documented command, compiles
# tests/ffi/ffi_test.c against include/gopay.h, and runs it against the simulator, which
# tests/ffi_c.rs starts (it also plays the customer who pays).
#
#   tests/ffi/run.sh            (honours CARGO_TARGET_DIR and CC)
set -euo pipefail
cd "$(dirname "$0")/../.."

target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"

# The library: target/release/libgopay.so (libgopay.dylib on macOS).
cargo rustc --release --features ffi --crate-type cdylib --lib

# The C test program, linked against it.
"${CC:-cc}" -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -pedantic \
    -I include tests/ffi/ffi_test.c -o "$target/ffi_test" \
    -L "$target/release" -Wl,-rpath,"$target/release" -lgopay -pthread

# The simulator and the customer: tests/ffi_c.rs runs the program built above.
GOPAY_FFI_TEST_EXE="$target/ffi_test" cargo test --features ffi --test ffi_c -- --nocapture
