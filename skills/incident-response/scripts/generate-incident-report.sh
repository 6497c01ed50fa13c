#!/usr/bin/env bash
# Generate a structured incident report (the blameless post-mortem sections) for an incident,
# whether or not warroom recorded it. The seed's usage, unchanged apart from the extension:
#   ./skills/incident-response/scripts/generate-incident-report.sh \
#     --title "Database connection pool exhaustion" --severity SEV2 \
#     --start-time "2024-01-15T14:30:00Z" --end-time "2024-01-15T15:15:00Z" \
#     --output-dir ./post-mortems/
# For an incident warroom recorded, "warroom postmortem INC-N" fills in far more from its timeline.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./_warroom.sh
. "$here/_warroom.sh"

usage() {
  echo "usage: $(basename "$0") --title TEXT --severity SEV1..SEV4 [--start-time ISO] [--end-time ISO] [--output-dir DIR] [--format md,html,json]"
}

title=""
severity=""
start_time=""
end_time=""
output_dir="./post-mortems"
format="md"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --title) need_value "$@"; title="$2"; shift 2 ;;
    --title=*) title="${1#*=}"; shift ;;
    --severity) need_value "$@"; severity="$2"; shift 2 ;;
    --severity=*) severity="${1#*=}"; shift ;;
    --start-time) need_value "$@"; start_time="$2"; shift 2 ;;
    --start-time=*) start_time="${1#*=}"; shift ;;
    --end-time) need_value "$@"; end_time="$2"; shift 2 ;;
    --end-time=*) end_time="${1#*=}"; shift ;;
    --output-dir) need_value "$@"; output_dir="$2"; shift 2 ;;
    --output-dir=*) output_dir="${1#*=}"; shift ;;
    --format) need_value "$@"; format="$2"; shift 2 ;;
    --format=*) format="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for pair in "title:$title" "severity:$severity"; do
  if [ -z "${pair#*:}" ]; then
    echo "error: --${pair%%:*} is required" >&2
    usage >&2
    exit 2
  fi
done
if [ -z "$end_time" ]; then end_time="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; fi
if [ -z "$start_time" ]; then
  # The seed's own table example gives no start time: the report still gets written, and says so.
  echo "warning: no --start-time: using the end time ($end_time); fill in when impact began" >&2
  start_time="$end_time"
fi

exec "${WARROOM[@]}" report --title "$title" --severity "$severity" --start-time "$start_time" --end-time "$end_time" --output-dir "$output_dir" --format "$format"
