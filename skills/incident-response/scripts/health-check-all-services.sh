#!/usr/bin/env bash
# Check the health of every service in warroom.yaml, concurrently, each check bounded by its timeout.
# The seed's usage, unchanged:
#   ./skills/incident-response/scripts/health-check-all-services.sh --output-dir ./incident-triage/
# Writes health.json and health.md into the output dir and prints the table.
# Exit status: 0 when every service is up, 1 otherwise, 2 for a usage error.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./_warroom.sh
. "$here/_warroom.sh"

usage() {
  echo "usage: $(basename "$0") [--output-dir DIR] [--json]"
}

output_dir=""
extra=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --output-dir) need_value "$@"; output_dir="$2"; shift 2 ;;
    --output-dir=*) output_dir="${1#*=}"; shift ;;
    --json) extra+=(--json); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

args=(health)
if [ -n "$output_dir" ]; then args+=(--output-dir "$output_dir"); fi
exec "${WARROOM[@]}" "${args[@]}" "${extra[@]+"${extra[@]}"}"
