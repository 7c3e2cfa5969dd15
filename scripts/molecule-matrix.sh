#!/usr/bin/env bash
# Run `molecule test` for each scenario on each of its distros, then print a summary.
#   SCENARIOS="smoke docker"  scenarios to run (default: every molecule/*/molecule.yml)
#   DISTROS="debian12 ..."    distros for every scenario (default: each scenario's distros.txt)
# Exits non-zero when any run failed; every run still happens so one failure shows them all.
set -uo pipefail
cd "$(dirname "$0")/.."

scenarios=${SCENARIOS:-$(for f in molecule/*/molecule.yml; do basename "$(dirname "$f")"; done)}
results=()
failed=0
for s in $scenarios; do
  [ -f "molecule/$s/molecule.yml" ] || { echo "unknown scenario '$s' (molecule/$s/molecule.yml missing)" >&2; exit 2; }
  distros=${DISTROS:-$(grep -v '^#' "molecule/$s/distros.txt" 2>/dev/null || echo debian12)}
  for d in $distros; do
    python -m dockyard_kit distro "$d" --check-only || exit 2
    start=$(date +%s)
    if MOLECULE_DISTRO=$d scripts/step.sh "molecule test -s $s (MOLECULE_DISTRO=$d)" molecule test -s "$s"; then
      status=passed
    else
      status=FAILED; failed=$((failed + 1))
    fi
    results+=("$(printf '%-14s %-12s %-7s %4ss' "$s" "$d" "$status" $(( $(date +%s) - start )))")
  done
done
printf '\nMolecule summary\n'
printf '  %s\n' "${results[@]}"
total=${#results[@]}
printf '%d passed, %d failed\n' $((total - failed)) "$failed"
[ "$failed" -eq 0 ]
