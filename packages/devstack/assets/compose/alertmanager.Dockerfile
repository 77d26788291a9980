# Stand-in for prom/alertmanager: Debian's build, same entrypoint contract (flags from compose), run as nobody.
ARG BASE=genops-local/debian:bookworm
FROM ${BASE}
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus-alertmanager && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /alertmanager && chown nobody:nogroup /alertmanager
WORKDIR /alertmanager
USER nobody
ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]
