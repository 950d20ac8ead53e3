"""``aksnet dig [@SERVER] [-t TYPE | TYPE] NAME [+short] [+noall +answer] [-4|-6]``: public DNS as the reader's
own machine on the internet asks it (``aksnet.analyses.public_dns``), printed as BIND's dig prints it. dig's
argument order is free, as dig's is. Exit codes as dig: 0 with an answer or NXDOMAIN, 1 for a usage error.
"""

from __future__ import annotations

import sys

from aksnet.analyses import public_dns
from aksnet.cli.common import command_transaction
from aksnet.errors import UsageError
from aksnet.io.twin_snapshot import load_twin_cached as load_twin
from aksnet.render import dig_text


class DigUsageError(UsageError):
    """dig's usage errors exit 1 (BIND 9 dig(1), RETURN CODES)."""

    exit_code = 1


# dig's display options aksnet takes; others are refused as dig refuses an unknown one
_PLUS = {"short", "noall", "answer", "nocmd", "nocomments", "noquestion", "nostats", "tcp", "notcp",
         "search", "nosearch", "norecurse", "recurse"}
USAGE = ("Usage:  aksnet dig [@server] [-4|-6] [-t A|AAAA|ANY] [A|AAAA|ANY] name [+short] [+noall +answer]\n"
         "Public DNS as the reader's own machine on the internet asks it (like dig).\n")


def _parse(argv: list[str]) -> tuple[str, str, str, set[str], bool]:
    server = name = ""
    qtype = "A"
    plus: set[str] = set()
    v6 = False
    it = iter(argv)
    for arg in it:
        if arg.startswith("@"):
            server = arg[1:]
        elif arg.startswith("+"):
            opt = arg[1:].split("=", 1)[0].lower()
            if opt not in _PLUS:
                raise DigUsageError(f"Invalid option: {arg}\n{USAGE.rstrip()}")
            plus.add(opt)
        elif arg in ("-4", "-6"):
            v6 = arg == "-6"
        elif arg == "-t":
            qtype = next(it, "")
        elif arg in ("-h", "--help"):
            sys.stdout.write(USAGE)
            raise SystemExit(0)
        elif arg.startswith("-"):
            raise DigUsageError(f"Invalid option: {arg}\n{USAGE.rstrip()}")
        elif arg.upper() in public_dns.QTYPES and not name:
            qtype = arg.upper()
        elif not name:
            name = arg
        else:
            raise DigUsageError(f"aksnet dig: one name at a time (got {name!r} and {arg!r})")
    if not name:
        raise DigUsageError(f"aksnet dig: a name to look up is required\n{USAGE.rstrip()}")
    return server, name, qtype, plus, v6


def run(argv: list[str]) -> int:
    server, name, qtype, plus, v6 = _parse(argv)
    with command_transaction(write=False) as tx:
        twin = load_twin(tx)
    try:
        report = public_dns.ask(twin, name, qtype, server, ipv6_transport=v6)
    except public_dns.DigError as exc:
        raise DigUsageError(f"aksnet dig: {exc}") from None
    sys.stdout.write(dig_text.render(report, argv, short="short" in plus,
                                     sections=not ("noall" in plus and "answer" in plus)))
    return 0
