"""Runs INSIDE a fresh network namespace (``unshare -n``): brings up lo, puts the pod IPs on it, starts
echo servers and nginx (``daemon off``, killed in ``finally``), sends the requests and prints JSON.
Never run it in the host's namespace: test_nginx_live.py starts it only through ``unshare -n``."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def echo_handler(pod: str) -> type[BaseHTTPRequestHandler]:
    class Echo(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            lines = [f"pod={pod}", f"method={self.command}", f"request_uri={self.path}"]
            lines += [f"header.{k.lower()}={v}" for k, v in self.headers.items()]
            body = ("\n".join(lines) + "\n").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_HEAD = _answer

        def log_message(self, *args: object) -> None:
            pass

    return Echo


def main() -> None:
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    for ip in sorted({e["ip"] for e in spec["endpoints"]}):
        subprocess.run(["ip", "addr", "add", f"{ip}/32", "dev", "lo"], check=True)
    servers = []
    for e in spec["endpoints"]:
        srv = ThreadingHTTPServer((e["ip"], e["port"]), echo_handler(e["pod"]))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
    nginx = subprocess.Popen([spec["nginx"], "-c", spec["conf"], "-p", spec["prefix"], "-g", "daemon off;"])
    out = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", 80), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        for r in spec["requests"]:
            if r["scheme"] == "https":
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                conn: http.client.HTTPConnection = http.client.HTTPSConnection("127.0.0.1", 443, context=ctx, timeout=5)
                conn.connect()
                sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", 443)), server_hostname=r["sni"] or None)
                conn.sock = sock
            else:
                conn = http.client.HTTPConnection("127.0.0.1", 80, timeout=5)
            conn.putrequest(r["method"], r["path"], skip_host=True, skip_accept_encoding=True)
            if r["host"] is not None:
                conn.putheader("Host", r["host"])
            for k, v in r["headers"].items():
                conn.putheader(k, v)
            conn.endheaders()
            length = {k.lower(): v for k, v in r["headers"].items()}.get("content-length")
            if length:
                with contextlib.suppress(OSError):  # nginx may answer 413 and close before reading the body
                    conn.send(b"x" * int(length))
            resp = conn.getresponse()
            body = resp.read().decode(errors="replace")
            cert = None
            if r["scheme"] == "https":
                der = conn.sock.getpeercert(binary_form=True)  # type: ignore[union-attr]
                cert = ssl.DER_cert_to_PEM_cert(der) if der else None
            out.append(
                {
                    "name": r["name"],
                    "status": resp.status,
                    "location": resp.getheader("Location"),
                    "body": body,
                    "cert": cert,
                }
            )
            conn.close()
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for s in servers:
            s.shutdown()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
