#!/usr/bin/env bash
# End-to-end benchmark of the packaged edge-gateway against the peer forwarders (rsyslog, syslog-ng) of
# /work/shared/bench/peers, on the same machine, back to back, with the same load and the same broker.
#
#   bench/run-e2e.sh e2e    [ROUNDS] [COUNT]   peers + gateway (loggen, counted with kcount.sh) + gateway (LoadTool)
#   bench/run-e2e.sh ingest [ROUNDS] [COUNT]   ingest into the durable buffer with the uplink down (closed port)
#   bench/run-e2e.sh tcp-ingest [ROUNDS] [COUNT]  per round: syslog ingest, then TCP ndjson ingest (TcpLoadTool)
#   bench/run-e2e.sh drain  [COUNT]            build a COUNT backlog with the broker down, start it, sample VmRSS
#   bench/run-e2e.sh jmh                       SyslogParserBench + BufferAppendBench (-f 1 -wi 2 -i 3)
#   bench/run-e2e.sh all                       e2e 3 300000, ingest 3 1000000, drain 2000000, jmh
#
# Needs: `mvn -B -o -q install -DskipTests` done (packaging/target/edge-gateway, bench/target/bench.jar + lib/).
# Results: RESULT lines on stdout, rows appended to $RESULTS (default /tmp/peerbench/results.tsv, the harness's
# file and format; our rows have peer=edge-gateway / edge-gateway-loadtool / kind=ingest|drain), logs in $OUT.
# Env: GW_PORT (29516), JAVA_OPTS (passed to the gateway), PEERS_TO_RUN ("rsyslog-disk syslog-ng rsyslog"),
# IDLE_S (60), MSG_SIZE (200).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERDIR=/work/shared/bench/peers
. "$PEERDIR/common.sh"   # WORKDIR, KAFKA_BOOTSTRAP, RESULTS, loggen, wait_port, now_ms, log, die

GW_HOME="$ROOT/packaging/target/edge-gateway"
BENCH_CP="$ROOT/bench/target/bench.jar:$ROOT/bench/target/lib/*"
GW_PORT=${GW_PORT:-29516}
IDLE_S=${IDLE_S:-60}
MSG_SIZE=${MSG_SIZE:-200}
GW_TOPIC=telemetry.syslog
PEERS_TO_RUN=${PEERS_TO_RUN:-"rsyslog-disk syslog-ng rsyslog"}
OUT=${OUT:-$(mktemp -d /tmp/edge-bench.XXXXXX)}
GW_PID=

[ -x "$GW_HOME/bin/edge-gateway" ] || die "no gateway distribution at $GW_HOME: run mvn -B -o -q install -DskipTests"
[ -f "$ROOT/bench/target/bench.jar" ] || die "no bench/target/bench.jar: run mvn -B -o -q install -DskipTests"

ensure_peers() {
  if ! command -v kcat >/dev/null || ! command -v rsyslogd >/dev/null || [ ! -x "$SYSLOGNG_PREFIX_DIR/usr/bin/loggen" ] \
     || [ ! -d "$KAFKA_DIR/lib" ]; then
    log "installing the peer harness (apt, may take minutes)"
    bash "$PEERDIR/install.sh"
  fi
}

# gw_config FILE BOOTSTRAP DATADIR : durable buffer, exactly-once, zstd, one syslog TCP input
gw_config() {
  cat >"$1" <<EOF
site: bench
gateway: gw-bench
dataDir: $3
inputs:
  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:$GW_PORT"}
buffer: {maxBytes: 8GiB, overflow: drop-oldest, sync: none}
uplink: {bootstrapServers: "$2", delivery: exactly-once, compression: zstd}
heartbeat: {interval: 1s}
EOF
}

# gw_start CONFIG LOGPREFIX : start the packaged gateway, wait for "ready"
gw_start() {
  "$GW_HOME/bin/edge-gateway" run --config "$1" >"$2.out" 2>"$2.err" &
  GW_PID=$!
  local i=0
  until grep -q "ready" "$2.err" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 600 ] && die "gateway not ready: $(tail -5 "$2.err")"
    kill -0 "$GW_PID" 2>/dev/null || die "gateway exited: $(tail -5 "$2.err")"
    sleep 0.1
  done
}
gw_stop() {
  [ -n "$GW_PID" ] || return 0
  kill -TERM "$GW_PID" 2>/dev/null || true
  local i=0
  while kill -0 "$GW_PID" 2>/dev/null; do i=$((i + 1)); [ $i -gt 600 ] && kill -9 "$GW_PID"; sleep 0.1; done
  GW_PID=
}
# like peer.sh stats: peak RSS (VmHWM), current RSS, CPU seconds (utime + stime)
gw_stats() {
  local pid=$GW_PID hwm rss ticks
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
  echo "pid=$pid hwm_kb=${hwm:-0} rss_kb=${rss:-0} cpu_s=$(awk -v t="$ticks" -v h="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / h}')"
}
trap 'gw_stop' EXIT
kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
row() { # kind peer count rate sent unique missing dup e2e_s e2e_msgs_s ingest_msgs_s peak_rss_mb cpu_s complete
  [ -s "$RESULTS" ] || printf 'kind\tpeer\tcount\trate\tsent\tunique\tmissing\tdup\te2e_s\te2e_msgs_s\tingest_msgs_s\tpeak_rss_mb\tcpu_s\tcomplete\twhen\n' >"$RESULTS"
  printf '%s\t' "$@" >>"$RESULTS"; date -Is >>"$RESULTS"
}

# wait_delivered TOPIC EXPECTED_UNIQUE : as run.sh; leaves the last kcount line in $KC
wait_delivered() {
  local topic=$1 want=$2 last_off=-1 last_change=$SECONDS off
  while :; do
    off=$("$PEERDIR/kcount.sh" --offset "$topic")
    if [ "$off" != "$last_off" ]; then last_off=$off; last_change=$SECONDS; fi
    if [ "$off" -ge "$want" ]; then
      KC=$("$PEERDIR/kcount.sh" "$topic" "$want")
      [ "$(kv unique "$KC")" -ge "$want" ] && return 0
    fi
    if [ $((SECONDS - last_change)) -ge "$IDLE_S" ]; then KC=$("$PEERDIR/kcount.sh" "$topic" "$want"); return 1; fi
    sleep 0.5
  done
}

warmup() { # one non-loggen record through the gateway, as run.sh does, so topic creation is not timed
  local W='<14>1 - bench warmup - - - warmup'
  printf '%d %s' "${#W}" "$W" >"/dev/tcp/127.0.0.1/$GW_PORT"
  for _ in $(seq 1 300); do [ "$("$PEERDIR/kcount.sh" --offset "$GW_TOPIC")" -ge 1 ] && return 0; sleep 0.1; done
  die "gateway warm-up record never reached Kafka"
}

# gateway, loggen load, counted with kcount.sh: the same procedure and formulas as peers/run.sh
gw_run_loggen() {
  local count=$1 rate=max d="$OUT/gw-loggen-$(date +%H%M%S)"
  mkdir -p "$d"
  "$PEERDIR/kafka.sh" reset
  gw_config "$d/gw.yaml" "$KAFKA_BOOTSTRAP" "$d/data"
  gw_start "$d/gw.yaml" "$d/gw"
  warmup
  log "sending $count x ${MSG_SIZE}B to edge-gateway at max msg/s (loggen)"
  local T0 T_SENT SENT ok STATS
  T0=$(now_ms)
  loggen -i -S -P -s "$MSG_SIZE" -n "$count" -r 10000000 -I 100000 127.0.0.1 "$GW_PORT" >"$d/loggen.log" 2>&1 || true
  T_SENT=$(now_ms)
  SENT=$(sed -n 's/.*count=\([0-9]*\).*/\1/p' "$d/loggen.log" | tail -1); SENT=${SENT:-0}
  log "loggen done: sent=$SENT in $((T_SENT - T0)) ms; waiting for Kafka"
  wait_delivered "$GW_TOPIC" "$SENT" && ok=yes || ok=no
  STATS=$(gw_stats)
  gw_stop
  local UNIQUE DUP LAST E2E_MS THR SEND_RATE HWM_MB CPU_S
  UNIQUE=$(kv unique "$KC"); DUP=$(kv dup "$KC"); LAST=$(kv last_ts "$KC")
  E2E_MS=$((LAST - T0))
  THR=$(awk -v n="$UNIQUE" -v ms="$E2E_MS" 'BEGIN {printf "%.0f", (ms > 0 ? n * 1000 / ms : 0)}')
  SEND_RATE=$(awk -v n="$SENT" -v ms="$((T_SENT - T0))" 'BEGIN {printf "%.0f", (ms > 0 ? n * 1000 / ms : 0)}')
  HWM_MB=$(awk -v k="$(kv hwm_kb "$STATS")" 'BEGIN {printf "%.1f", k / 1024}')
  CPU_S=$(kv cpu_s "$STATS")
  echo "$KC" >"$d/kcount.txt"
  printf 'RESULT run peer=edge-gateway count=%s rate=max sent=%s delivered_unique=%s missing=%s dup=%s e2e_s=%.2f e2e_msgs_per_s=%s ingest_msgs_per_s=%s peak_rss_mb=%s cpu_s=%s complete=%s\n' \
    "$count" "$SENT" "$UNIQUE" "$((SENT - UNIQUE))" "$DUP" "$(awk -v m="$E2E_MS" 'BEGIN {print m / 1000}')" \
    "$THR" "$SEND_RATE" "$HWM_MB" "$CPU_S" "$ok" | tee "$d/result.txt"
  row run edge-gateway "$count" max "$SENT" "$UNIQUE" "$((SENT - UNIQUE))" "$DUP" \
    "$(awk -v m="$E2E_MS" 'BEGIN {printf "%.2f", m / 1000}')" "$THR" "$SEND_RATE" "$HWM_MB" "$CPU_S" "$ok"
}

# gateway, LoadTool load (same size, one connection, octet counting): adds latency percentiles
gw_run_loadtool() {
  local count=$1 d="$OUT/gw-loadtool-$(date +%H%M%S)"
  mkdir -p "$d"
  "$PEERDIR/kafka.sh" reset
  gw_config "$d/gw.yaml" "$KAFKA_BOOTSTRAP" "$d/data"
  gw_start "$d/gw.yaml" "$d/gw"
  warmup
  local L STATS
  java -cp "$BENCH_CP" net.edgegw.bench.LoadTool --port "$GW_PORT" --count "$count" --size "$MSG_SIZE" --rate max \
    --bootstrap "$KAFKA_BOOTSTRAP" --topic "$GW_TOPIC" --idle-s "$IDLE_S" >"$d/loadtool.log" 2>&1 || true
  STATS=$(gw_stats)
  gw_stop
  L=$(grep '^LOADTOOL' "$d/loadtool.log" || echo "LOADTOOL failed")
  echo "RESULT loadtool peer=edge-gateway $L peak_rss_mb=$(awk -v k="$(kv hwm_kb "$STATS")" 'BEGIN {printf "%.1f", k / 1024}') cpu_s=$(kv cpu_s "$STATS")" | tee "$d/result.txt"
  row loadtool edge-gateway-loadtool "$count" max "$count" "$(kv unique "$L")" "$(kv missing "$L")" "$(kv dup "$L")" \
    "$(kv e2e_s "$L")" "$(kv e2e_msgs_per_s "$L")" "$(kv ingest_msgs_per_s "$L")" \
    "$(awk -v k="$(kv hwm_kb "$STATS")" 'BEGIN {printf "%.1f", k / 1024}')" "$(kv cpu_s "$STATS")" "$(kv complete "$L")"
}

cmd_e2e() {
  local rounds=${1:-3} count=${2:-300000} r p
  ensure_peers
  log "load average: $(cat /proc/loadavg); output in $OUT"
  for r in $(seq 1 "$rounds"); do
    for p in $PEERS_TO_RUN; do
      log "round $r: $p"
      bash "$PEERDIR/run.sh" "$p" "$count" max | grep '^RESULT' | sed "s/^/round=$r /" || log "$p run failed"
    done
    log "round $r: edge-gateway (loggen)"
    gw_run_loggen "$count" | sed "s/^/round=$r /"
    log "round $r: edge-gateway (LoadTool)"
    gw_run_loadtool "$count" | sed "s/^/round=$r /"
    log "load average after round $r: $(cat /proc/loadavg)"
  done
}

# ingest into the durable buffer with the uplink down: bootstrapServers on a closed port; accepted count from the
# backlog command after a clean stop
cmd_ingest() {
  local rounds=${1:-3} count=${2:-1000000} r d L STATS ACC
  for r in $(seq 1 "$rounds"); do
    d="$OUT/gw-ingest-$r"; mkdir -p "$d"
    gw_config "$d/gw.yaml" "127.0.0.1:29099" "$d/data"
    gw_start "$d/gw.yaml" "$d/gw"
    java -cp "$BENCH_CP" net.edgegw.bench.LoadTool --mode send --port "$GW_PORT" --count "$count" \
      --size "$MSG_SIZE" --rate max >"$d/loadtool.log" 2>&1 || true
    sleep 2   # let the gateway append what is still in the socket buffers
    STATS=$(gw_stats)
    gw_stop
    "$GW_HOME/bin/edge-gateway" backlog --config "$d/gw.yaml" >"$d/backlog.txt" 2>&1 || true
    ACC=$(awk '$1 == "default" {print $2}' "$d/backlog.txt")
    L=$(grep '^LOADTOOL' "$d/loadtool.log" || echo "LOADTOOL failed")
    echo "RESULT ingest round=$r $L buffered=$ACC peak_rss_mb=$(awk -v k="$(kv hwm_kb "$STATS")" 'BEGIN {printf "%.1f", k / 1024}') cpu_s=$(kv cpu_s "$STATS")"
    row ingest edge-gateway "$count" max "$count" "${ACC:-0}" "$((count - ${ACC:-0}))" 0 "$(kv send_s "$L")" \
      "" "$(kv ingest_msgs_per_s "$L")" "$(awk -v k="$(kv hwm_kb "$STATS")" 'BEGIN {printf "%.1f", k / 1024}')" \
      "$(kv cpu_s "$STATS")" "$([ "${ACC:-0}" = "$count" ] && echo yes || echo no)"
    rm -rf "$d/data"
  done
}

# a COUNT backlog built with the broker stopped, then the broker starts: VmRSS every second until drained
cmd_drain() {
  local count=${1:-2000000} d="$OUT/gw-drain" L t0 off maxrss=0 rss hwm n=0
  mkdir -p "$d"
  "$PEERDIR/kafka.sh" reset; "$PEERDIR/kafka.sh" stop
  gw_config "$d/gw.yaml" "$KAFKA_BOOTSTRAP" "$d/data"
  gw_start "$d/gw.yaml" "$d/gw"
  java -cp "$BENCH_CP" net.edgegw.bench.LoadTool --mode send --port "$GW_PORT" --count "$count" \
    --size "$MSG_SIZE" --rate max >"$d/loadtool.log" 2>&1 || true
  L=$(grep '^LOADTOOL' "$d/loadtool.log" || echo "LOADTOOL failed")
  echo "RESULT drain-ingest $L rss_after_ingest_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$GW_PID/status") $(gw_stats)"
  sleep 2
  "$PEERDIR/kafka.sh" start
  t0=$(now_ms)
  echo "t_s rss_kb rss_anon_kb rss_file_kb" >"$d/rss.tsv"
  while :; do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$GW_PID/status")
    [ "$rss" -gt "$maxrss" ] && maxrss=$rss
    echo "$(( ($(now_ms) - t0) / 1000 )) $rss $(awk '/^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {print a, f}' "/proc/$GW_PID/status")" >>"$d/rss.tsv"
    off=$("$PEERDIR/kcount.sh" --offset "$GW_TOPIC" 2>/dev/null || true)   # fails until the topic exists
    [ "${off:-0}" -ge "$count" ] && break
    n=$((n + 1)); [ $n -gt 900 ] && { log "drain did not finish in 900 s"; break; }
    sleep 1
  done
  local drain_ms=$(( $(now_ms) - t0 ))
  sleep 3; hwm=$(gw_stats)
  KC=$("$PEERDIR/kcount.sh" "$GW_TOPIC" "$count" | tee "$d/kcount.txt")
  gw_stop
  echo "RESULT drain count=$count drain_s=$(awk -v m="$drain_ms" 'BEGIN {print m / 1000}') max_rss_mb=$(awk -v k="$maxrss" 'BEGIN {printf "%.1f", k / 1024}') rss_samples=$(($(wc -l <"$d/rss.tsv") - 1)) $hwm kcount: $KC"
  echo "VmRSS MiB per second (t:total/anon/file):"
  awk 'NR > 1 {printf "%s:%.0f/%.0f/%.0f ", $1, $2 / 1024, $3 / 1024, $4 / 1024} END {print ""}' "$d/rss.tsv"
  row drain edge-gateway "$count" max "$count" "$(kv unique "$KC")" "$(kv missing "$KC")" "$(kv dup "$KC")" \
    "$(awk -v m="$drain_ms" 'BEGIN {printf "%.2f", m / 1000}')" "" "" \
    "$(awk -v k="$maxrss" 'BEGIN {printf "%.1f", k / 1024}')" "$(kv cpu_s "$hwm")" "$([ "$(kv missing "$KC")" = 0 ] && echo yes || echo no)"
}

cmd_jmh() {
  # the Chronicle flags the buffer needs on Java 17 (same as the launcher)
  local opens
  opens=$(sed -n 's:.*<chronicle.jvm.args>\(.*\)</chronicle.jvm.args>.*:\1:p' "$ROOT/pom.xml")
  mkdir -p "$OUT/jmh"
  # shellcheck disable=SC2086
  java $opens -Dbench.dir="$OUT/jmh" -cp "$BENCH_CP" org.openjdk.jmh.Main "SyslogParserBench|BufferAppendBench" \
    -f 1 -wi 2 -i 3 -jvmArgsAppend "-Xmx512m $opens -Dbench.dir=$OUT/jmh" -rf text -rff "$OUT/jmh/result.txt" | tee "$OUT/jmh/jmh.log" | grep -E '^(Benchmark|[A-Z][A-Za-z]+Bench\.)'
}

# TCP input (ndjson) ingest into the durable buffer with the uplink down, right after a syslog ingest round with the
# same count and size (cmd_ingest), for comparison in the same run; accepted count from the backlog command
cmd_tcp_ingest() {
  local rounds=${1:-3} count=${2:-1000000} r d L STATS ACC port=$((GW_PORT + 1))
  for r in $(seq 1 "$rounds"); do
    # each round's syslog run in its own directory: a reused gw.err still says "ready" before the new gateway is up
    rm -rf "$OUT/syslog-round-$r"
    OUT="$OUT/syslog-round-$r" cmd_ingest 1 "$count" | sed "s/round=1/round=$r/"
    d="$OUT/gw-tcp-ingest-$r"; rm -rf "$d"; mkdir -p "$d"
    cat >"$d/gw.yaml" <<EOF
site: bench
gateway: gw-bench
dataDir: $d/data
inputs:
  - {type: tcp, name: tcp-ndjson, bind: "127.0.0.1:$port", format: ndjson, hostField: device}
buffer: {maxBytes: 8GiB, overflow: drop-oldest, sync: none}
uplink: {bootstrapServers: "127.0.0.1:29099", delivery: exactly-once, compression: zstd}
heartbeat: {interval: 1s}
EOF
    gw_start "$d/gw.yaml" "$d/gw"
    java -cp "$BENCH_CP" net.edgegw.bench.TcpLoadTool --port "$port" --count "$count" --size "$MSG_SIZE" \
      >"$d/loadtool.log" 2>&1 || true
    sleep 2   # let the gateway append what is still in the socket buffers
    STATS=$(gw_stats)
    gw_stop
    "$GW_HOME/bin/edge-gateway" backlog --config "$d/gw.yaml" >"$d/backlog.txt" 2>&1 || true
    ACC=$(awk '$1 == "default" {print $2}' "$d/backlog.txt")
    L=$(grep '^LOADTOOL' "$d/loadtool.log" || echo "LOADTOOL failed")
    # dead letters land in the same lane, so the buffered count alone cannot tell records from rejected lines: the
    # gateway logs the first rejection of every input and reason at once, so no such line means none was rejected
    REJ=$(grep -c ' rejected [0-9]* record(s) as ' "$d/gw.err" || true)
    OK=$([ "${ACC:-0}" = "$count" ] && [ "${REJ:-0}" = 0 ] && echo yes || echo no)
    echo "RESULT tcp-ingest round=$r $L buffered=$ACC rejection_logs=$REJ complete=$OK peak_rss_mb=$(awk -v k="$(kv hwm_kb "$STATS")" 'BEGIN {printf "%.1f", k / 1024}') cpu_s=$(kv cpu_s "$STATS")"
    [ "$REJ" = 0 ] || grep ' rejected [0-9]* record(s) as ' "$d/gw.err" | head -3 | sed 's/^/  /'
    row tcp-ingest edge-gateway-tcp "$count" max "$count" "${ACC:-0}" "$((count - ${ACC:-0}))" 0 "$(kv send_s "$L")" \
      "" "$(kv ingest_msgs_per_s "$L")" "$(awk -v k="$(kv hwm_kb "$STATS")" 'BEGIN {printf "%.1f", k / 1024}')" \
      "$(kv cpu_s "$STATS")" "$OK"
    rm -rf "$d/data"
  done
}

case ${1:-all} in
  e2e) shift; cmd_e2e "$@" ;;
  ingest) shift; cmd_ingest "$@" ;;
  tcp-ingest) shift; cmd_tcp_ingest "$@" ;;
  drain) shift; cmd_drain "$@" ;;
  jmh) cmd_jmh ;;
  all) cmd_e2e 3 300000; cmd_ingest 3 1000000; cmd_drain 2000000; cmd_jmh ;;
  *) die "usage: run-e2e.sh e2e|ingest|tcp-ingest|drain|jmh|all" ;;
esac
