#!/usr/bin/env bash
# The demo: builds the gateway, then starts an embedded Kafka broker, the packaged gateway, simulated syslog
# traffic and an uplink outage, and prints what arrives in Kafka. Options: --seconds N (default 60).
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests install
exec java -cp "packaging/target/demo/lib/*" net.edgegw.demo.Demo --dist packaging/target/edge-gateway "$@"
