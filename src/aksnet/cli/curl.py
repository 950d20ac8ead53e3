"""``aksnet curl [--from FROM] [-k] [-i] [-X M] [-H 'K: V'] [-b COOKIES] [--cert FILE --key FILE]
[--resolve HOST:PORT:IP] [-v] [--dataplane] URL``.

Parses curl's options, loads the twin like ``aksnet trace``, runs the curl analysis and prints what curl
would: the body (with ``-i`` the status line and headers first), ``-v`` lines on stderr (the walk's hops as
``*`` lines), errors as ``curl: (N) …`` with curl's exit code. The default FROM is ``internet`` (client
198.51.100.10, TEST-NET-2). With ``--dataplane`` the same request is sent by the real curl from inside the
source's network namespace of the data plane ``aksnet up`` built
(``aksnet.dataplane.dpcurl.curl``); its stdout, stderr and exit code are passed through unchanged. On an imported
dump that lacks data the answer depends on (``aksnet.analyses.unknowns``), curl's output is followed by
``unknown: …`` lines and the exit code is 2, as ``aksnet trace`` does.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

from aksnet.cli import cookie_jar
from aksnet.errors import UsageError

if TYPE_CHECKING:
    from aksnet.analyses.curl import CurlResult
    from aksnet.model.twin import ClusterState


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"curl: {message}\ncurl: try 'aksnet curl --help' for more information")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aksnet curl", description="An HTTP(S) request through the twin; prints what the echo "
                "backend answers. Exit codes as curl: 6 could not resolve, 7 refused, 28 timed out; 2 unknown (an "
                "imported dump lacks data the answer depends on). With "
                "--dataplane the real curl sends it through the data plane built by 'aksnet up' (root).")
    p.add_argument("url", metavar="URL")
    p.add_argument("--from", dest="source", metavar="FROM", help="where the request starts (default: internet)")
    p.add_argument("-k", "--insecure", action="store_true")
    p.add_argument("-i", "--include", action="store_true", help="print the status line and headers")
    p.add_argument("-X", "--request", dest="method", metavar="METHOD")
    p.add_argument("-H", "--header", action="append", default=[], metavar="'K: V'")
    p.add_argument("-b", "--cookie", action="append", default=[], metavar="DATA|FILE",
                   help="send cookies: 'NAME=VALUE; …', or read them from a cookie jar FILE (as curl -b)")
    p.add_argument("-c", "--cookie-jar", metavar="FILE", help="write the cookies the response sets to FILE "
                   "(Netscape format, as curl -c)")
    p.add_argument("-E", "--cert", metavar="FILE", help="client certificate (PEM) for the TLS handshake")
    p.add_argument("--key", metavar="FILE", help="private key (PEM) of the client certificate")
    p.add_argument("--resolve", action="append", default=[], metavar="HOST:PORT:ADDR")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("-s", "--silent", action="store_true", help="accepted for compatibility")
    p.add_argument("-n", "--namespace", default="default")
    p.add_argument("--context")
    p.add_argument("--dataplane", action="store_true",
                   help="send the request with the real curl from inside FROM's network namespace of the data "
                        "plane built by 'aksnet up' (needs root; run 'aksnet up' first) instead of walking the "
                        "twin; prints curl's own output and exits with curl's exit code")
    return p


def parse_headers(raw: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for h in raw:
        if ":" not in h:
            continue  # curl ignores a header without a colon (``-H 'Name;'`` sends an empty one; rare)
        k, v = h.split(":", 1)
        out.append((k.strip(), v.strip()))
    return tuple(out)


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.dataplane:
        return _run_dataplane(args)
    from aksnet.analyses.curl import CurlRequest, curl
    from aksnet.cli.trace import load_topology
    from aksnet.engine.addressing import Topology

    topo = load_topology(args.context, None)
    assert isinstance(topo, Topology)
    cookies = [c if "=" in c else cookie_jar.read(c, _url_host(args.url)) for c in args.cookie]
    headers = parse_headers(args.header) + tuple(("Cookie", c) for c in cookies if c)
    req = CurlRequest(args.url, args.source, args.method.upper() if args.method else None, headers,
                      args.insecure, tuple(args.resolve), args.namespace, _client_certificate(args))
    res = curl(topo, req)
    from aksnet.render import curl_text

    if args.verbose:
        sys.stderr.write(curl_text.render_verbose(res))
    if res.error is not None:
        sys.stderr.write(curl_text.render_error(res))
    else:
        sys.stdout.write(curl_text.render_response(res, include=args.include))
        if args.cookie_jar:
            cookie_jar.write(args.cookie_jar, _url_host(args.url), res.response_headers)
    return _unknown(topo.state, res) or res.exit_code


def _client_certificate(args: argparse.Namespace) -> str:
    """The PEM text of ``--cert`` (with ``--key`` beside it, as curl loads both before connecting); curl's exit 58
    when either cannot be read."""
    if not args.cert:
        return ""
    from pathlib import Path

    from aksnet.analyses.curl import CurlUsageError

    for path, what in ((args.cert, "client certificate"), (args.key or args.cert, "private key")):
        try:
            text = Path(path).read_text()
        except OSError:
            text = ""
        if "-----BEGIN" not in text:
            raise CurlUsageError(58, f"curl: (58) could not load PEM {what} from {path}, OpenSSL error "
                                     "error:80000002:system library::No such file or directory, (no key found, "
                                     "wrong pass phrase, or wrong file format?)")
    return Path(args.cert).read_text()


def _unknown(state: ClusterState, res: CurlResult) -> int:
    """An imported dump that lacks data the answer depends on: ``unknown: …`` lines on stderr and exit 2 (as
    ``aksnet trace``), never a guessed refusal or timeout. Delivered means the backend answered: an error or a
    5xx of the ingress controller (no upstream reached) is not."""
    from aksnet.analyses.unknowns import unknown_lines, unknown_reasons

    delivered = res.error is None and (res.status or 0) < 500
    reasons = unknown_reasons(state, delivered)
    if not reasons:
        return 0
    answer = res.error.splitlines()[0] if res.error is not None else res.status_line
    for line in unknown_lines(reasons, answer):
        sys.stderr.write(line + "\n")
    return 2


def _run_dataplane(args: argparse.Namespace) -> int:
    """The real curl in the data plane (raises DataplaneError when not root or 'aksnet up' has not run)."""
    from aksnet.dataplane import dpcurl
    from aksnet.store.workspace import default_home

    # -b as the twin's path reads it (a cookie string, or the jar's cookies for the URL's host)
    cookies = [c if "=" in c else cookie_jar.read(c, _url_host(args.url)) for c in args.cookie]
    code, out, err = dpcurl.curl(default_home(), args.source, args.url, namespace=args.namespace,
                                 insecure=args.insecure, include=args.include,
                                 method=args.method.upper() if args.method else None,
                                 headers=[*args.header, *(f"Cookie: {c}" for c in cookies if c)],
                                 resolve=args.resolve, verbose=args.verbose)
    sys.stdout.write(out)
    sys.stderr.write(err)
    return code


def _url_host(url: str) -> str:
    """The URL's host for the cookie jar ("" for a URL curl will reject itself, e.g. an empty ``[]`` host)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
