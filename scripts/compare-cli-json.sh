#!/usr/bin/env bash
# Usage: scripts/compare-cli-json.sh BUILD/bin/warroom.js OUT.txt; run it for two builds and diff the outputs
# (issue 15: the CLI's --json answers did not change across the restructuring).
# Runs the same CLI session on a build and prints every --json answer, times and durations masked.
set -u
BIN=$1; OUT=$2
D=$(mktemp -d); cd "$D"
cat > warroom.yaml <<'Y'
services:
  api:
    health: http://127.0.0.1:1/health
    team: platform
contacts:
  default_team: platform
  teams:
    platform: { oncall: alice, manager: carol }
  people:
    alice: { email: alice@example.com }
    carol: { email: carol@example.com }
Y
export WARROOM_USER=alice
run() { echo "### $*"; node "$BIN" "$@" --json 2>&1; echo "exit $?"; }
{
run declare "Checkout returns 500" --severity SEV2 --impact "Users cannot pay" --service api
run list
run ack INC-1
run note INC-1 "Error rate 30% on POST /orders" --kind finding
run status INC-1 identified --note "bad deploy"
run severity INC-1 SEV1 --reason "all users"
run assign INC-1 --role scribe --to bob
run show INC-1
run update INC-1 --status mitigating --findings "bad deploy" --actions "rolling back" --dry-run
run deploy record --service api --version v42
run deploy list
run severities
run contacts
run outbox list
run resolve INC-1 --summary "rolled back"
run list --all
run action add INC-1 "Add a canary" --owner alice --due 2099-01-01
run action list
run stats
run reopen INC-1 --reason "back again"
run declare "" --severity SEV9
run show INC-99
run note INC-1
run token create --role viewer --name ci
run token list
} | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/<T>/g; s/"(durationMs|ageMs|elapsedMs|[a-zA-Z]*Ms)": [0-9.]+/"\1": <N>/g; s/wr_[A-Za-z0-9_-]{20,}/<TOKEN>/g; s#/tmp/tmp\.[A-Za-z0-9]+#<DIR>#g' > "$OUT"
