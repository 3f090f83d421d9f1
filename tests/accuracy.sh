#!/bin/sh
# The accuracy benchmark: score.py over ../shared/corpus (seed + dev), when
# ../shared is beside the checkout. Prints the per-field table; fails when the
# macro F1 drops below the floor the project has reached (a regression guard,
# not the goal: the goal is >= 0.95 on every field).
# usage: accuracy.sh JIKENBO SHARED_DIR
set -eu
bin=$1
shared=$2
floor=${JKB_ACCURACY_FLOOR:-0.95}
if [ ! -f "$shared/tools/score.py" ] || [ ! -d "$shared/corpus/dev" ]; then
    echo "skipped: $shared/corpus is not there"
    exit 77
fi
python3 "$shared/tools/score.py" --extractor "$bin extract --format ndjson" --min-f1 "$floor" \
    "$shared/corpus/seed" "$shared/corpus/dev"
