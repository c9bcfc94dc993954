# Sourced by the GPU-machine scripts (run-cuda.sh, run-real-export.sh, run-loop.sh): every step time-boxed and
# independent, so that one failing or hanging step costs its own time, never the rest of a device call.
#   step NAME CAP_SECONDS COMMAND...
# runs COMMAND through bash (so exported shell functions can be the command) with a timeout of min(CAP, time left
# of BUDGET_S), its output in $out/logs/NAME.log, and appends "NAME<TAB>exit code<TAB>seconds" to $summary;
# with less than 15 s left it is skipped and listed as such. `steps_begin DIR` starts a run's results folder
# (DIR/logs, DIR/steps.tsv) and sets out and summary; the caller sets BUDGET_S.
steps_begin() {
  out=$1
  rm -rf "$out"
  mkdir -p "$out/logs"
  summary=$out/steps.tsv
  printf 'step\texit\tseconds\n' > "$summary"
}

step() {
  local name=$1 cap=$2
  shift 2
  local left=$((BUDGET_S - SECONDS))
  if ((left < 15)); then
    printf '%s\tskipped (budget)\t0\n' "$name" >> "$summary"
    return
  fi
  ((cap > left)) && cap=$left
  local start=$SECONDS
  echo "== $name (up to ${cap}s)"
  timeout "$cap" bash -c '"$@"' _ "$@" > "$out/logs/$name.log" 2>&1
  printf '%s\t%s\t%s\n' "$name" "$?" "$((SECONDS - start))" >> "$summary"
}

# The steps as an aligned table (column(1) is not on the GPU machine).
steps_table() {
  awk -F'\t' '{printf "%-32s %-18s %s\n", $1, $2, $3}' "$summary"
}
