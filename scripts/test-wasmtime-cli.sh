#!/usr/bin/env bash
# Other runtimes run witk's components unchanged: the stock `wasmtime` command (48, built
# from crates.io once with only what `run --invoke` needs, cached outside the checkout)
# calls the built components with WAVE arguments and must print the reference vectors.
#
#   bash scripts/test-wasmtime-cli.sh build   # cargo install wasmtime-cli (once per machine)
#   bash scripts/test-wasmtime-cli.sh check   # the calls (needs components/target/witk)
#   bash scripts/test-wasmtime-cli.sh         # both
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
version=48.0.2
root=${XDG_CACHE_HOME:-$HOME/.cache}/witk/wasmtime-cli-$version
wasmtime=$root/bin/wasmtime

if [ "$what" != check ] && ! "$wasmtime" --version 2>/dev/null | grep -qx "wasmtime $version"; then
  # A private target folder, removed after: it shares nothing with the workspace's build.
  target=$(mktemp -d)
  cargo install --quiet --locked wasmtime-cli --version "=$version" --no-default-features \
    --features run,cranelift,component-model --root "$root" --target-dir "$target"
  rm -rf "$target"
fi
[ "$what" = build ] && exit 0

# `wasmtime run --invoke 'f(args)' C.wasm` prints f's result in WAVE; a list<u8> as numbers.
invoke() {
  "$wasmtime" run --invoke "$1" "components/target/witk/$2.wasm"
}
prefix='"data:application/zstd;base64,"'

got=$(invoke "compress-stringify([33, 44, 55], true, 3, $prefix)" compress-stringify)
url=$(python3 -c 'import sys; print(bytes(eval(sys.argv[1][3:-1])).decode())' "$got")
echo "wasmtime $version: compress-stringify: $url"
[ "$url" = "data:application/zstd;base64,KLUv/SADGQAAISw3" ]

list=$(python3 -c 'import sys; print(list(sys.argv[1].encode()))' "$url")
got=$(invoke "parse-string-decompress($list, true)" compress-stringify)
echo "wasmtime $version: parse-string-decompress: $got"
[ "$got" = "ok([33, 44, 55])" ]

# Errors are the WIT's result, not a trap.
got=$(invoke "parse-string-decompress([1, 2, 3], false)" compress-stringify)
echo "wasmtime $version: $got"
case $got in 'err({code: invalid-data, message: "input is not Zstandard data'*) ;; *) exit 1 ;; esac

# Records, enums, options and the pixel variant: a 1-D image through bin-shrink.
image='{image-type: {dimension: 1, component-type: uint8, pixel-type: scalar, components: 1}, name: "ramp", origin: [0.0], spacing: [1.0], direction: [1.0], size: [4], metadata: [], data: some(uint8([0, 1, 2, 3])), buffered-region: none}'
got=$(invoke "downsample-bin-shrink($image, [2], false)" downsample)
echo "wasmtime $version: downsample-bin-shrink: $got"
case $got in *'origin: [0.5], spacing: [2]'*'size: [2]'*'data: some(uint8([1, 3]))'*) ;; *) exit 1 ;; esac
