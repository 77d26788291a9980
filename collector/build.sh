#!/bin/sh
# Builds the GenOps collector from builder-config.yaml: the one recipe behind collector/Dockerfile and the devstack's
# local build (packages/devstack/src/install/collector.ts), so the binary the tests run is built as the image's is.
#
#   build.sh <folder holding builder-config.yaml> <output binary>
#
# Needs `go` and the OpenTelemetry Collector Builder of the manifest's release (`builder` on PATH, or $OCB). The
# builder generates the sources; go.mod is written here and resolved with `go mod tidy -e`, because the builder's own
# strict `go mod tidy` also resolves the test-only dependencies of every component (e.g. contrib's pkg/golden), which
# a module mirror need not serve. The binary is static (CGO off) and reproducible (-trimpath).
set -eu
work=$1
out=$2
cd "$work"
"${OCB:-builder}" --config builder-config.yaml --skip-compilation --skip-get-modules
core=$(sed -n 's|^ *- gomod: go.opentelemetry.io/collector/receiver/otlpreceiver \(v[^ ]*\).*|\1|p' builder-config.yaml)
[ -n "$core" ] || { echo "builder-config.yaml must include go.opentelemetry.io/collector/receiver/otlpreceiver" >&2; exit 1; }
{
  printf 'module github.com/genops/otelcol-genops\n\ngo 1.25.0\n\nrequire (\n'
  sed -n 's|^ *- gomod: \([^ ]*\) \(v[^ ]*\).*|\t\1 \2|p' builder-config.yaml
  printf '\tgo.opentelemetry.io/collector/otelcol %s\n)\n' "$core"
} > build/go.mod
cd build
go mod tidy -e
CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$out" .
