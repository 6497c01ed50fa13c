#!/usr/bin/env bash
# Fetch a service's recent logs (files, Docker, journald or a command, as warroom.yaml says),
# redacted, into the output dir with a manifest, then print the analysis of that window.
# The seed's usage, unchanged:
#   ./skills/incident-response/scripts/fetch-logs.sh --service backend --since "15 minutes ago" --output-dir ./incident-logs/
#   ./scripts/fetch-logs.sh --service backend --since "30m" --output-dir ./logs/
# --since accepts "15 minutes ago", 15m, 2h, 1d or ISO 8601.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./_warroom.sh
. "$here/_warroom.sh"

usage() {
  echo "usage: $(basename "$0") --service NAME [--since WHEN] [--output-dir DIR]"
}

service=""
since="15 minutes ago"
output_dir="./incident-logs"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --service) need_value "$@"; service="$2"; shift 2 ;;
    --service=*) service="${1#*=}"; shift ;;
    --since) need_value "$@"; since="$2"; shift 2 ;;
    --since=*) since="${1#*=}"; shift ;;
    --output-dir) need_value "$@"; output_dir="$2"; shift 2 ;;
    --output-dir=*) output_dir="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$service" ]; then
  echo "error: --service is required" >&2
  usage >&2
  exit 2
fi

"${WARROOM[@]}" logs fetch --service "$service" --since "$since" --output-dir "$output_dir"
exec "${WARROOM[@]}" logs analyze --service "$service" --since "$since"
