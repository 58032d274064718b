#!/usr/bin/env bash
# Runs a command (the Rust tests); if it is still running after LIMIT seconds, prints the stack of
# every thread of each test binary still alive (gdb; without gdb, each thread's kernel wait), so a
# rare hang leaves evidence in the CI log. It only looks: the command's own timeout stops it.
# Usage: scripts/stacks-on-hang.sh LIMIT command...
set -uo pipefail
limit=$1
shift
"$@" &
pid=$!
(
  sleep "$limit"
  kill -0 "$pid" 2>/dev/null || exit 0
  for t in $(pgrep -f '^[^ ]*/deps/(it|app)-[0-9a-f]+( |$)'); do
    echo "== still running after ${limit} s: $(tr '\0' ' ' < "/proc/$t/cmdline")" >&2
    if command -v gdb >/dev/null; then
      gdb -batch -ex "thread apply all bt 40" -p "$t" 2>&1 | grep -v '^\[New LWP' >&2
    else
      for task in /proc/"$t"/task/*; do echo "$(cat "$task/comm"): $(cat "$task/wchan")" >&2; done
    fi
  done
) &
watcher=$!
wait "$pid"
rc=$?
kill "$watcher" 2>/dev/null
exit "$rc"
