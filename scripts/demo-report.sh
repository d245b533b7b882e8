# shellcheck shell=bash
# demo-report.sh - running the demo's steps, the closing table, the logs
# folder and the --keep wait (sourced by scripts/demo.sh).
#
# Rows go to $DEMO_OUT/results.tsv: step, feature, what was done, result,
# seconds. A result is "ok: ..." or "FAIL: reason (log: FILE)" or "skipped: ...".

# demo_what STEP - "feature<TAB>what was done" for the table.
demo_what() {
  case "$1" in
    install) printf 'install\tmsiexec /i %s /qn' "$(basename "$DEMO_MSI")" ;;
    resize) printf 'resize\tclient window %s, %s, %s (no such mode)' "${DEMO_SIZES[@]}" "$DEMO_SIZE_MISSING" ;;
    text) printf 'clipboard text\tASCII + non-ASCII (de, ja, ko, he, emoji), both ways' ;;
    png) printf 'clipboard image\ta 97x61 PNG both ways (and a guest DIB)' ;;
    file) printf 'file drop\treport.txt + a 16 MiB file dropped on the client' ;;
    status) printf 'status check\tvdservice status with a client connected' ;;
    uninstall) printf 'uninstall\tnet stop spice-agent; msiexec /x %s /qn' "$(basename "$DEMO_MSI")" ;;
  esac
}

demo_row() { # STEP RESULT SECONDS
  printf '%s\t%s\t%s\t%s\n' "$1" "$(demo_what "$1")" "$2" "$3" >>"$DEMO_OUT/results.tsv"
}

demo_skip_row() { demo_row "$1" "skipped: $2" "-"; }

# demo_run_step N STEP - run step_STEP in a subshell with `set -e`, its
# output in DEMO_OUT/NN-STEP.log; record and print its row.
demo_run_step() {
  local n=$1 step=$2 log t0 rc=0 secs result
  log="$DEMO_OUT/$(printf '%02d' "$n")-$step.log"
  echo "== [$n] $(demo_what "$step" | sed 's/\t/: /')"
  if [ "$step" != install ] && grep -q '^install	.*	FAIL' "$DEMO_OUT/results.tsv" 2>/dev/null; then
    demo_skip_row "$step" "the install failed"
    echo "   skipped: the install failed"
    return 0
  fi
  DEMO_NOTE="$DEMO_OUT/.note-$step"
  rm -f "$DEMO_NOTE"
  t0=${EPOCHREALTIME/[.,]/}
  set +e
  (
    set -e
    "step_$step"
  ) >"$log" 2>&1
  rc=$?
  set -e
  secs=$(awk -v a="$t0" -v b="${EPOCHREALTIME/[.,]/}" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
  if [ "$rc" -eq 0 ] && [ -s "$DEMO_NOTE" ]; then
    result=$(cat "$DEMO_NOTE")
  else
    result=$(sed -n 's/^e2e FAIL: //p' "$log" | tail -n 1)
    result="FAIL: ${result:-exit $rc} (log: $log)"
  fi
  rm -f "$DEMO_NOTE"
  demo_row "$step" "$result" "$secs"
  echo "   $result ($secs s)"
}

# demo_table STORY_S BUILD_S SETUP_S - the closing table (also in summary.md).
demo_table() {
  echo
  "$RIG_PY" - "$DEMO_OUT/results.tsv" "$@" <<'PY' | tee "$DEMO_OUT/summary.md"
import sys
rows = [l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
story, build, setup = sys.argv[2:5]
head = ["feature", "what was done", "result", "time"]
rows = [[f, w, r, t if t == "-" else t + " s"] for f, w, r, t in rows]
width = [max(len(x[i]) for x in [head] + rows) for i in range(4)]
line = lambda cells: "| " + " | ".join(c.ljust(width[i]) for i, c in enumerate(cells)) + " |"
print(line(head))
print("|" + "|".join("-" * (w + 2) for w in width) + "|")
for r in rows:
    print(line(r))
print()
extra = "; VM boot %s s" % setup + ("; build %s s" % build if build else "")
print("story: %s s from install to the last step%s" % (story, extra))
PY
}

# demo_failed_steps - print the failed steps and their logs; false if any.
demo_failed_steps() {
  local failed
  failed=$(awk -F'\t' '$4 ~ /^FAIL/ { print $1 }' "$DEMO_OUT/results.tsv")
  if [ -z "$failed" ]; then
    echo "demo: every step passed"
    return 0
  fi
  local s
  for s in $failed; do
    echo "demo: step '$s' FAILED (log: $(ls "$DEMO_OUT"/[0-9][0-9]-"$s".log))" >&2
  done
  return 1
}

# demo_collect_logs - copy the rig's and the guest's logs into DEMO_OUT/logs
# (RIG_TMP, with the prefix, is deleted at exit).
demo_collect_logs() {
  [ -n "${RIG_TMP:-}" ] && [ -d "$RIG_TMP" ] || return 0
  local d="$DEMO_OUT/logs" f
  mkdir -p "$d"
  find "$RIG_TMP" -maxdepth 1 -type f \( -name '*.log' -o -name '*.out' \) -exec cp {} "$d/" \;
  for f in "${E2E_LOG_DIR:-/nonexistent}"/*.log; do
    [ -f "$f" ] && cp "$f" "$d/guest-programdata-$(basename "$f")"
  done
  for f in "${WINEPREFIX:-/nonexistent}/drive_c/users/Public/SPICE Agent"/*.log; do
    [ -f "$f" ] && cp "$f" "$d/guest-public-$(basename "$f")"
  done
  return 0
}

# demo_keep_wait RC - --keep: say how to connect, then wait for Ctrl+C (or
# TERM) and end with the story's status RC.
demo_keep_wait() {
  local rc=$1
  if [ "$(rig_agent_state)" != attached ]; then
    echo "demo --keep: the agent is not connected (see the failed steps); stopping" >&2
    return 0
  fi
  trap 'exit '"$rc" INT TERM
  cat <<EOF

== the VM keeps running (--keep): SPICE Agent installed, agent connected to spice-server
   connect a real client:  remote-viewer spice://127.0.0.1:$RIG_PORT
   the guest screen is X display $DISPLAY (modes: ${DEMO_MODES[*]});
   resize the remote-viewer window and the guest follows (a size no mode has gets the
   largest mode that fits); copy on your desktop and paste in the guest, and back
   (in the guest: DISPLAY=$DISPLAY xclip -o -selection clipboard).
   Ctrl+C stops everything.
EOF
  while :; do
    sleep 1 &
    wait $! || true
  done
}
