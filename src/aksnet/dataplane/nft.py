"""nftables as JSON documents (libnftables' JSON schema), applied atomically inside a network namespace.

Rulesets are built as plain Python data with the small helpers below and applied with
``ip netns exec <ns> nft -j -f -`` (argument lists only, never a shell string). A table is replaced
atomically: ``add table`` + ``delete table`` + the new content in ONE batch, so a failed batch changes
nothing. Every call names a namespace: this module refuses to run nft in the host's namespace.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import subprocess
from collections.abc import Sequence
from typing import Any

from aksnet.errors import DataplaneError

Expr = dict[str, Any]
Cmd = dict[str, Any]

NFT = "/usr/sbin/nft"
IP = "/usr/sbin/ip"


# -- expression helpers -------------------------------------------------------------------------------
def payload(proto: str, fld: str) -> Expr:
    return {"payload": {"protocol": proto, "field": fld}}


def meta(key: str) -> Expr:
    return {"meta": {"key": key}}


def ct(key: str, direction: str | None = None) -> Expr:
    """``ct KEY`` or ``ct original ip daddr`` (address keys with a direction name the IPv4 family)."""
    d: dict[str, Any] = {"key": f"ip {key}" if direction and key in ("saddr", "daddr") else key}
    if direction:
        d["dir"] = direction
    return {"ct": d}


def fib_daddr_type() -> Expr:
    """``fib daddr type``: the kind of route the destination address has here (``local``: one of our own)."""
    return {"fib": {"result": "type", "flags": ["daddr"]}}


def match(left: Any, right: Any, op: str = "==") -> Expr:
    return {"match": {"op": op, "left": left, "right": right}}


def prefix(cidr: str) -> Any:
    """``10.0.0.0/8`` → a prefix value (a bare address for /32)."""
    addr, _, ln = cidr.partition("/")
    if not ln or ln == "32":
        return addr
    return {"prefix": {"addr": addr, "len": int(ln)}}


def port_value(lo: int, hi: int) -> Any:
    return lo if lo == hi else {"range": [lo, hi]}


def anon_set(values: Sequence[Any]) -> Any:
    vals = list(values)
    return vals[0] if len(vals) == 1 else {"set": vals}


def jump(target: str) -> Expr:
    return {"jump": {"target": target}}


def goto(target: str) -> Expr:
    return {"goto": {"target": target}}


ACCEPT: Expr = {"accept": None}
DROP: Expr = {"drop": None}
RETURN: Expr = {"return": None}


def reject_fast(family: str = "ip") -> Expr:
    """A drop that answers at once: ICMP admin-prohibited (``icmpx`` in inet tables), so the client sees
    EHOSTUNREACH instead of waiting for a timeout (still "not delivered", never "refused")."""
    if family == "inet":
        return {"reject": {"type": "icmpx", "expr": "admin-prohibited"}}
    return {"reject": {"type": "icmp", "expr": "admin-prohibited"}}


def reject_port_unreachable() -> Expr:
    """nft's plain ``reject`` in an ip table: ICMP port unreachable, so a TCP or (connected) UDP client sees
    ECONNREFUSED — what kube-proxy's ``reject-chain`` does for a Service without endpoints."""
    return {"reject": {"type": "icmp", "expr": "port-unreachable"}}


def tcp_reset() -> Expr:
    return {"reject": {"type": "tcp reset"}}


def counter() -> Expr:
    return {"counter": None}


# -- document builder ---------------------------------------------------------------------------------
class Table:
    """One nft table, replaced atomically when applied."""

    def __init__(self, family: str, name: str) -> None:
        self.family = family
        self.name = name
        self.cmds: list[Cmd] = []

    def _base(self) -> dict[str, Any]:
        return {"family": self.family, "table": self.name}

    def chain(self, name: str, *, hook: str | None = None, ctype: str = "filter", prio: int = 0,
              policy: str = "accept") -> None:
        c: dict[str, Any] = {**self._base(), "name": name}
        if hook:
            c.update({"type": ctype, "hook": hook, "prio": prio, "policy": policy})
        self.cmds.append({"add": {"chain": c}})

    def rule(self, chain: str, *expr: Expr, comment: str | None = None) -> None:
        r: dict[str, Any] = {**self._base(), "chain": chain, "expr": list(expr)}
        if comment:
            r["comment"] = comment[:128]
        self.cmds.append({"add": {"rule": r}})

    def set(self, name: str, typ: str | list[str], elems: Sequence[Any] = (), flags: Sequence[str] = (),
            timeout: int | None = None) -> None:
        s: dict[str, Any] = {**self._base(), "name": name, "type": typ}
        if flags:
            s["flags"] = list(flags)
        if timeout is not None:
            s["timeout"] = timeout
        if elems:
            s["elem"] = list(elems)
        self.cmds.append({"add": {"set": s}})

    def map(self, name: str, typ: str | list[str], data: str, elems: Sequence[Any]) -> None:
        m: dict[str, Any] = {**self._base(), "name": name, "type": typ, "map": data}
        if elems:
            m["elem"] = [list(e) for e in elems]
        self.cmds.append({"add": {"map": m}})

    def document(self) -> dict[str, Any]:
        t = {"family": self.family, "name": self.name}
        head: list[Cmd] = [{"add": {"table": dict(t)}}, {"delete": {"table": dict(t)}}, {"add": {"table": dict(t)}}]
        return {"nftables": [{"metainfo": {"json_schema_version": 1}}, *head, *self.cmds]}


def delete_tables_document(tables: Sequence[tuple[str, str]]) -> dict[str, Any]:
    cmds: list[Cmd] = []
    for fam, name in tables:
        t = {"family": fam, "name": name}
        cmds += [{"add": {"table": dict(t)}}, {"delete": {"table": dict(t)}}]
    return {"nftables": cmds}


def without_deletes(document: dict[str, Any]) -> dict[str, Any]:
    """The same batch without its ``delete`` commands, for a namespace that has no tables yet (deleting a
    table with base chains makes the commit wait for an RCU grace period: ~13 ms a namespace)."""
    return {"nftables": [c for c in document["nftables"] if "delete" not in c]}


# -- application ----------------------------------------------------------------------------------------
_LIB: Any = None
NFT_CTX_OUTPUT_JSON = 1 << 4


def _libnftables() -> Any:
    """libnftables through ctypes (libnftables-json(5): 0.5 ms per batch instead of ~20 ms), or None."""
    global _LIB
    if _LIB is None:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("nftables") or "libnftables.so.1")
            lib.nft_ctx_new.restype = ctypes.c_void_p
            lib.nft_ctx_new.argtypes = [ctypes.c_uint32]
            lib.nft_ctx_free.argtypes = [ctypes.c_void_p]
            lib.nft_ctx_output_set_flags.argtypes = [ctypes.c_void_p, ctypes.c_uint]
            lib.nft_ctx_buffer_output.argtypes = [ctypes.c_void_p]
            lib.nft_ctx_buffer_error.argtypes = [ctypes.c_void_p]
            lib.nft_ctx_get_error_buffer.restype = ctypes.c_char_p
            lib.nft_ctx_get_error_buffer.argtypes = [ctypes.c_void_p]
            lib.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            _LIB = lib
        except OSError:
            _LIB = False
    return _LIB or None


def _apply_lib(lib: Any, netns: str, text: str) -> str | None:
    """Run one JSON batch with a libnftables context created and used INSIDE ``netns`` (a context binds to the
    namespace current at nft_ctx_new, libnftables-json(5)). Returns the error text, or None on success."""
    from aksnet.dataplane import nsenter

    try:
        with nsenter.netns(netns):
            ctx = lib.nft_ctx_new(0)
            if not ctx:
                return "nft_ctx_new failed"
            try:
                lib.nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON)
                lib.nft_ctx_buffer_output(ctx)
                lib.nft_ctx_buffer_error(ctx)
                rc = lib.nft_run_cmd_from_buffer(ctx, text.encode())
                if rc != 0:
                    err = lib.nft_ctx_get_error_buffer(ctx)
                    return (err or b"").decode(errors="replace") or f"nft error {rc}"
                return None
            finally:
                lib.nft_ctx_free(ctx)
    except OSError as exc:
        return f"cannot enter namespace {netns}: {exc.strerror}"


def apply(netns: str, document: dict[str, Any]) -> None:
    """Apply one JSON batch inside ``netns`` (atomic: all or nothing). Raises DataplaneError on failure."""
    if not netns:
        raise DataplaneError("refusing to run nft in the host namespace")
    lib = _libnftables()
    if lib is not None:
        err = _apply_lib(lib, netns, json.dumps(document))
        if err is None:
            return
        raise DataplaneError(f"nft failed in {netns}: {err.strip()[:2000]}")
    proc = subprocess.run([IP, "netns", "exec", netns, NFT, "-j", "-f", "-"], input=json.dumps(document),
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise DataplaneError(f"nft failed in {netns}: {proc.stderr.strip()[:2000]}")


def list_ruleset(netns: str | None) -> dict[str, Any]:
    """``nft -j list ruleset`` of a namespace (``None``: the host, read-only, for safety checks)."""
    argv = [NFT, "-j", "list", "ruleset"] if netns is None else [IP, "netns", "exec", netns, NFT, "-j", "list",
                                                                   "ruleset"]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise DataplaneError(f"nft list failed: {proc.stderr.strip()}")
    doc: dict[str, Any] = json.loads(proc.stdout or '{"nftables": []}')
    return doc


def combine(netns: str, tables: Sequence[Table]) -> tuple[tuple[tuple[str, str], ...], dict[str, Any]]:
    """Several tables of one namespace as one atomic batch: (table ids, document)."""
    cmds: list[Cmd] = [{"metainfo": {"json_schema_version": 1}}]
    for t in tables:
        cmds += t.document()["nftables"][1:]
    return tuple((t.family, t.name) for t in tables), {"nftables": cmds}
