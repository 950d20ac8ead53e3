"""The echo agent: one process serving every pod, VM, internet host and API server namespace.

For each namespace in its configuration it opens sockets *inside* that namespace (setns in this thread,
then back: sockets keep the namespace they were created in, docs.pyroute2.org): TCP and UDP on the echo port
(every other port is redirected there by the namespace's ``aksnet-echo`` nft table, and the original port
is read back with SO_ORIGINAL_DST / IP_ORIGDSTADDR), real UDP sockets on a pod's declared UDP ports (after a
REDIRECT, IP_ORIGDSTADDR reports the rewritten port), real TCP listeners for hostNetwork pods, and DNS on
the CoreDNS pod IPs (answers from the twin's CoreDNS records, engine.coredns; names outside the cluster zone
are forwarded with a real UDP query from the CoreDNS pod's namespace to its upstream, SERVFAIL when none
comes back), and Azure DNS on 168.63.129.16:53 in node and VM namespaces (the VNet's answers). Every answer is the echo
format of DESIGN.md: one ``key=value`` per line (``pod=NS/NAME``, ``pod_ip``, ``port``, ``client_ip``,
and for HTTP ``method``, ``host``, ``request_uri``, ``header.<name>``). A TCP connection whose first byte
is a TLS handshake (0x16) is answered over TLS with the self-signed certificate ``up`` made (dataplane.tls):
backends that terminate TLS themselves, as the twin's ``curl -k https://…`` assumes. Run as
``python -m aksnet.dataplane.echo_agent CONFIG``; it writes its pid file and a ready file (``ready
<generation>``) itself. On SIGHUP it re-reads CONFIG and opens or closes only the sockets of namespaces whose
listener changed or whose namespace was recreated (``agent_ctl``), then writes the new generation.
It must never open a socket in the host's namespace.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import signal
import socket
import ssl
import struct
import sys
import threading
from pathlib import Path
from typing import Any

from aksnet.rules.azure import HOST_VIP
from aksnet.rules.kubernetes import CLUSTER_DOMAIN

SO_ORIGINAL_DST = 80
IP_RECVORIGDSTADDR = 20
HTTP_METHODS = (b"GET ", b"POST ", b"PUT ", b"HEAD ", b"DELETE ", b"PATCH ", b"OPTIONS ")
FORWARD_TIMEOUT = 0.5  # CoreDNS's wait for its upstream here; the prober waits 0.8 s for CoreDNS
_POD_NAME = re.compile(r"^(\d+)-(\d+)-(\d+)-(\d+)\.[^.]+\.pod\.cluster\.local$")


def echo_lines(identity: list[tuple[str, str]], port: int, client_ip: str, protocol: str) -> list[str]:
    return [*(f"{k}={v}" for k, v in identity), f"port={port}", f"protocol={protocol}", f"client_ip={client_ip}"]


def http_response(identity: list[tuple[str, str]], port: int, client_ip: str, request: bytes) -> bytes:
    """Parse one HTTP/1.x request head and answer 200 with the echo body (headers lower-cased)."""
    head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    method, uri = "GET", "/"
    parts = lines[0].split(" ")
    if len(parts) >= 2:
        method, uri = parts[0], parts[1]
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.append((k.strip().lower(), v.strip()))
    host = next((v for k, v in headers if k == "host"), "")
    body_lines = echo_lines(identity, port, client_ip, "TCP")
    body_lines += [f"method={method}", f"host={host}", f"request_uri={uri}"]
    body_lines += [f"header.{k}={v}" for k, v in sorted(headers)]
    body = ("\n".join(body_lines) + "\n").encode()
    if method == "HEAD":
        payload = b""
    else:
        payload = body
    return (f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode() + payload


def _original_port(conn: socket.socket, default: int) -> int:
    try:
        raw = conn.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
        return int(struct.unpack("!H", raw[2:4])[0])
    except OSError:
        return default


TLS_HANDSHAKE = 0x16  # the first byte of a TLS record carrying a ClientHello


def _read_request(conn: socket.socket) -> bytes:
    """What the client sends first: a whole HTTP request head, or whatever arrives within 0.3 s (a plain
    TCP probe sends nothing and reads the echo)."""
    data = b""
    try:
        data = conn.recv(65536)
        if data.startswith(HTTP_METHODS):
            conn.settimeout(2.0)
            while b"\r\n\r\n" not in data and len(data) < 65536:
                more = conn.recv(65536)
                if not more:
                    break
                data += more
    except (TimeoutError, OSError):
        pass
    return data


def _serve_tcp(conn: socket.socket, addr: tuple[str, int], identity: list[tuple[str, str]], port: int,
               tls: ssl.SSLContext | None = None) -> None:
    """Answer one TCP connection; a connection that opens with a TLS handshake is answered over TLS (the
    backend terminates TLS itself) with the same echo."""
    try:
        conn.settimeout(0.3)
        try:
            first = conn.recv(1, socket.MSG_PEEK)
        except (TimeoutError, OSError):
            first = b""
        if tls is not None and first and first[0] == TLS_HANDSHAKE:
            conn.settimeout(2.0)
            try:
                conn = tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                return  # e.g. curl without -k aborts the handshake on our self-signed certificate
            conn.settimeout(0.3)
        data = _read_request(conn) if first else b""
        conn.settimeout(2.0)
        if data.startswith(HTTP_METHODS):
            conn.sendall(http_response(identity, port, addr[0], data))
        else:
            conn.sendall(("\n".join(echo_lines(identity, port, addr[0], "TCP")) + "\n").encode())
        if isinstance(conn, ssl.SSLSocket):
            with contextlib.suppress(ssl.SSLError, OSError):
                conn.unwrap()
    except OSError:
        pass
    finally:
        conn.close()


def tls_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    """The server context for backends that terminate TLS (None without a certificate)."""
    if not cert or not key:
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


class DnsAnswerer:
    """Cluster DNS from the twin's CoreDNS records (zone-file lines per owner name)."""

    def __init__(self, records: dict[str, list[str]], upstream: dict[str, list[str]]) -> None:
        self.records = {k.lower().rstrip("."): v for k, v in records.items()}
        self.upstream = {k.lower().rstrip("."): v for k, v in upstream.items()}

    def answer(self, packet: bytes, forwards: bool = False) -> bytes | None:
        """The answer to ``packet``; None when ``forwards`` and the name is left to the upstream resolver."""
        from dnslib import QTYPE, RCODE, RR, DNSRecord

        req = DNSRecord.parse(packet)
        reply = req.reply()
        q = req.q
        name = str(q.qname).lower().rstrip(".")
        qtype = QTYPE[q.qtype]
        if name in self.records:
            for text in self.records[name]:
                for rr in RR.fromZone(text):
                    if QTYPE[rr.rtype] in (qtype, "CNAME"):
                        reply.add_answer(rr)
            return bytes(reply.pack())
        m = _POD_NAME.match(name)
        if m and qtype == "A":
            reply.add_answer(*RR.fromZone(f"{name}. 30 IN A {'.'.join(m.groups())}"))
            return bytes(reply.pack())
        if name.endswith(CLUSTER_DOMAIN) or name.endswith("in-addr.arpa"):
            reply.header.rcode = RCODE.NXDOMAIN
            return bytes(reply.pack())
        if forwards:
            return None
        if name in self.upstream and qtype == "A":
            for ip in self.upstream[name]:
                reply.add_answer(*RR.fromZone(f"{name}. 30 IN A {ip}"))
            return bytes(reply.pack())
        reply.header.rcode = RCODE.NXDOMAIN
        return bytes(reply.pack())


def table_answer(table: dict[str, list[str]], packet: bytes) -> bytes:
    """Azure DNS: A records from the VNet's table, NXDOMAIN for other names."""
    from dnslib import QTYPE, RCODE, RR, DNSRecord

    req = DNSRecord.parse(packet)
    reply = req.reply()
    name = str(req.q.qname).lower().rstrip(".")
    ips = table.get(name)
    if ips and QTYPE[req.q.qtype] == "A":
        for ip in ips:
            reply.add_answer(*RR.fromZone(f"{name}. 30 IN A {ip}"))
    elif not ips:
        reply.header.rcode = RCODE.NXDOMAIN
    return bytes(reply.pack())


def servfail(packet: bytes) -> bytes:
    from dnslib import RCODE, DNSRecord

    reply = DNSRecord.parse(packet).reply()
    reply.header.rcode = RCODE.SERVFAIL
    return bytes(reply.pack())


def forward(netns: str, upstream: str, packet: bytes) -> bytes:
    """CoreDNS's ``forward . /etc/resolv.conf``: the query sent for real from the CoreDNS pod's namespace to
    its upstream; SERVFAIL when no answer comes back (dropped by a policy, an NSG or a route)."""
    try:
        s = _in_netns(netns, lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    except OSError:
        return servfail(packet)
    try:
        s.settimeout(FORWARD_TIMEOUT)
        s.sendto(packet, (upstream, 53))
        data: bytes = s.recv(65536)
        return data
    except OSError:
        return servfail(packet)
    finally:
        s.close()


def _forward_and_reply(s: socket.socket, addr: Any, netns: str, upstream: str, packet: bytes) -> None:
    with contextlib.suppress(OSError):
        s.sendto(forward(netns, upstream, packet), addr)


def _in_netns(ns: str, fn: Any) -> Any:
    from aksnet.dataplane import nsenter

    with nsenter.netns(ns):
        return fn()


def _tcp_listener(ip: str, port: int) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port))
    s.listen(256)
    s.setblocking(False)
    return s


def _udp_socket(ip: str, port: int, origdst: bool) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if origdst:
        s.setsockopt(socket.SOL_IP, IP_RECVORIGDSTADDR, 1)
    s.bind((ip, port))
    s.setblocking(False)
    return s


def _open_listener(lst: dict[str, Any], echo_port: int) -> list[tuple[socket.socket, str, int]]:
    """The sockets of one namespace's listener, created inside that namespace."""
    socks: list[tuple[socket.socket, str, int]] = []

    def make() -> None:
        if lst.get("catch_all", True):
            socks.append((_tcp_listener("0.0.0.0", echo_port), "tcp", echo_port))
            socks.append((_udp_socket("0.0.0.0", echo_port, True), "udp", echo_port))
        for p in lst.get("tcp_ports", []):
            socks.append((_tcp_listener("0.0.0.0", int(p)), "tcp", int(p)))
        for p in lst.get("udp_ports", []):
            socks.append((_udp_socket("0.0.0.0", int(p), False), "udp", int(p)))
        if lst.get("dns_ip"):
            socks.append((_udp_socket(lst["dns_ip"], 53, False), "dns", 53))
            socks.append((_tcp_listener(lst["dns_ip"], 53), "dnstcp", 53))
        if lst.get("azure_dns"):
            socks.append((_udp_socket(HOST_VIP, 53, False), "azdns", 53))
        if lst.get("dns_proxy_ip"):
            socks.append((_udp_socket(lst["dns_proxy_ip"], 53, False), "dnsproxy", 53))

    try:
        _in_netns(lst["netns"], make)
    except OSError as exc:
        for s, _, _ in socks:
            s.close()
        print(f"aksnet-agent: {lst['netns']}: {exc}", file=sys.stderr, flush=True)
        return []
    return socks


def _listener_key(lst: dict[str, Any]) -> str:
    """A listener's identity: its configuration and its namespace's kernel identity (a namespace recreated
    under the same name needs new sockets)."""
    try:
        ino = os.stat(f"/var/run/netns/{lst['netns']}").st_ino
    except OSError:
        ino = 0
    return f"{ino}:{json.dumps(lst, sort_keys=True)}"


class Agent:
    """The agent's sockets per listener; ``load`` (at start and on SIGHUP) opens and closes only what changed."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self.sel = selectors.DefaultSelector()
        self.open: dict[str, list[socket.socket]] = {}
        self.dns = DnsAnswerer({}, {})
        self.tls: ssl.SSLContext | None = None

    def load(self) -> None:
        cfg = json.loads(self.config_path.read_text())
        echo_port = int(cfg["echo_port"])
        self.dns = DnsAnswerer(cfg.get("dns_records", {}), cfg.get("upstream", {}))
        self.tls = tls_context(cfg.get("tls_cert"), cfg.get("tls_key"))
        wanted = {_listener_key(lst): lst for lst in cfg["listeners"]}
        for key in [k for k in self.open if k not in wanted]:
            for s in self.open.pop(key):
                self.sel.unregister(s)
                s.close()
        for key, lst in wanted.items():
            if key in self.open:
                continue
            ident = [tuple(x) for x in lst["identity"]]
            socks = _open_listener(lst, echo_port)
            for s, kind, port in socks:
                self.sel.register(s, selectors.EVENT_READ, (kind, port, ident, lst))
            self.open[key] = [s for s, _, _ in socks]
        Path(cfg["readyfile"]).write_text(f"ready {int(cfg.get('generation', 0))}\n")


def run(config_path: Path) -> None:
    cfg = json.loads(config_path.read_text())
    Path(cfg["pidfile"]).write_text(f"{os.getpid()}\n")
    agent = Agent(config_path)
    wake_r, wake_w = socket.socketpair()
    wake_r.setblocking(False)
    wake_w.setblocking(False)
    agent.sel.register(wake_r, selectors.EVENT_READ, ("wake", 0, [], {}))
    reload = threading.Event()

    def on_hup(*_: Any) -> None:
        reload.set()

    signal.set_wakeup_fd(wake_w.fileno())
    signal.signal(signal.SIGHUP, on_hup)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    agent.load()
    while True:
        for key, _ in agent.sel.select():
            kind, port, ident, lst = key.data
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            if kind == "wake":
                with contextlib.suppress(OSError):
                    sock.recv(4096)
                continue
            try:
                _dispatch(sock, kind, port, ident, agent.dns, agent.tls, lst)
            except OSError:
                continue
        if reload.is_set():
            reload.clear()
            agent.load()


def _dispatch(s: socket.socket, kind: str, port: int, ident: list[tuple[str, str]], dns: DnsAnswerer,
              tls: ssl.SSLContext | None = None, lst: dict[str, Any] | None = None) -> None:
    if kind == "tcp":
        conn, addr = s.accept()
        conn.setblocking(True)
        real = _original_port(conn, port)
        threading.Thread(target=_serve_tcp, args=(conn, addr, ident, real, tls), daemon=True).start()
    elif kind == "udp":
        data, anc, _, addr = s.recvmsg(65536, socket.CMSG_SPACE(16))
        real = port
        for level, typ, cdata in anc:
            if level == socket.SOL_IP and typ == IP_RECVORIGDSTADDR:
                real = int(struct.unpack("!H", cdata[2:4])[0])
        s.sendto(("\n".join(echo_lines(ident, real, addr[0], "UDP")) + "\n").encode(), addr)
    elif kind == "dns":
        data, addr = s.recvfrom(65536)
        upstream = (lst or {}).get("dns_upstream")
        try:
            out = dns.answer(data, forwards=bool(upstream))
            if out is None:  # outside the cluster zone: CoreDNS forwards it, off the agent's loop
                threading.Thread(target=_forward_and_reply, args=(s, addr, (lst or {})["netns"], upstream, data),
                                 daemon=True).start()
                return
            s.sendto(out, addr)
        except Exception:
            return
    elif kind == "azdns":
        data, addr = s.recvfrom(65536)
        try:
            s.sendto(table_answer((lst or {}).get("azure_dns", {}), data), addr)
        except Exception:
            return
    elif kind == "dnsproxy":  # Azure Firewall's DNS proxy: a real query to Azure DNS, off the agent's loop
        data, addr = s.recvfrom(65536)
        threading.Thread(target=_forward_and_reply, args=(s, addr, (lst or {})["netns"], HOST_VIP, data),
                         daemon=True).start()
    elif kind == "dnstcp":
        conn, _ = s.accept()
        threading.Thread(target=_serve_dns_tcp, args=(conn, dns, lst), daemon=True).start()


def _serve_dns_tcp(conn: socket.socket, dns: DnsAnswerer, lst: dict[str, Any] | None = None) -> None:
    try:
        conn.settimeout(2.0)
        head = conn.recv(2)
        if len(head) == 2:
            ln = struct.unpack("!H", head)[0]
            data = b""
            while len(data) < ln:
                chunk = conn.recv(ln - len(data))
                if not chunk:
                    break
                data += chunk
            upstream = (lst or {}).get("dns_upstream")
            out = dns.answer(data, forwards=bool(upstream))
            if out is None:  # CoreDNS forwards over UDP (its upstream is asked as for any query)
                out = forward((lst or {})["netns"], str(upstream), data)
            conn.sendall(struct.pack("!H", len(out)) + out)
    except Exception:
        pass
    finally:
        conn.close()


if __name__ == "__main__":  # pragma: no cover - started by apply as a separate process
    run(Path(sys.argv[1]))
