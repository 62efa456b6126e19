"""Offline hook: refuse network connections and name look-ups except to loopback addresses.

Put on ``PYTHONPATH`` by ``tests/offline/offline.py`` when no network namespace can be made;
every Python process started with it (pytest, each Jupyter kernel) then behaves as if the
machine had no network, while kernels still reach their server over 127.0.0.1.
"""

import ipaddress
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_real_connect, _real_connect_ex = socket.socket.connect, socket.socket.connect_ex
_real_sendto, _real_getaddrinfo = socket.socket.sendto, socket.getaddrinfo


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths, netlink tuples of ints
        return True
    host = address[0]
    if not isinstance(host, str):
        return True
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(address):
    raise OSError(101, f"Network is unreachable (rseai offline test: {address!r} blocked)")


def _connect(self, address):
    return _real_connect(self, address) if _is_local(address) else _refuse(address)


def _connect_ex(self, address):
    return _real_connect_ex(self, address) if _is_local(address) else 101


def _sendto(self, data, *args):
    address = args[-1]
    return _real_sendto(self, data, *args) if _is_local(address) else _refuse(address)


def _getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or _is_local((name, 0)):
        return _real_getaddrinfo(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, f"rseai offline test: no name look-ups ({name!r})")


socket.socket.connect = _connect
socket.socket.connect_ex = _connect_ex
socket.socket.sendto = _sendto
socket.getaddrinfo = _getaddrinfo
