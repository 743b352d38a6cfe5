#!/usr/bin/env bash
# Cuts a fixed, stratified held-out slice out of a labels CSV, for choosing defaults on evidence
# that no default was tuned on. Deterministic (no seed): the rows are sorted by id (Kaggle ids are
# content hashes, so this order is effectively random) and the first NEG negatives and POS
# positives form the held-out slice. Writes OUT/holdout.csv and OUT/rest.csv (id,label); train on
# rest.csv (--labels OUT/rest.csv --images DIR/train), evaluate on holdout.csv.
# Usage: scripts/holdout-split.sh LABELS_CSV OUT_DIR [NEG=600] [POS=400]
set -euo pipefail
labels="$1"; out="$2"; neg="${3:-600}"; pos="${4:-400}"
mkdir -p "$out"
header="$(head -1 "$labels")"
tail -n +2 "$labels" | tr -d '\r' | sort -t, -k1,1 | awk -F, -v neg="$neg" -v pos="$pos" -v h="$out/holdout.csv.tmp" -v r="$out/rest.csv.tmp" '
  BEGIN { n0 = 0; n1 = 0 }
  { if ($2 == "0" && n0 < neg) { print > h; n0++ } else if ($2 == "1" && n1 < pos) { print > h; n1++ } else { print > r } }'
for f in holdout rest; do
  { echo "$header"; cat "$out/$f.csv.tmp"; } > "$out/$f.csv.tmp2" && rm "$out/$f.csv.tmp" && mv "$out/$f.csv.tmp2" "$out/$f.csv"
done
echo "held out: $(($(wc -l < "$out/holdout.csv") - 1)) rows -> $out/holdout.csv; rest: $(($(wc -l < "$out/rest.csv") - 1)) rows -> $out/rest.csv"
