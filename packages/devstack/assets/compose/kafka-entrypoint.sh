#!/bin/sh
# Like the official image: every KAFKA_X_Y variable becomes x.y in server.properties; storage is formatted once.
set -eu
props=/opt/kafka/config/server.properties
: > "$props"
env | grep '^KAFKA_' | while IFS='=' read -r key value; do
  echo "$(echo "${key#KAFKA_}" | tr 'A-Z_' 'a-z.')=$value" >> "$props"
done
grep -q '^log.dirs=' "$props" || echo 'log.dirs=/var/lib/kafka/data' >> "$props"
dir=$(sed -n 's/^log.dirs=//p' "$props")
if [ ! -f "$dir/meta.properties" ]; then
  java -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$props"
fi
exec java -Xms256m -Xmx512m -cp '/opt/kafka/libs/*' kafka.Kafka "$props"
