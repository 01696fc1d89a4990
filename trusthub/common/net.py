"""Loopback hosts: the one answer to "does this host name or address stay on this
machine?", used where that is a security boundary (the sandbox server binds only there, the
Twilio target's base-URL hook reaches only there, status callbacks are delivered only there)
and by the status-callback rule.
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or the name `localhost`, by its text alone.

    Loopback: 127.0.0.0/8, ::1, IPv4-mapped ::ffff:127.x.x.x, an IPv6 address in brackets
    (`[::1]`, as a URL writes it), and `localhost` itself, in any case and with or without
    the trailing dot of a fully qualified name. Anything else is not: `localhost.evil.com`,
    `127.0.0.1.evil.com`, other spellings the resolver might accept (`127.1`, `0x7f.1`),
    and the empty string.
    """
    if host.lower() in ("localhost", "localhost."):
        return True
    address = _address(host)
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # Python before 3.13 does not count ::ffff:127.0.0.1 as loopback.
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def resolves_to_loopback(host: str) -> bool:
    """`is_loopback`, and for the name `localhost` also that the resolver maps it to
    loopback addresses only: for a caller about to connect by name on a machine whose
    hosts file might say otherwise."""
    if not is_loopback(host):
        return False
    if _address(host) is not None:
        return True  # an address: nothing to resolve
    import socket  # here: most callers never resolve a name

    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(is_loopback(str(info[4][0])) for info in infos)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address `host` writes, or None; brackets only around an IPv6 address."""
    try:
        if host.startswith("[") and host.endswith("]"):
            return ipaddress.IPv6Address(host[1:-1])
        return ipaddress.ip_address(host)
    except ValueError:
        return None
