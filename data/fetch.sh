#!/usr/bin/env bash
# Writes data/adult.csv (see data/README.md): a copy of $ADULT_CSV, or of ../shared/data/adult.csv (beside the
# checkout, or beside its parent for a git worktree under wt/) when present, else the UCI download.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/adult.csv"
if [ -s "$target" ]; then echo "data/adult.csv is already there"; exit 0; fi
if [ -n "${ADULT_CSV:-}" ]; then
  if [ ! -s "$ADULT_CSV" ]; then echo "data/fetch.sh: ADULT_CSV=$ADULT_CSV is not a readable, non-empty file" >&2; exit 1; fi
  cp "$ADULT_CSV" "$target"; echo "data/adult.csv copied from $ADULT_CSV"; exit 0
fi
for shared in "$here/../../shared/data/adult.csv" "$here/../../../shared/data/adult.csv"; do
  if [ -s "$shared" ]; then cp "$shared" "$target"; echo "data/adult.csv copied from $(cd "$(dirname "$shared")" && pwd)"; exit 0; fi
done
url="https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.data"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
echo "downloading $url"
if ! curl -fsSL "$url" -o "$tmp"; then
  echo "data/fetch.sh: could not download $url; put the Adult Census CSV at data/adult.csv, or run again with ADULT_CSV=<path to it>" >&2
  exit 1
fi
{
  echo '"age","workclass","fnlwgt","education","education.num","marital.status","occupation","relationship","race","sex","capital.gain","capital.loss","hours.per.week","native.country","income"'
  # Numbers as they are, strings double-quoted, the ", " separators of adult.data made plain commas.
  awk -F', ' 'NF == 15 { out = ""; for (i = 1; i <= 15; i++) { v = $i; gsub(/\r/, "", v); if (v !~ /^-?[0-9]+$/) v = "\"" v "\""; out = out (i > 1 ? "," : "") v } print out }' "$tmp"
} > "$target"
echo "data/adult.csv written ($(($(wc -l < "$target") - 1)) rows)"
