#!/usr/bin/env bash
# Fails when a tracked file holds a merge-conflict marker (a line starting with
# "<<<<<<< " or ">>>>>>> "): one once reached the manager-facing checklist.
# Usage: scripts/check-conflicts.sh [DIR]   (default: the repository root)
#        scripts/check-conflicts.sh --self-test
set -euo pipefail

check() {
  local dir=$1 hits
  # git grep sees exactly the tracked files; -I skips binaries.
  hits=$(git -C "$dir" grep -nIE '^(<<<<<<<|>>>>>>>)( |$)' -- . || true)
  if [[ -n $hits ]]; then
    echo "merge-conflict markers in tracked files (resolve them, keeping what the recorded runs support):"
    echo "$hits"
    return 1
  fi
}

self_test() {
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  git -C "$tmp" init -q
  printf 'a\n=======\nb\n' >"$tmp/clean.md"
  git -C "$tmp" add clean.md
  check "$tmp" >/dev/null || { echo "self-test: a clean tree was refused"; return 1; }
  printf 'x\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> abc (msg)\n' >"$tmp/conflict.md"
  git -C "$tmp" add conflict.md
  if out=$(check "$tmp"); then
    echo "self-test: a conflict marker was not caught"; return 1
  fi
  grep -q '^conflict.md:2:' <<<"$out" || { echo "self-test: the report does not name conflict.md:2: $out"; return 1; }
}

if [[ ${1:-} == --self-test ]]; then
  self_test
else
  check "${1:-$(git rev-parse --show-toplevel)}"
fi
