#!/usr/bin/env bash
# Loopback route that makes the kernel ACK at once on 127.0.0.2 (shared/research/feasibility.md §2).
# Debian's vpcd 0.8 sends each message's 2-byte length and body in two send() calls without TCP_NODELAY,
# so with delayed ACKs every APDU costs ~44 ms; with this route ~0.35 ms. Needs root; not persistent.
# The virtual cards connect to 127.0.0.2 when this route exists, to 127.0.0.1 otherwise.
# usage: quickack.sh add|del|status
set -u
ROUTE=(local 127.0.0.2/32 dev lo proto kernel scope host src 127.0.0.1 table local)
case "${1:-status}" in
  add) ip route replace "${ROUTE[@]}" quickack 1 ;;
  del) ip route del local 127.0.0.2/32 table local ;;
  status) ip route show table local 127.0.0.2/32 | grep -q quickack && echo on || echo off ;;
  *) echo "usage: $0 add|del|status" >&2; exit 2 ;;
esac
