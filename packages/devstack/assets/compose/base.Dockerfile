# The base of every stand-in: Debian bookworm from debootstrap, trusting what this machine trusts (its egress to the
# package registries may present a local CA, in ca-certificates.crt and local-ca/).
ARG ROOTFS=genops-local/debootstrap:bookworm
FROM ${ROOTFS}
COPY local-ca/ /usr/local/share/ca-certificates/
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["/bin/sh"]
