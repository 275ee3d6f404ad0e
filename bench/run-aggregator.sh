#!/usr/bin/env bash
# Benchmark of the cloud aggregator's health topology (Kafka Streams, exactly-once v2); each mode starts its own
# embedded KRaft broker (child JVM, testkit EmbeddedKafka) under $OUT/<mode>/broker.
#
#   bench/run-aggregator.sh throughput [COUNT] [SITES] [ROUNDS]   pre-produced COUNT envelopes (default 1000000 over
#                                      500 sites, 3 rounds): read_committed decode baseline (1 and 2 consumers) vs
#                                      the aggregator (1 and 2 stream threads), outcome verified on health.sites
#   bench/run-aggregator.sh latency [RATE] [SECONDS] [SITES]     live RATE envelopes/s (5000), a link-down trigger
#                                      every 100 ms for SECONDS (60) over SITES (500): event-to-alarm latency with
#                                      correlation.holdDown 0 and 20 s (the default)
#   bench/run-aggregator.sh fleet [SITES] [SECONDS]              SITES gateways (10000) heartbeating every 5 s +
#                                      1000 envelopes/s, SECONDS (180) steady, then one upstream of 50 sites fails
#   bench/run-aggregator.sh coldstart [SITES] [BACKLOG_SECONDS] SITES (2000, upstreams of 50) with BACKLOG_SECONDS (300)
#                                      of history queued (heartbeats every 5 s + 2000 envelopes/s; one upstream's 50
#                                      sites silent for the last 120 s) before a fresh aggregator starts: catch-up,
#                                      false vs true UNREACHABLE, incidents
#   bench/run-aggregator.sh all                                  throughput, latency, fleet with the defaults
#
# Needs: mvn -B -o -q install -DskipTests -pl cloud-aggregator; mvn -B -o -q package -DskipTests -pl bench
# Output: RESULT / SUMMARY lines on stdout and in $OUT/<mode>.out (stderr: $OUT/<mode>.err), under
# $OUT (default /tmp/bench-out/aggregator). Env: JAVA_OPTS (bench JVM; default -Xmx2g), EXTRA_ARGS (passed to the
# tool, e.g. "--threads 2" or "--child-jfr /tmp/agg.jfr").
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT=${OUT:-/tmp/bench-out/aggregator}
CP="$ROOT/bench/target/bench.jar:$ROOT/bench/target/lib/*"
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
EXTRA_ARGS=${EXTRA_ARGS:-}

[ -f "$ROOT/bench/target/bench.jar" ] || { echo "no bench/target/bench.jar: build first (see the header)" >&2; exit 1; }
ls "$ROOT"/bench/target/lib/cloud-aggregator-*.jar >/dev/null 2>&1 \
  || { echo "bench/target/lib has no cloud-aggregator jar: build first (see the header)" >&2; exit 1; }
mkdir -p "$OUT"

# quiet logging: Kafka clients log every CONCURRENT_TRANSACTIONS retry of an exactly-once commit at WARN
cat >"$OUT/logback.xml" <<'EOF'
<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <logger name="org.apache.kafka.clients.producer.internals" level="ERROR"/>
  <logger name="org.apache.kafka.streams.processor.internals.StateDirectory" level="ERROR"/>
  <logger name="org.apache.kafka.streams.StreamsConfig" level="ERROR"/>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
EOF

run() { # MODE ARGS...
  local mode=$1; shift
  echo "== $mode $* (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(date -Is))" | tee -a "$OUT/$mode.out"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -Dlogback.configurationFile="$OUT/logback.xml" -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener \
    -cp "$CP" net.edgegw.bench.aggregator.AggregatorBench "$mode" --out "$OUT" "$@" $EXTRA_ARGS \
    2> >(tee -a "$OUT/$mode.err" | grep -v '^\s*at ' >&2) | tee -a "$OUT/$mode.out"
  echo "== $mode done (load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -Is))" | tee -a "$OUT/$mode.out"
}

mode=${1:-}
case "$mode" in
  throughput) run throughput --count "${2:-1000000}" --sites "${3:-500}" --rounds "${4:-3}" ;;
  latency)    run latency --rate "${2:-5000}" --seconds "${3:-60}" --sites "${4:-500}" ;;
  fleet)      run fleet --sites "${2:-10000}" --seconds "${3:-180}" ;;
  coldstart)  run coldstart --sites "${2:-2000}" --backlog "${3:-300}" ;;
  all)
    run throughput --count 1000000 --sites 500 --rounds 3
    run latency --rate 5000 --seconds 60 --sites 500
    run fleet --sites 10000 --seconds 180 ;;
  *) sed -n '2,24p' "$0" >&2; exit 2 ;;
esac
