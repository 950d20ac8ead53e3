"""``aksnet up|down|status|exec|probe|verify``: the real data plane (root only).

``up [-g RG -n CLUSTER]`` builds (or incrementally updates) the cluster in network namespaces, nftables
and NGINX; ``down`` removes everything recorded; ``down --orphans`` removes the data planes of lost
workspaces (deleted or replaced while up) exactly as their ledgers record them; ``status`` lists it;
``exec TARGET -- CMD…`` runs a command inside a pod, node, VM or internet host; ``probe FROM TO [--port]
[--protocol] [-n]`` sends real packets (trace's arguments and exit codes: 0 delivered, 1 not, 2 bad input);
``verify`` probes every flow of the cluster and lists each disagreement with ``trace``. Parsing and printing
only; the work is in ``aksnet.dataplane``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any, NoReturn

from aksnet.errors import DataplaneError, UsageError

MULTI_VERB = True


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message}")


def _home() -> object:
    from aksnet.store import default_home

    return default_home()


def _up(argv: list[str]) -> int:
    p = _Parser(prog="aksnet up", description="Build the cluster for real in network namespaces (root).")
    p.add_argument("-g", "--resource-group")
    p.add_argument("-n", "--name", help="the AKS cluster (default: the current kubeconfig context's)")
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    from aksnet.dataplane import session

    res = session.up(_home(), args.resource_group, args.name)  # type: ignore[arg-type]
    r = res.report
    if not args.quiet:
        kinds: dict[str, int] = {}
        for u in res.plan.units:
            kinds[u.kind] = kinds.get(u.kind, 0) + 1
        what = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
        print(f"data plane up: {len(res.plan.units)} namespaces ({what})")
        print(f"  created {len(r.created)}, removed {len(r.removed)}, nftables applied in {len(r.nft_applied)}, "
              f"routing replaced in {len(r.routing_applied)}, agent {'restarted' if r.agent_restarted else 'kept'}"
              f" in {r.seconds:.2f}s")
        for note in res.plan.notes:
            print(f"  note: {note}")
    _warn_orphans(res.orphans)
    return 0


def _warn_orphans(orphans: list[Any]) -> None:
    for o in orphans:
        print(f"warning: {o.describe()}: run 'aksnet down --orphans'", file=sys.stderr)


def _down(argv: list[str]) -> int:
    p = _Parser(prog="aksnet down", description="Remove everything 'aksnet up' created.")
    p.add_argument("--orphans", action="store_true",
                   help="instead, remove the data planes of lost workspaces (deleted, or replaced while up): exactly "
                        "what their ledgers record")
    args = p.parse_args(argv)
    from aksnet.dataplane import session

    if args.orphans:
        rep = session.teardown_orphans()
        for o in rep.orphans:
            print(f"removed the data plane of {o.why} workspace {o.workspace}")
        for tag in rep.busy:
            print(f"warning: ledger {tag} is in use by another aksnet command; left alone", file=sys.stderr)
        print(f"orphans down: removed {len(rep.namespaces)} namespaces, {rep.processes} processes, "
              f"{len(rep.paths)} files of {len(rep.orphans)} lost workspaces in {rep.seconds:.2f}s")
        return 0
    rep = session.teardown(_home())  # type: ignore[arg-type]
    if rep.foreign is not None:
        raise DataplaneError(f"{rep.foreign.describe()}; it is not this workspace's: run 'aksnet down --orphans'")
    print(f"data plane down: removed {len(rep.namespaces)} namespaces, {rep.processes} processes, "
          f"{len(rep.paths)} files in {rep.seconds:.2f}s")
    old = rep.legacy
    if old.namespaces or old.processes or old.paths or old.skipped:
        print(f"legacy state.json: removed {len(old.namespaces)} namespaces, {old.processes} processes, "
              f"{len(old.paths)} files" + (f"; left alone (not this workspace's, or no longer the recorded "
                                           f"process): {', '.join(old.skipped)}" if old.skipped else ""))
    _warn_orphans(rep.orphans)
    return 0


def _status(argv: list[str]) -> int:
    p = _Parser(prog="aksnet status", description="Show the real data plane.")
    p.add_argument("-o", "--output", default="text", choices=("text", "json"))
    args = p.parse_args(argv)
    from aksnet.dataplane import session

    st = session.status(_home())  # type: ignore[arg-type]
    rows, procs, leftovers = st.units, st.processes, st.unrecorded
    if args.output == "json":
        print(json.dumps({"units": [{"key": r.key, "netns": r.netns, "exists": r.exists} for r in rows],
                          "processes": [{"role": a, "pid": b, "alive": c} for a, b, c in procs],
                          "unrecorded": leftovers,
                          "orphans": [{"workspace": o.workspace, "why": o.why, "tag": o.tag,
                                       "namespaces": o.namespaces, "processes": o.processes, "paths": o.paths}
                                      for o in st.orphans]}, indent=2))
        return 0
    if not rows and not procs:
        print("data plane: down")
        _warn_orphans(st.orphans)
        return 0
    width = max(len(r.key) for r in rows) if rows else 10
    print(f"{'OBJECT'.ljust(width)}  STATE    NAMESPACE")
    for r in rows:
        print(f"{r.key.ljust(width)}  {'up' if r.exists else 'MISSING':7}  {r.netns}")
    for role, pid, ok in procs:
        print(f"process {role} pid {pid}: {'running' if ok else 'NOT RUNNING'}")
    for n in leftovers:
        print(f"warning: namespace {n} has this workspace's prefix but is not recorded")
    _warn_orphans(st.orphans)
    return 0


def _exec(argv: list[str]) -> int:
    if "--" in argv:
        i = argv.index("--")
        head, cmd = argv[:i], argv[i + 1:]
    else:
        head, cmd = argv[:1], argv[1:]
    p = _Parser(prog="aksnet exec", description="Run a command inside a pod, node, VM or internet host.")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("-n", "--namespace", default="default")
    args = p.parse_args(head)
    from aksnet.dataplane import session

    full = session.exec_argv(_home(), args.target, args.namespace, cmd)  # type: ignore[arg-type]
    try:
        done = subprocess.run(full, check=False, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise UsageError(f"error: {exc}") from None
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return done.returncode


def _probe(argv: list[str]) -> int:
    p = _Parser(prog="aksnet probe", description="Send real packets for one flow. Exit 0 delivered, 1 not "
                "delivered, 2 bad input or unknown (an imported dump lacks data the verdict depends on).")
    p.add_argument("source", metavar="FROM")
    p.add_argument("destination", metavar="TO")
    p.add_argument("--port", "-p", type=int)
    p.add_argument("--protocol", default="TCP", type=str.upper, choices=("TCP", "UDP", "SCTP"))
    p.add_argument("-n", "--namespace", default="default")
    p.add_argument("-o", "--output", default="text", choices=("text", "json"))
    args = p.parse_args(argv)
    from aksnet.dataplane import session

    planned, results = session.probe_flow(_home(), args.source, args.destination, args.port,  # type: ignore[arg-type]
                                          args.protocol, args.namespace)
    delivered = bool(results) and all(r.delivered for r in results) and not planned.unresolved
    if args.output == "json":
        print(json.dumps({"verdict": "delivered" if delivered else "not delivered",
                          "unresolved": list(planned.unresolved),
                          "probes": [{"source": r.flow.src, "netns": r.flow.netns, "ip": r.flow.dst_ip,
                                      "port": r.flow.port, "protocol": r.flow.protocol, "delivered": r.delivered,
                                      "detail": r.detail, "answer": list(r.answer),
                                      "seconds": round(r.seconds, 3)} for r in results]}, indent=2))
    else:
        print(f"{'delivered' if delivered else 'NOT delivered'} (real packets)")
        for name in planned.unresolved:
            print(f"  {name}: could not resolve {args.destination}")
        for r in results:
            print(f"  {r.flow.src} -> {r.flow.dst_ip}:{r.flow.port}/{r.flow.protocol}: "
                  f"{'delivered' if r.delivered else 'not delivered'} ({r.detail}, {r.seconds:.2f}s)")
            for line in r.answer[:12]:
                print(f"    {line}")
    return _probe_unknown(delivered) or (0 if delivered else 1)


def _probe_unknown(delivered: bool) -> int:
    """The data plane is built from the twin: on an imported dump that lacks data, a probe's answer is as unknown
    as trace's (``unknown: …`` lines, exit 2)."""
    from aksnet.analyses.unknowns import unknown_lines, unknown_reasons
    from aksnet.cli.matrix import load_workspace_twin
    from aksnet.errors import KubeError

    try:
        state = load_workspace_twin(_home())[1]  # type: ignore[arg-type]
    except KubeError:  # no cluster (VNets and VMs only, as the data plane builds them): no imported dump either
        return 0
    reasons = unknown_reasons(state, delivered)
    for line in unknown_lines(reasons, "delivered" if delivered else "not delivered", "verdict") if reasons else ():
        print(line, file=sys.stderr)
    return 2 if reasons else 0


def _verify(argv: list[str]) -> int:
    p = _Parser(prog="aksnet verify", description="Probe every flow of the cluster and list disagreements with "
                "trace. Exit 0 when probe and trace agree everywhere, 1 otherwise.")
    p.add_argument("-o", "--output", default="text", choices=("text", "json"))
    p.add_argument("--limit", type=int, default=0, help="probe at most this many flows (0: all)")
    p.add_argument("--all-pods", action="store_true",
                   help="every pod pair, not one pod per class (namespace, labels, node, ports)")
    args = p.parse_args(argv)
    from aksnet.dataplane import verify

    rep = verify.verify_home(_home(), limit=args.limit, exhaustive=args.all_pods)  # type: ignore[arg-type]
    if args.output == "json":
        print(json.dumps(verify.report_json(rep), indent=2))
    else:
        sys.stdout.write(verify.report_text(rep))
    from aksnet.dataplane import session

    _warn_orphans(session.other_orphans(_home()))  # type: ignore[arg-type]
    return 0 if not rep.disagreements and not rep.url_disagreements else 1


_VERBS = {"up": _up, "down": _down, "status": _status, "exec": _exec, "probe": _probe, "verify": _verify}


def run(verb: str, argv: list[str]) -> int:
    return _VERBS[verb](argv)
