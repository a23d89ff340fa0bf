#!/usr/bin/env python3
# Split the wall time of `RUNTIME run` of /bin/true into three phases, from a
# `perf script -F pid,tid,time,event,trace` dump of the sched_process_exec and
# sched_process_exit tracepoints recorded while a loop ran the runtime:
#   setup     exec of the runtime -> exec of the container's /bin/true
#   container exec of /bin/true    -> its exit
#   teardown  exit of /bin/true    -> exit of the runtime's last thread
# Usage: phases.py NAME RUNTIME_PATH < perf-script-output
# Prints one line: NAME and the median of each phase and of the total, in ms.
import re
import statistics
import sys

name, runtime = sys.argv[1], sys.argv[2]
line_re = re.compile(r"^\s*(\d+)/(\d+)\s+([\d.]+):\s+sched:(sched_process_\w+):\s*(.*)$")
runs = []
cur = None
for line in sys.stdin:
    m = line_re.match(line)
    if not m:
        continue
    pid, tid, t, ev, rest = int(m[1]), int(m[2]), float(m[3]) * 1000, m[4], m[5]
    if ev == "sched_process_exec":
        fn = re.search(r"filename=(\S+)", rest)
        fn = fn[1] if fn else ""
        if fn == runtime:
            cur = {"pid": pid, "start": t}
            runs.append(cur)
        elif cur and fn.endswith("/true") and "exec" not in cur:
            cur["exec"], cur["cpid"] = t, pid
    elif ev == "sched_process_exit" and cur:
        if "cpid" in cur and tid == cur["cpid"] and "cexit" not in cur:
            cur["cexit"] = t
        if pid == cur["pid"]:
            cur["end"] = t  # the last exit of the runtime's thread group wins


def med(a, b):
    v = [r[b] - r[a] for r in runs if a in r and b in r]
    return statistics.median(v) if v else float("nan"), len(v)


setup, n = med("start", "exec")
cont, _ = med("exec", "cexit")
tear, _ = med("cexit", "end")
total, _ = med("start", "end")
print(f"{name:<12} {setup:9.2f} {cont:9.2f} {tear:9.2f} {total:9.2f}   (n={n})")
