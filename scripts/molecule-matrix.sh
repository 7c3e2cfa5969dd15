#!/usr/bin/env bash
# Run `molecule test` for each scenario on each of its distros, then print a summary.
#   SCENARIOS="smoke docker"  scenarios to run (default: every molecule/*/molecule.yml)
#   DISTROS="debian12 ..."    distros for every scenario (default: each scenario's distros.txt)
#   MOLECULE_MATRIX=full      each scenario's distros.txt first line plus its `full:` line
#                             (`make molecule-full`); default: the first line only (`make test`);
#                             a first line `none` leaves the scenario out of the default matrix
#   MOLECULE_JOBS=2           runs at the same time (instances have distinct names)
# Runs start longest first (LONGEST_FIRST below, then the rest by name), so that a long run
# does not start last while the other slot has nothing left to do.
# Each run's output goes to .cache/molecule/<scenario>-<distro>.log and is printed whole when
# the run ends; its Molecule state lives in .cache/molecule/state/<scenario>-<distro>/. Every run happens even when one fails; the exit code is non-zero if any did.
# Last, for each failed run, the few lines of its log that say what failed
# (python -m dockyard_testing.digest): a CI page that shows only the end of the output shows them.
set -uo pipefail
cd "$(dirname "$0")/.."

jobs_max=${MOLECULE_JOBS:-2}
logdir=.cache/molecule
mkdir -p "$logdir"

# Slowest first (about 25, 14, 13, 9, 9, 7, 5, 5, 3 and 1 minutes a run on this kind of machine).
LONGEST_FIRST="swarm registry docker site demo_app mongo static_site ca_certificates docker_ce smoke"
all_scenarios=$(for f in molecule/*/molecule.yml; do basename "$(dirname "$f")"; done)
default_order=$(for s in $LONGEST_FIRST; do [ -f "molecule/$s/molecule.yml" ] && echo "$s"; done
                for s in $all_scenarios; do case " $LONGEST_FIRST " in *" $s "*) ;; *) echo "$s" ;; esac; done)
scenarios=${SCENARIOS:-$default_order}
runs=()
for s in $scenarios; do
  [ -f "molecule/$s/molecule.yml" ] || { echo "unknown scenario '$s' (molecule/$s/molecule.yml missing)" >&2; exit 2; }
  listed=$(grep -v -e '^#' -e '^full:' "molecule/$s/distros.txt" 2>/dev/null | head -n 1)
  # `none`: make test leaves the scenario out; make molecule-full, or naming it in SCENARIOS,
  # runs it on its `full:` distros.
  full_too=${MOLECULE_MATRIX:-}
  if [ "$listed" = none ]; then
    [ -n "${SCENARIOS:-}" ] || [ "$full_too" = full ] || continue
    listed="" full_too=full
  fi
  if [ "$full_too" = full ]; then
    listed="$listed $(sed -n 's/^full://p' "molecule/$s/distros.txt" 2>/dev/null)"
  fi
  distros=${DISTROS:-${listed:-debian12}}
  for d in $distros; do
    python -m dockyard_kit distro "$d" --check-only || exit 2
    runs+=("$s:$d")
  done
done

run_one() {  # scenario distro -> writes <log> and <log>.rc
  local s=$1 d=$2 log="$logdir/$1-$2.log" start
  start=$(date +%s)
  # Molecule keeps one state folder per scenario: runs of a scenario on two distros at once
  # need their own, or one run's steps act on the other's instance.
  MOLECULE_DISTRO=$d MOLECULE_EPHEMERAL_DIRECTORY="$PWD/$logdir/state/$s-$d" \
    molecule test -s "$s" >"$log" 2>&1
  echo "$? $(( $(date +%s) - start ))" >"$log.rc"
}

report() {  # scenario distro
  local s=$1 d=$2 log="$logdir/$1-$2.log" rc secs
  read -r rc secs <"$log.rc"
  printf '\n==> molecule test -s %s (MOLECULE_DISTRO=%s)\n' "$s" "$d"
  cat "$log"
  if [ "$rc" -eq 0 ]; then status=passed; else status=FAILED; failed=$((failed + 1)); failed_logs+=("$log"); fi
  printf '<== molecule test -s %s (MOLECULE_DISTRO=%s): %s in %dm%02ds\n' "$s" "$d" "$status" $((secs / 60)) $((secs % 60))
  results+=("$(printf '%-16s %-12s %-7s %5ss' "$s" "$d" "$status" "$secs")")
}

results=()
failed=0
failed_logs=()
pending=("${runs[@]}")
running=()
while [ "${#pending[@]}" -gt 0 ] || [ "${#running[@]}" -gt 0 ]; do
  while [ "${#pending[@]}" -gt 0 ] && [ "${#running[@]}" -lt "$jobs_max" ]; do
    job=${pending[0]}; pending=("${pending[@]:1}")
    rm -f "$logdir/${job%%:*}-${job##*:}.log.rc"
    printf 'started: molecule test -s %s (MOLECULE_DISTRO=%s)\n' "${job%%:*}" "${job##*:}"
    run_one "${job%%:*}" "${job##*:}" &
    running+=("$job")
  done
  sleep 5
  still=()
  for job in "${running[@]}"; do
    if [ -f "$logdir/${job%%:*}-${job##*:}.log.rc" ]; then report "${job%%:*}" "${job##*:}"; else still+=("$job"); fi
  done
  running=("${still[@]+"${still[@]}"}")
done

printf '\nMolecule summary (%d at a time)\n' "$jobs_max"
printf '  %s\n' "${results[@]}"
printf '%d passed, %d failed\n' $(( ${#results[@]} - failed )) "$failed"
for log in "${failed_logs[@]+"${failed_logs[@]}"}"; do
  printf '\nWhat failed in %s (the whole log is above):\n' "$log"
  python -m dockyard_testing.digest "$log"
done
[ "$failed" -eq 0 ]
