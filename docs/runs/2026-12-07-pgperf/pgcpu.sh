#!/usr/bin/env bash
# CPU seconds (user+sys) of one PostgreSQL cluster so far: the postmaster, its
# reaped children (cutime/cstime) and its live children.
pm=$(head -1 "$1/data/postmaster.pid")
tck=$(getconf CLK_TCK)
tot=$(awk '{print $14+$15+$16+$17}' /proc/$pm/stat)
for c in $(ps -o pid= --ppid $pm); do
  t=$(awk '{print $14+$15}' /proc/$c/stat 2>/dev/null || echo 0); tot=$((tot + t))
done
echo "scale=2; $tot / $tck" | bc
