#!/usr/bin/env bash
# The main job: build witk and run the compress-stringify pipeline on the bundled
# sample volume (data/phantom.nrrd) through the CLI, checking the round trip.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build-components.sh >/dev/null
cargo build --release --locked -p witk
witk=target/release/witk
sample=data/phantom.nrrd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WITK_CACHE_DIR="$work/cache"

ms() { date +%s%N; }
elapsed() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

echo
echo "witk demo: compress-stringify on $sample ($(stat -c %s $sample) bytes)"
t=$(ms); $witk compress-stringify --level 3 "$sample" "$work/l3.zst"; cold=$(elapsed "$t")
t=$(ms); $witk compress-stringify --level 3 "$sample" "$work/l3.zst"; warm=$(elapsed "$t")
printf '  process start + compile + call: cold cache %s ms, warm cache %s ms\n' "$cold" "$warm"
for level in -5 1 3 9 19; do
  $witk compress-stringify --level "$level" "$sample" "$work/out.zst"
  size=$(stat -c %s "$work/out.zst")
  printf '  level %3s: %7d bytes  (%.1fx smaller)\n' "$level" "$size" "$(awk "BEGIN{print $(stat -c %s $sample) / $size}")"
done
$witk compress-stringify --stringify "$sample" "$work/url.txt"
printf '  data URL (%d chars): %.72s...\n' "$(stat -c %s "$work/url.txt")" "$(cat "$work/url.txt")"
$witk parse-string-decompress --parse-string "$work/url.txt" "$work/back.nrrd"
cmp "$sample" "$work/back.nrrd" && echo "  round trip through the data URL: identical ($(sha256sum < "$work/back.nrrd" | cut -c1-16)...)"
if command -v zstd >/dev/null; then
  zstd -q -d -c "$work/l3.zst" | cmp - "$sample" && echo "  the zstd command-line tool reads our frame: identical"
fi
echo "  bad input is a clear error, not a crash:"
$witk parse-string-decompress "$sample" "$work/x" 2>&1 | sed 's/^/    /' || true

echo
echo "witk demo: image-io on the same volume"
$witk image-io info "$sample"
$witk image-io convert "$sample" "$work/phantom.nii.gz"
$witk image-io convert --use-compression "$work/phantom.nii.gz" "$work/phantom.mha"
$witk image-io convert "$work/phantom.mha" "$work/back.nrrd"
printf '  NRRD -> NIfTI (.nii.gz, %d bytes) -> MetaImage (.mha, zlib, %d bytes) -> NRRD\n' \
  "$(stat -c %s "$work/phantom.nii.gz")" "$(stat -c %s "$work/phantom.mha")"
$witk image-io convert "$sample" "$work/a.witk"
$witk image-io convert "$work/back.nrrd" "$work/b.witk"
cmp -s "$work/a.witk" "$work/b.witk" && echo "  pixels, type and geometry after the round trip: identical"

echo
echo "witk demo: downsample and compare-images on the same volume"
$witk downsample --shrink-factors 2 "$sample" "$work/half.nrrd"
$witk downsample-bin-shrink --shrink-factors 2 "$sample" "$work/binned.nrrd"
$witk downsample-label-image --shrink-factors 2 "$sample" "$work/labels.nrrd"
printf '  Gaussian, bin-shrink and label downsampling by 2: %s\n' \
  "$($witk image-io info "$work/half.nrrd" | tr -d '\n ' | sed 's/.*"spacing":\(\[[^]]*\]\).*"size":\(\[[^]]*\]\).*/spacing \1, size \2/')"
$witk image-io convert "$work/half.nrrd" "$work/half.nii.gz"
$witk compare-images "$work/half.nii.gz" "$work/half.nrrd" >/dev/null \
  && echo "  compare-images: the NIfTI copy of the result equals it (exit 0)"
if ! $witk compare-images "$work/binned.nrrd" "$work/half.nrrd" > "$work/metrics.json"; then
  printf '  compare-images: bin-shrink vs Gaussian differ in %s pixels, at most %s (exit 1)\n' \
    "$(sed -n 's/.*"numberOfPixelsWithDifferences": \([0-9]*\).*/\1/p' "$work/metrics.json")" \
    "$(sed -n 's/.*"maximumDifference": \([0-9.e+-]*\).*/\1/p' "$work/metrics.json")"
fi

echo
echo "witk demo: a picture of the volume (view), kept in build/demo/"
mkdir -p build/demo
$witk view "$sample" --out build/demo/slices.png 2>/dev/null
$witk view "$sample" --mip --out build/demo/mip.png 2>/dev/null
printf '  orthogonal middle slices: build/demo/slices.png (%d bytes); maximum-intensity projections: build/demo/mip.png\n' \
  "$(stat -c %s build/demo/slices.png)"
