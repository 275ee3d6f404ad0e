#!/usr/bin/env bash
# The demo: builds everything, then starts an embedded Kafka broker, an embedded MQTT broker, the packaged gateway, simulated
# site traffic with an uplink outage, the packaged cloud-aggregator with 12 simulated sites and an upstream failure, and
# prints what arrives in Kafka, the dashboard URL and its login, and the alarms. Options: --seconds N (default 120),
# --linger N (keep everything running N seconds more to look at the dashboard).
set -euo pipefail
cd "$(dirname "$0")"
# no colour codes: -Dstyle.color=never, and jansi.noreset for the reset codes Maven 3.8 writes even in batch mode
MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -B -q -Dstyle.color=never -DskipTests install
exec java -cp "demo/target/demo/lib/*" net.edgegw.demo.Demo --dist packaging/target/edge-gateway \
  --aggregator-dist cloud-aggregator/target/cloud-aggregator "$@"
