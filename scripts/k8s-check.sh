#!/usr/bin/env bash
# make k8s-check: every overlay of deploy/k8s rendered and applied with a
# server-side dry-run to a real kube-apiserver (scripts/kube-apiserver.sh),
# which validates each object as a cluster would and admits it (Pod Security
# "restricted" included). Fails on any rejection and on any warning.
#
#   1. render each deploy/k8s/overlays/* with `kubectl kustomize` into .run/k8s/
#   2. the manifests' tests (go test ./platform/config): every variable a
#      service container is given is a row of the env table; every workload
#      has probes, resources, a PodDisruptionBudget and (scalable) spread
#   3. start etcd + kube-apiserver on loopback and wait for /readyz == ok
#   4. self-test: each fixture under deploy/k8s/testdata must be refused, so a
#      check that accepts everything cannot pass
#   5. per overlay: its Namespace applied for real (a dry-run of namespaced
#      objects needs it to exist), then everything with --dry-run=server
#
# Needs kubectl, etcd, openssl, curl, Go. Environment: as scripts/kube-apiserver.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/.run/k8s"
APISERVER="$ROOT/scripts/kube-apiserver.sh"

say() { printf 'k8s-check: %s\n' "$*"; }
die() { printf 'k8s-check: error: %s\n' "$*" >&2; exit 1; }

command -v kubectl >/dev/null || die "no kubectl on PATH; install kubectl (v1.32 is known to work)"

# namespaces prints the Namespace documents of a rendered file.
namespaces() {
  awk 'function flush() { if (doc ~ /(^|\n)kind: Namespace\n/) printf "---\n%s", doc; doc = "" }
       /^---$/ { flush(); next } { doc = doc $0 "\n" } END { flush() }' "$1"
}

# dry_run applies a rendered file (namespaces for real, the rest with a
# server-side dry-run) and fails on a rejection or on a warning; kubectl's
# output is in $OUT/<name>.apply.log.
dry_run() {
  local file=$1 log="$OUT/$(basename "$1" .yaml).apply.log" kc
  kc="$("$APISERVER" kubeconfig)"
  : >"$log"
  if ! namespaces "$file" | kubectl --kubeconfig "$kc" apply -f - >>"$log" 2>&1; then
    return 1
  fi
  kubectl --kubeconfig "$kc" apply --dry-run=server -f "$file" >>"$log" 2>&1 || return 1
  ! grep -q '^Warning:' "$log"
}

render() {
  local dir=$1 name
  name="$(basename "$dir")"
  kubectl kustomize "$dir" >"$OUT/$name.yaml" || die "kubectl kustomize $dir failed"
  printf '%s\n' "$OUT/$name.yaml"
}

rm -rf "$OUT"; mkdir -p "$OUT/testdata"
mapfile -t overlays < <(find deploy/k8s/overlays -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort)
(( ${#overlays[@]} )) || die "no overlays under deploy/k8s/overlays"
rendered=()
for o in "${overlays[@]}"; do rendered+=("$(render "$o")"); done
say "rendered ${#rendered[@]} overlays into .run/k8s: $(printf '%s ' "${overlays[@]##*/}")"

REQUIRE_KUBECTL=1 go test -count=1 ./platform/config -run 'TestKubernetesManifests|TestManifestEnv|TestWorkloadSafeguard' ||
  die "the manifests give a service a variable that is not in the env table, or a workload lacks a probe, resources, a budget or spread (above)"

trap '"$APISERVER" stop' EXIT
"$APISERVER" start

mapfile -t fixtures < <(find deploy/k8s/testdata -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort)
(( ${#fixtures[@]} )) || die "no fixtures under deploy/k8s/testdata: the self-test needs at least one"
for f in "${fixtures[@]}"; do
  file="$OUT/testdata/$(basename "$f").yaml"
  kubectl kustomize "$f" >"$file" || die "kubectl kustomize $f failed"
  if OUT="$OUT/testdata" dry_run "$file"; then
    die "self-test: $f was accepted, but it is broken on purpose (see its kustomization.yaml): the check cannot fail"
  fi
  # Refused for the reason the fixture is about, not for any reason at all
  # (an API server that refuses everything would pass a bare exit-code test).
  log="$OUT/testdata/$(basename "$f").apply.log"
  while IFS= read -r want; do
    [[ -z "$want" || "$want" == \#* ]] && continue
    grep -qF -- "$want" "$log" || { cat "$log" >&2; die "self-test: $f was refused, but not with \"$want\" ($f/expect)"; }
  done <"$f/expect"
  say "self-test: $f refused as it should be: $(grep -m1 -E '^(Warning|Error|The )' "$log" | cut -c1-160)"
done

failed=0
for file in "${rendered[@]}"; do
  name="$(basename "$file" .yaml)"
  if dry_run "$file"; then
    say "$name: $(grep -c -- '(server dry run)' "$OUT/$name.apply.log") objects accepted (server dry run)"
  else
    failed=1
    say "$name: REFUSED:"
    grep -E '^(Warning|Error)|error' "$OUT/$name.apply.log" | sed 's/^/  /' >&2
  fi
done
(( failed == 0 )) || die "an overlay was refused or warned about (above; logs in .run/k8s/*.apply.log)"
say "all ${#rendered[@]} overlays accepted by kube-apiserver $(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' tools/kube-apiserver/go.mod)"
