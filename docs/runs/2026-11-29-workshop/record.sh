#!/usr/bin/env bash
# Records the example runs docs/workshop.md and docs/decision-checklist.md
# quote: each exercise's command, as printed there, with --json, into one
# results file per exercise. The docs name the file above each quote
# (<!-- recorded: … -->) and comparereport's TestDocsQuoteRecordedRuns checks
# every quoted verdict and number against it.
#
# Runs natively (embedded broker, Jaeger from source) on its own run dir and
# ports, so it does not touch a stack you have running:
#   docs/runs/2026-11-29-workshop/record.sh [exercise…]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
run=$(mktemp -d)
bin="$run/flowctl"
go build -o "$bin" ./flowctl
fc() { RUNTIME=native "$bin" --run-dir "$run/run" --port-base "${PORT_BASE:-17000}" --broker-port "${BROKER_PORT:-17900}" "$@"; }
trap 'fc down >/dev/null 2>&1 || true' EXIT

# exercise file | scenario arguments (the docs' command without `flowctl scenario` and `--mode both`)
exercises=(
  "exercise1|downstream-down slow-downstream --rate 10 --down-for 3s"
  "exercise1b|independent-evolution"
  "exercise2|happy-path read-your-writes --orders 20"
  "exercise2-late|late-rejection --orders 20"
  "exercise3|broker-down poison-message --rate 10 --down-for 3s"
  "exercise3-dualwrite|dual-write --orders 20"
  "exercise4|find-the-failure"
  "exercise4-opscost|ops-cost"
  "exercise5|replay"
)
fc up --mode sync
fc up --mode events
for e in "${exercises[@]}"; do
  name=${e%%|*} args=${e#*|}
  if (($#)) && [[ " $* " != *" $name "* ]]; then continue; fi
  echo "== $name: flowctl scenario $args --mode both"
  # shellcheck disable=SC2086 # args are words
  fc scenario $args --mode both --json >"$here/$name.json"
done
