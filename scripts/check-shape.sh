#!/usr/bin/env bash
# check-shape.sh keeps platform/topology the one place the services' names are
# spelled. It fails, with one line per file:line, when a hand-written, non-test
# Go file elsewhere holds "order-svc", "inventory-svc" or "invoicing-svc" as a
# string literal (comments, import paths and longer strings do not count):
# such code should say topology.OrderSvc, topology.InventorySvc or
# topology.InvoicingSvc.
#
# Usage: scripts/check-shape.sh [root]   (root: the repository; by default the
# parent of this script's directory). Exit 0: clean; 1: offenders; 2: usage.
set -euo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
if [[ ! -d $root ]]; then
	echo "check-shape: $root is not a directory: give the repository root" >&2
	exit 2
fi
cd "$root"

# Every .go file except tests, hidden directories (.git, .run) and the
# topology package itself, which is where the names belong.
mapfile -t files < <(find . \( -name '.?*' -prune \) -o \
	\( -name '*.go' ! -name '*_test.go' -print \) |
	sed 's|^\./||' | grep -v '^platform/topology/' | LC_ALL=C sort)
[[ ${#files[@]} -eq 0 ]] && exit 0

# literals.awk scans Go source as a lexer would (comments, "…" strings,
# `…` raw strings, '…' runes) and prints path:line for each line holding a
# string literal that is exactly a service name. Files whose header says
# "Code generated … DO NOT EDIT." are skipped: their source is elsewhere.
# shellcheck disable=SC2016 # the awk program is single-quoted on purpose
hits=$(awk '
function flush() {
	if (!generated) for (i = 1; i <= nhits; i++) print hit[i]
	nhits = 0; generated = 0; inpkg = 0; state = "code"
}
function report(lit) {
	if (lit in names && last != FILENAME ":" FNR) {
		last = FILENAME ":" FNR
		hit[++nhits] = FILENAME ":" FNR ": \"" lit "\" is spelled here; use topology." names[lit] " (platform/topology is the one place the services'"'"' names are spelled)"
	}
}
BEGIN { names["order-svc"] = "OrderSvc"; names["inventory-svc"] = "InventorySvc"; names["invoicing-svc"] = "InvoicingSvc"; state = "code" }
FNR == 1 && NR != 1 { flush() }
{
	if (!inpkg && $0 ~ /^\/\/ Code generated .* DO NOT EDIT\.$/) generated = 1
	if ($0 ~ /^package /) inpkg = 1
	line = $0; n = length(line); i = 1
	if (state == "str" || state == "rune") state = "code" # neither spans lines
	while (i <= n) {
		c = substr(line, i, 1)
		if (state == "block") {
			if (c == "*" && substr(line, i + 1, 1) == "/") { state = "code"; i++ }
		} else if (state == "raw") {
			if (c == "`") { state = "code"; report(lit) } else lit = lit c
		} else if (state == "str") {
			if (c == "\\") { lit = lit c substr(line, i + 1, 1); i++ }
			else if (c == "\"") { state = "code"; report(lit) }
			else lit = lit c
		} else if (state == "rune") {
			if (c == "\\") i++
			else if (c == "'"'"'") state = "code"
		} else if (c == "/" && substr(line, i + 1, 1) == "/") {
			break
		} else if (c == "/" && substr(line, i + 1, 1) == "*") {
			state = "block"; i++
		} else if (c == "\"") {
			state = "str"; lit = ""
		} else if (c == "`") {
			state = "raw"; lit = ""
		} else if (c == "'"'"'") {
			state = "rune"
		}
		i++
	}
	if (state == "raw") lit = lit "\n"
}
END { flush() }
' "${files[@]}")

if [[ -n $hits ]]; then
	echo "$hits"
	exit 1
fi
