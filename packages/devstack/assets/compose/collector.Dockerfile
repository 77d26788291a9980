# Stand-in for collector/Dockerfile's image: the same runtime stage around the devstack's build of the same manifest.
ARG BASE=genops-local/debian:bookworm
FROM ${BASE}
COPY otelcol-genops /otelcol-genops
COPY config.yaml /etc/otelcol/config.yaml
COPY overlays/ /etc/otelcol/overlays/
RUN mkdir -p /var/lib/otelcol/file_storage && chown 65532:65532 /var/lib/otelcol/file_storage
USER 65532:65532
VOLUME ["/var/lib/otelcol/file_storage"]
EXPOSE 4317 4318 8888 8889 13133
ENTRYPOINT ["/otelcol-genops"]
CMD ["--config=/etc/otelcol/config.yaml"]
