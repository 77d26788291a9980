# Stand-in for golang:1.26-bookworm (collector/Dockerfile's GO_IMAGE): this machine's Go toolchain on the local
# Debian base, laid out as the official image (GOROOT /usr/local/go, GOPATH /go). go-build/ is the devstack's Go build
# cache of the same recipe's compile (collector/build.sh), and GOCACHE points at it, so the image's compile reuses it
# (the Dockerfile's cache mount at Go's default location then stays unused): CI builds the collector once, not twice.
ARG BASE=genops-local/debian:bookworm
FROM ${BASE}
COPY go/ /usr/local/go/
COPY go-build/ /var/cache/go-build/
ENV GOPATH=/go \
    GOCACHE=/var/cache/go-build \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /go/bin /go/src
WORKDIR /go
