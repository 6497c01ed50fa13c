# Sourced by the scripts beside it: finds the warroom binary and exposes it as the array WARROOM.
# Order: $WARROOM_BIN, then "warroom" on PATH, then the project's own copy through npx.
# shellcheck shell=bash
if [ -n "${WARROOM_BIN:-}" ]; then
  WARROOM=("$WARROOM_BIN")
elif command -v warroom >/dev/null 2>&1; then
  WARROOM=(warroom)
elif command -v npx >/dev/null 2>&1; then
  WARROOM=(npx --no-install warroom)
else
  echo "error: warroom not found: install it (npm install -g warroom) or set WARROOM_BIN" >&2
  exit 127
fi

# Reads "--flag value" or "--flag=value"; prints the value, or fails with a usage error.
need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ]; then
    echo "error: $1 needs a value" >&2
    exit 2
  fi
}
