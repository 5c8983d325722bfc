#!/usr/bin/env bash
# Writes data/adult.csv (see data/README.md): a copy of ../shared/data/adult.csv when present, else the UCI download.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/adult.csv"
shared="$here/../../shared/data/adult.csv"
if [ -s "$target" ]; then echo "data/adult.csv is already there"; exit 0; fi
if [ -s "$shared" ]; then cp "$shared" "$target"; echo "data/adult.csv copied from ../shared/data"; exit 0; fi
url="https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.data"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
echo "downloading $url"
curl -fsSL "$url" -o "$tmp"
{
  echo '"age","workclass","fnlwgt","education","education.num","marital.status","occupation","relationship","race","sex","capital.gain","capital.loss","hours.per.week","native.country","income"'
  # Numbers as they are, strings double-quoted, the ", " separators of adult.data made plain commas.
  awk -F', ' 'NF == 15 { out = ""; for (i = 1; i <= 15; i++) { v = $i; gsub(/\r/, "", v); if (v !~ /^-?[0-9]+$/) v = "\"" v "\""; out = out (i > 1 ? "," : "") v } print out }' "$tmp"
} > "$target"
echo "data/adult.csv written ($(($(wc -l < "$target") - 1)) rows)"
