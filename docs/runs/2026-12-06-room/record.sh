#!/usr/bin/env bash
# Records, on the code of issue 20, what the docs quote and what a manager is
# shown: `make demo` (flowctl compare, every scenario on both modes) with its
# report, each workshop exercise's command as docs/workshop.md prints it, and
# the saga scenarios at workshop size — each with --json, one results file per
# command. The docs name the file above each quote (<!-- recorded: … -->) and
# comparereport's TestDocsQuoteRecordedRuns checks every quoted verdict and
# number against it.
#
# Natively (embedded broker, Jaeger from source) on its own run dir and ports,
# so it does not touch a stack you have running (Jaeger's ports are fixed:
# stop another Jaeger first):
#   docs/runs/2026-12-06-room/record.sh [name…]   (names: demo, exercise1 … exercise5, the saga scenarios)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
run=$(mktemp -d)
bin="$run/flowctl"
go build -o "$bin" ./flowctl
fc() { RUNTIME=native "$bin" --run-dir "$run/run" --port-base "${PORT_BASE:-17000}" --broker-port "${BROKER_PORT:-17900}" "$@"; }
trap 'fc down >/dev/null 2>&1 || true' EXIT
wanted() { ((${#names[@]} == 0)) || [[ " ${names[*]} " == *" $1 "* ]]; }
names=("$@")

fc up --mode sync
fc up --mode events
# `make demo` runs `flowctl compare` on both stacks at once: its report (page 1: the five questions) goes under demo/.
if wanted demo; then
  echo "== demo: flowctl compare"
  rm -rf "$here/demo"
  fc compare --out "${here#"$PWD"/}/demo" --json >"$here/demo.json"
  mv "$here"/demo/*/* "$here/demo/" && rmdir "$here"/demo/*/ 2>/dev/null || true
fi
# exercise file | scenario arguments (the docs' command without `flowctl scenario` and `--mode both`)
runs=(
  "exercise1|downstream-down slow-downstream --rate 10 --down-for 3s"
  "exercise1b|independent-evolution"
  "exercise2|happy-path read-your-writes --orders 20"
  "exercise2-late|late-rejection --orders 20"
  "exercise3|broker-down poison-message --rate 10 --down-for 3s"
  "exercise3-dualwrite|dual-write --orders 20"
  "exercise4|find-the-failure"
  "exercise4-opscost|ops-cost"
  "exercise5|replay"
  "payment-declined|payment-declined"
  "deadline|deadline"
  "cancel-race|cancel-race"
)
for e in "${runs[@]}"; do
  name=${e%%|*} args=${e#*|}
  wanted "$name" || continue
  echo "== $name: flowctl scenario $args --mode both"
  # shellcheck disable=SC2086 # args are words
  fc scenario $args --mode both --json >"$here/$name.json"
done
