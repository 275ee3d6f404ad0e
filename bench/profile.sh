#!/usr/bin/env bash
# Where the gateway's CPU goes under the e2e load: one gateway run (fresh harness broker, loggen 300000 x 200 B at
# max rate) with a JFR recording (settings=profile), then the execution samples aggregated by thread and by top frame.
#   bench/profile.sh [COUNT] [EXTRA_JAVA_OPTS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERDIR=/work/shared/bench/peers
. "$PEERDIR/common.sh"
COUNT=${1:-300000}
EXTRA=${2:-}
GW_PORT=${GW_PORT:-29516}
D=$(mktemp -d /tmp/edge-profile.XXXXXX)
cat >"$D/gw.yaml" <<EOF
site: bench
gateway: gw-bench
dataDir: $D/data
inputs:
  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:$GW_PORT"}
buffer: {maxBytes: 8GiB, overflow: drop-oldest, sync: none}
uplink: {bootstrapServers: "$KAFKA_BOOTSTRAP", delivery: exactly-once, compression: zstd}
EOF
"$PEERDIR/kafka.sh" reset
JAVA_OPTS="-XX:StartFlightRecording=filename=$D/gw.jfr,settings=profile,dumponexit=true $EXTRA" \
  "$ROOT/packaging/target/edge-gateway/bin/edge-gateway" run --config "$D/gw.yaml" >"$D/gw.out" 2>"$D/gw.err" &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until grep -q ready "$D/gw.err"; do sleep 0.1; done
T0=$(now_ms)
loggen -i -S -P -s 200 -n "$COUNT" -r 10000000 -I 100000 127.0.0.1 "$GW_PORT" >"$D/loggen.log" 2>&1 || true
T1=$(now_ms)
until [ "$("$PEERDIR/kcount.sh" --offset telemetry.syslog)" -ge "$COUNT" ]; do sleep 0.5; done
T2=$(now_ms)
echo "sent in $((T1 - T0)) ms, offsets >= $COUNT after $((T2 - T0)) ms; $(awk '/^VmHWM|^RssAnon|^RssFile/ {printf "%s %s ", $1, $2}' /proc/$PID/status)"
echo "== CPU seconds by thread (utime+stime from /proc/$PID/task)"
for t in /proc/$PID/task/*; do
  awk -v h="$(getconf CLK_TCK)" '{ c = $0; sub(/^[0-9]+ \(/, "", c); sub(/\) .*/, "", c); n = split($0, f, ") "); split(f[n], g, " ");
    printf "%.2f %s\n", (g[12] + g[13]) / h, c }' "$t/stat"
done | sed 's/[-0-9]*$//' | awk '{ s[$2 " " $3 " " $4] += $1 } END { for (k in s) printf "%7.2f %s\n", s[k], k }' | sort -rn | head -15
kill -TERM $PID; wait $PID || true
jfr print --events jdk.ExecutionSample --stack-depth 1 "$D/gw.jfr" >"$D/samples.txt"
echo "== samples by thread"
grep -o 'sampledThread = "[^"]*' "$D/samples.txt" | sed 's/sampledThread = "//; s/[-0-9]*$//' | sort | uniq -c | sort -rn | head -12
echo "== top frames"
grep -A1 'stackTrace = \[' "$D/samples.txt" | grep -v -e 'stackTrace' -e '^--' | sed 's/line:.*//; s/^ *//' | sort | uniq -c | sort -rn | head -25
jfr print --events jdk.ExecutionSample --stack-depth 12 "$D/gw.jfr" >"$D/samples12.txt"
echo "== frames anywhere in the top 12 (inclusive)"
grep -E '^\s+[a-z].*line:' "$D/samples12.txt" | sed 's/line:.*//; s/^ *//; s/(.*//' | sort | uniq -c | sort -rn | head -30
echo "== GC"
jfr summary "$D/gw.jfr" | grep -E 'GarbageCollection|ExecutionSample ' || true
echo "recording: $D/gw.jfr"
