# Stand-in for gcr.io/distroless/static-debian12:nonroot (collector/Dockerfile's RUNTIME_IMAGE): the local Debian
# base with distroless' non-root user, 65532, which the image runs as.
ARG BASE=genops-local/debian:bookworm
FROM ${BASE}
RUN groupadd -g 65532 nonroot && useradd -u 65532 -g 65532 -d /home/nonroot -m -s /sbin/nologin nonroot
USER 65532:65532
WORKDIR /home/nonroot
