"""Address ranges the IETF/IANA define, which Azure's and Kubernetes' rules build on.

Sources: the IANA IPv4 Special-Purpose Address Registry
(https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry.xhtml, RFC 6890),
RFC 1918 (private internets), RFC 6598 (shared address space), RFC 5737 (documentation ranges).
"""

from __future__ import annotations

RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")  # https://www.rfc-editor.org/rfc/rfc1918
SHARED_ADDRESS_SPACE = "100.64.0.0/10"  # carrier-grade NAT, https://www.rfc-editor.org/rfc/rfc6598
LINK_LOCAL = "169.254.0.0/16"  # https://www.rfc-editor.org/rfc/rfc3927
LOOPBACK = "127.0.0.0/8"
THIS_NETWORK = "0.0.0.0/8"
MULTICAST = "224.0.0.0/4"
RESERVED_FUTURE_USE = "240.0.0.0/4"

# Blocks whose addresses are not globally reachable (IANA special-purpose registry, "Globally Reachable" =
# False, at /8-or-wider granularity): what "reachable by the public internet" excludes.
NOT_GLOBALLY_REACHABLE = (*RFC1918, SHARED_ADDRESS_SPACE, LINK_LOCAL, LOOPBACK, THIS_NETWORK, MULTICAST,
                          RESERVED_FUTURE_USE)

TEST_NET_2 = "198.51.100.0/24"  # documentation range, https://www.rfc-editor.org/rfc/rfc5737

# DNS queries go to port 53, over UDP first (TCP for truncated answers). https://www.rfc-editor.org/rfc/rfc1035
# https://www.rfc-editor.org/rfc/rfc7766
DNS_PORT = 53
# glibc's stub resolver without resolv.conf options: 5 s per try, 2 tries per nameserver (RES_TIMEOUT,
# RES_DFLRETRY). https://man7.org/linux/man-pages/man5/resolv.conf.5.html
RESOLVER_TIMEOUT_S = 5
RESOLVER_ATTEMPTS = 2
