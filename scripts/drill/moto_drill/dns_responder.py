"""A loopback UDP DNS responder that answers what route53_dns.py says Route 53 would answer.

Patches no moto file: it reads moto's hosted zones through route53_dns.py. Started by __main__.py
on a free port of 127.0.0.1 (GET /drill/state gives it as dnsPort), it stands for both servers a
function like dns-view asks: the network's recursive resolver and the zone's authoritative name
servers. A name of a seeded zone gets Route 53's answer (A, AAAA, NS, CNAME; an alias or CNAME chain
answered as A or AAAA records under the name asked, authoritative); a name server of a seeded zone
(its NS values, such as ns-2048.awsdns-64.com) resolves to 127.0.0.1, this responder; anything
else is REFUSED. The wire format (RFC 1035: one question, no EDNS, no TCP) is written here.
"""

from __future__ import annotations

import socket
import struct
import threading

from .route53_dns import answer, name_servers
from .route53_health import dns_name

_TYPES = {1: "A", 2: "NS", 5: "CNAME", 28: "AAAA"}
_RCODES = {"NOERROR": 0, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5}
_TTL = 10  # seconds: dns-view asks again every sample, the drill's clock is virtual anyway

PORT: int | None = None  # set by start()


def _read_name(packet: bytes, offset: int) -> tuple[str, int]:
    labels = []
    while packet[offset]:
        length = packet[offset]
        labels.append(packet[offset + 1 : offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    return ".".join(labels), offset + 1


def _name(name: str) -> bytes:
    return b"".join(bytes([len(label)]) + label.encode("ascii") for label in dns_name(name).split(".") if label) + b"\0"


def _rdata(rtype: str, value: str) -> bytes:
    if rtype == "A":
        return socket.inet_pton(socket.AF_INET, value)
    if rtype == "AAAA":
        return socket.inet_pton(socket.AF_INET6, value)
    return _name(value)


def respond(query: bytes) -> bytes | None:
    """The response to one query packet, or None for a packet that is not a query."""
    if len(query) < 12:
        return None
    ident, flags, questions = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or questions != 1:
        return None
    qname, offset = _read_name(query, 12)
    qtype, qclass = struct.unpack("!HH", query[offset : offset + 4])
    question = query[12 : offset + 4]
    rtype = _TYPES.get(qtype)
    values, rcode, authoritative = [], "NOTIMP", False
    if rtype is not None and qclass == 1:
        if dns_name(qname) in name_servers():
            values, rcode = (["127.0.0.1"] if rtype == "A" else []), "NOERROR"
        else:
            result = answer(qname, rtype)
            values, rcode, authoritative = result["values"], result["rcode"], result["rcode"] != "REFUSED"
    records = b"".join(
        b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, _TTL, len(data)) + data
        for data in (_rdata(rtype or "", value) for value in values)
    )
    reply_flags = 0x8000 | (flags & 0x7900) | (0x0400 if authoritative else 0) | 0x0080 | _RCODES.get(rcode, 2)
    return struct.pack("!HHHHHH", ident, reply_flags, 1, len(values), 0, 0) + question + records


def start(host: str = "127.0.0.1") -> int:
    """Starts the responder on a free UDP port of `host`; returns the port."""
    global PORT
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    PORT = sock.getsockname()[1]

    def serve() -> None:
        while True:
            packet, peer = sock.recvfrom(4096)
            try:
                reply = respond(packet)
            except Exception:  # a bug or a packet the drill does not read: SERVFAIL, never a hang
                reply = packet[:2] + b"\x81\x82" + packet[4:6] + b"\0\0\0\0\0\0" + packet[12:] if len(packet) >= 12 else None
            if reply is not None:
                sock.sendto(reply, peer)

    threading.Thread(target=serve, name="drill-dns", daemon=True).start()
    return PORT
