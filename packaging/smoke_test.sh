#!/usr/bin/env bash
# Smoke test of a built Linux bundle (packaging/build.py): its two executables run, on their
# own, what a user does first. Called by .ci/run after the build.
#
#   packaging/smoke_test.sh [BUNDLE_DIR]      (default: dist/GenGlossary)
#
# 1. `genglossary --version`;
# 2. `genglossary generate` of a small English folder and of a small Japanese one with the
#    built-in engine: proves wordfreq's, simplemma's, lemminflect's data and the Sudachi
#    dictionary are in the bundle;
# 3. a project run, `run --scope full --wait`, whose steps run in child processes started
#    through entry.own_command: the bundle's own command line;
# 4. `GenGlossary --self-test` (offscreen): the window runs the bundled sample project to
#    completion and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

bundle="${1:-dist/GenGlossary}"
cli="$bundle/genglossary"
gui="$bundle/GenGlossary"
for program in "$cli" "$gui"; do
  [ -x "$program" ] || { echo "smoke test: $program is missing (build the bundle first)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/genglossary-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Nothing from the checkout or the user: a fresh data folder, no Python environment.
export GENGLOSSARY_DATA_DIR="$work/data"
unset PYTHONPATH VIRTUAL_ENV PYTHONHOME
export QT_QPA_PLATFORM=offscreen

passed=0
failed=0
check() {  # check NAME COMMAND...: run it, count it
  local name="$1"; shift
  local started=$SECONDS
  if "$@" >"$work/out.txt" 2>"$work/err.txt"; then
    echo "ok   $name ($((SECONDS - started)) s)"
    passed=$((passed + 1))
  else
    echo "FAIL $name ($((SECONDS - started)) s)"
    sed 's/^/     | /' "$work/out.txt" "$work/err.txt" | tail -40
    failed=$((failed + 1))
  fi
}

mkdir -p "$work/en" "$work/ja" "$work/both"
cat >"$work/en/storage.md" <<'EOF'
# Storage engine

The storage engine writes every change to the write-ahead log before it updates the data pages.
A checkpoint copies the pages from the write-ahead log into the main database file.
The buffer pool keeps recently used pages in memory; the storage engine evicts pages from the
buffer pool when it is full.
EOF
cat >"$work/en/recovery.md" <<'EOF'
# Recovery

A write-ahead log is a file that records every change before the change reaches the data pages.
After a crash, recovery replays the write-ahead log from the last checkpoint.
The buffer pool is empty after a restart, so the storage engine reads its pages again.
A checkpoint bounds the time recovery takes, because the write-ahead log after it is short.
EOF
cat >"$work/ja/nlp.md" <<'EOF'
# 形態素解析

形態素解析とは、文章を形態素に分割し、品詞を決める処理である。形態素解析器は辞書を使って単語の境界を決める。
日本語の形態素解析では、辞書の品質が解析の精度を大きく左右する。
固有表現抽出は、形態素解析の結果から人名や地名を取り出す処理である。
固有表現抽出の精度も、形態素解析と辞書の品質に依存する。
EOF
cp "$work/en/"*.md "$work/ja/"*.md "$work/both/"

has_entries() {  # has_entries FILE MIN: the Markdown glossary holds at least MIN entries
  local n
  n="$(grep -c '^## ' "$1" || true)"
  echo "$n entries in $1"
  [ "$n" -ge "$2" ]
}

version() { "$cli" --version | grep -E '^genglossary [0-9]'; }
generate_en() {
  "$cli" generate --input "$work/en" --output "$work/en.md" && has_entries "$work/en.md" 2 \
    && grep -qi 'write-ahead log' "$work/en.md"
}
generate_ja() {
  "$cli" generate --input "$work/ja" --output "$work/ja.md" && has_entries "$work/ja.md" 2 \
    && grep -q '形態素解析' "$work/ja.md"
}
project_run() {
  "$cli" --data-dir "$work/project-data" project create Smoke --docs "$work/both" \
    && "$cli" --data-dir "$work/project-data" run Smoke --scope full --wait \
    && "$cli" --data-dir "$work/project-data" runs Smoke | grep -E 'full +completed' \
    && "$cli" --data-dir "$work/project-data" export Smoke --output "$work/project.md" \
    && has_entries "$work/project.md" 4
}
self_test() { timeout 900 "$gui" --self-test --data-dir "$work/window-data"; }

check "genglossary --version" version
check "genglossary generate (English)" generate_en
check "genglossary generate (Japanese, Sudachi)" generate_ja
check "genglossary project run --scope full (step processes)" project_run
check "GenGlossary --self-test (offscreen window, sample project)" self_test

echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
