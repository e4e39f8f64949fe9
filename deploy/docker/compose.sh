#!/usr/bin/env bash
# docker compose for orderflow, the same with compose v2 and Debian's
# docker-compose 1.29:
#
#   deploy/docker/compose.sh --profile events up -d     start, then wait until every container is healthy
#   deploy/docker/compose.sh --profile all ps
#   deploy/docker/compose.sh --profile all --profile cluster down -v
#
# * runs `docker compose` if the v2 plugin answers, else `docker-compose`;
# * project name COMPOSE_PROJECT_NAME, default "orderflow" (stable names
#   whatever the checkout directory is called);
# * if .run/images.env exists (written by scripts/images-offline.sh) and
#   ORDERFLOW_IMAGES_ENV is not set to another file or "-", it is passed as
#   --env-file, so the local images are used;
# * `up -d` then waits, printing each container's health as it changes, until
#   all containers of the project are healthy (COMPOSE_WAIT_TIMEOUT seconds,
#   default 240); on a failure it prints the failing container's last log lines.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-orderflow}"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "compose: neither 'docker compose' (v2) nor 'docker-compose' is installed" >&2
  exit 1
fi

env_file="${ORDERFLOW_IMAGES_ENV:-$ROOT/.run/images.env}"
if [[ "$env_file" != - && -f "$env_file" ]]; then
  compose+=(--env-file "$env_file")
fi

# Is this an `up` with -d/--detach? (The first non-option word is the command.)
cmd="" detach=false
for a in "$@"; do
  if [[ -z "$cmd" ]]; then
    case "$a" in
      --profile|-f|--file|-p|--project-name|--env-file|--project-directory) skip=1; continue ;;
    esac
    if [[ "${skip:-0}" == 1 ]]; then skip=0; continue; fi
    [[ "$a" == -* ]] && continue
    cmd="$a"
  elif [[ "$cmd" == up && ( "$a" == -d || "$a" == --detach ) ]]; then
    detach=true
  fi
done

start=$(date +%s)
"${compose[@]}" "$@"
[[ "$cmd" == up && "$detach" == true ]] || exit 0

# Wait for health, showing progress rather than silence. Containers that
# stopped before this `up` (another profile, a broker stopped on purpose) are
# ignored; one that exits now is a failure.
timeout="${COMPOSE_WAIT_TIMEOUT:-240}"
declare -A seen=()
while :; do
  all_ok=true
  while IFS=$'\t' read -r name status; do
    [[ -n "$name" ]] || continue
    case "$status" in
      *"(healthy)"*) state=healthy ;;
      *"(unhealthy)"*) state=unhealthy ;;
      *"health: starting"*) state=starting ;;
      Up*) state=running ;;  # no healthcheck
      *)
        finished="$(docker inspect -f '{{.State.FinishedAt}}' "$name" 2>/dev/null || true)"
        if [[ -z "$finished" ]] || (( $(date -d "$finished" +%s 2>/dev/null || echo 0) < start )); then
          continue
        fi
        state=exited ;;
    esac
    if [[ "${seen[$name]:-}" != "$state" ]]; then
      printf 'compose: [%3ss] %-40s %s\n' "$(( $(date +%s) - start ))" "$name" "$state"
      seen[$name]=$state
    fi
    case "$state" in
      healthy|running) ;;
      starting) all_ok=false ;;
      *)
        echo "compose: $name is $state; its last log lines:" >&2
        docker logs --tail 30 "$name" >&2 || true
        exit 1 ;;
    esac
  done < <(docker ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --format '{{.Names}}\t{{.Status}}')
  if $all_ok && (( ${#seen[@]} > 0 )); then
    echo "compose: all ${#seen[@]} containers healthy after $(( $(date +%s) - start )) s"
    exit 0
  fi
  if (( $(date +%s) - start >= timeout )); then
    echo "compose: not healthy after ${timeout}s:" >&2
    docker ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --format '  {{.Names}}\t{{.Status}}' >&2
    exit 1
  fi
  sleep 1
done
