#!/usr/bin/env bash
# check-env.sh keeps stack.Stacks flowctl's one reader of the environment.
# It fails, with one line per file:line, when a hand-written, non-test Go file
# under flowctl/ calls os.Getenv or os.LookupEnv, or calls any Getenv, getenv
# or LookupEnv with a string literal (getenv("X")): such code should take the
# value from stack.Stacks (a field or method in flowctl/internal/stack/stacks.go).
# Handing the whole environment on (os.Environ to a child) is not a read.
#
# Not checked: flowctl/main.go (it hands os.Getenv to run),
# flowctl/internal/stack/stacks.go (the reader) and flowctl/internal/browser/
# (test support, imported by _test files only). Comments and strings do not
# count; a call split across lines before its argument is not seen.
#
# Usage: scripts/check-env.sh [root]   (root: the repository; by default the
# parent of this script's directory). Exit 0: clean; 1: offenders; 2: usage.
set -euo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
if [[ ! -d $root ]]; then
	echo "check-env: $root is not a directory: give the repository root" >&2
	exit 2
fi
cd "$root"
[[ -d flowctl ]] || exit 0

mapfile -t files < <(find flowctl \( -name '.?*' -prune \) -o \
	\( -name '*.go' ! -name '*_test.go' -print \) |
	grep -v -e '^flowctl/main\.go$' -e '^flowctl/internal/stack/stacks\.go$' -e '^flowctl/internal/browser/' |
	LC_ALL=C sort)
[[ ${#files[@]} -eq 0 ]] && exit 0

# The awk program lexes Go as check-shape.sh does (comments, "…" strings,
# `…` raw strings, '…' runes) and keeps, per line, the code with each
# literal's contents dropped (its opening quote stays, so getenv("X") reads
# getenv(" ), then matches the reads on that. Generated files are skipped.
# shellcheck disable=SC2016 # the awk program is single-quoted on purpose
out=$(awk '
function flush() {
	if (!generated) for (i = 1; i <= nhits; i++) print hit[i]
	nhits = 0; generated = 0; inpkg = 0; state = "code"
}
function check(code) {
	if (code ~ /(^|[^A-Za-z0-9_.])os\.(Getenv|LookupEnv)([^A-Za-z0-9_]|$)/ ||
	    code ~ /(^|[^A-Za-z0-9_])([Gg]etenv|[Ll]ookupEnv)[ \t]*\([ \t]*["`]/)
		hit[++nhits] = FILENAME ":" FNR ": reads the environment; take the value from stack.Stacks (flowctl/internal/stack/stacks.go is flowctl'"'"'s one reader of the environment)"
}
BEGIN { state = "code" }
FNR == 1 && NR != 1 { flush() }
{
	if (!inpkg && $0 ~ /^\/\/ Code generated .* DO NOT EDIT\.$/) generated = 1
	if ($0 ~ /^package /) inpkg = 1
	line = $0; n = length(line); i = 1; code = ""
	if (state == "str" || state == "rune") state = "code" # neither spans lines
	while (i <= n) {
		c = substr(line, i, 1)
		if (state == "block") {
			if (c == "*" && substr(line, i + 1, 1) == "/") { state = "code"; i++ }
		} else if (state == "raw") {
			if (c == "`") state = "code"
		} else if (state == "str") {
			if (c == "\\") i++
			else if (c == "\"") state = "code"
		} else if (state == "rune") {
			if (c == "\\") i++
			else if (c == "'"'"'") state = "code"
		} else if (c == "/" && substr(line, i + 1, 1) == "/") {
			break
		} else if (c == "/" && substr(line, i + 1, 1) == "*") {
			state = "block"; i++; code = code " "
		} else if (c == "\"") {
			state = "str"; code = code c
		} else if (c == "`") {
			state = "raw"; code = code c
		} else if (c == "'"'"'") {
			state = "rune"; code = code c
		} else {
			code = code c
		}
		i++
	}
	check(code)
}
END { flush() }
' "${files[@]}")

if [[ -n $out ]]; then
	echo "$out"
	exit 1
fi
exit 0
