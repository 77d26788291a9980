# Stand-in for apache/kafka: KRaft from Maven Central's jars, configured from KAFKA_* variables.
ARG BASE=genops-local/debian:bookworm
FROM ${BASE}
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless && rm -rf /var/lib/apt/lists/* \
 && groupadd -g 1000 appuser && useradd -u 1000 -g appuser -M appuser \
 && mkdir -p /var/lib/kafka/data /opt/kafka/config && chown -R appuser:appuser /var/lib/kafka /opt/kafka/config
COPY libs /opt/kafka/libs
COPY kafka-entrypoint.sh /opt/kafka/bin/kafka-entrypoint.sh
COPY kafka-broker-api-versions.sh /opt/kafka/bin/kafka-broker-api-versions.sh
USER appuser
ENTRYPOINT ["/opt/kafka/bin/kafka-entrypoint.sh"]
