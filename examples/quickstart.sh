#!/usr/bin/env bash
# Set up the service and brief an example article of our own into Japanese and Korean.
# With network access the configured models are pulled on first use; without it the
# service says exactly what is missing, and this script then shows the same brief on
# tiny random-weight models (their text is gibberish; the brief says so).
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLE=${1:-examples/harbor_drill.txt}

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
fi

set +e
.venv/bin/python -m service brief "$ARTICLE" --to ja,ko --sentences 3 --format markdown
status=$?
set -e
if [ "$status" -eq 3 ]; then
  echo >&2
  echo ">> The production models are not installed (see the message above)." >&2
  echo ">> Showing the brief on tiny test models instead (var/tiny-models)." >&2
  [ -f var/tiny-models/briefs.toml ] || .venv/bin/python -m service models build-tiny --dir var/tiny-models
  .venv/bin/python -m service brief "$ARTICLE" --to ja,ko --sentences 3 --format markdown --models-dir var/tiny-models
else
  exit "$status"
fi
