# Stand-in for node:24-bookworm (BUILD_TOOLS=true: python3, make, g++ like the full image) and -slim.
ARG BASE=genops-local/debian:bookworm
FROM ${BASE}
ARG BUILD_TOOLS=false
RUN if [ "$BUILD_TOOLS" = true ]; then \
      apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*; \
    fi
COPY node/bin/node /usr/local/bin/node
COPY node/include /usr/local/include
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/sh node
# Native addons build against these headers (node-gyp would fetch them from nodejs.org, unreachable here).
ENV npm_config_nodedir=/usr/local
CMD ["node"]
