#!/usr/bin/env bash
# Run one step of a make target: announce it, run it, say how long it took and how it ended.
#   scripts/step.sh "what it does" command [args...]
set -uo pipefail
what=$1; shift
printf '\n==> %s\n' "$what"
start=$(date +%s)
"$@"
rc=$?
secs=$(( $(date +%s) - start ))
if [ "$rc" -eq 0 ]; then
  printf '<== %s: done in %dm%02ds\n' "$what" $((secs / 60)) $((secs % 60))
else
  printf '<== %s: FAILED (exit %d) after %dm%02ds\n' "$what" "$rc" $((secs / 60)) $((secs % 60)) >&2
fi
exit "$rc"
