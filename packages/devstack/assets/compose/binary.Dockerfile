# Stand-in for the official image of a Go project we build ourselves (Jaeger, Prometheus, Alertmanager): the binary
# at /bin/<name> as the entrypoint, run as nobody from a writable working folder (Prometheus' /prometheus, …).
ARG BASE=genops-local/debian:bookworm
FROM ${BASE}
ARG NAME
ARG WORKDIR=/data
COPY ${NAME} /bin/${NAME}
RUN mkdir -p ${WORKDIR} && chown nobody:nogroup ${WORKDIR} && ln -s /bin/${NAME} /entrypoint
WORKDIR ${WORKDIR}
# What Jaeger's own image sets: its default config listens on this host (localhost otherwise). Others ignore it.
ENV JAEGER_LISTEN_HOST=0.0.0.0
USER nobody
ENTRYPOINT ["/entrypoint"]
