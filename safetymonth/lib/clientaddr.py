"""The client's address behind a known number of reverse proxies (no Django here).

Each proxy appends the address it received the request from to ``X-Forwarded-For``. Only the
entries our own proxies wrote can be trusted: with ``proxy_count`` proxies in front, the client is
the ``proxy_count``-th entry from the right. Anything further left was sent by the client itself and
may be forged, so it is never read.
"""

from __future__ import annotations

import ipaddress


def client_address(remote_addr: str, forwarded_for: str, proxy_count: int) -> str | None:
    """The normalised client address, or None when the trusted value is not an IP address."""
    candidate = remote_addr
    if proxy_count > 0 and forwarded_for:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        if len(hops) >= proxy_count:
            candidate = hops[-proxy_count]
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None
