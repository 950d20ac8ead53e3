"""``aksnet matrix``'s text: each source's row written from a template kept per distinct class row, so that no
Python step runs per output line (``aksnet.analyses.matrix`` decides which rows go through here and formats the
others line by line), and the connections as blocks of (source, destination, text) lines for the renderers that
take them one by one. Pure: the class matrix and the expansion's groups in, texts out; it decides no connection.
"""

from __future__ import annotations

import collections
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from aksnet.engine.netpol.conns import ALL, NONE, ConnSet
from aksnet.engine.netpol.selectors import bits_of, indices_of

if TYPE_CHECKING:
    from aksnet.analyses.matrix import Connection, Line, _Expansion, _Group
    from aksnet.engine.netpol.class_rows import Row

# How a renderer writes a name or a connection text in its format (a JSON string, a CSV field)
Quote = Callable[[str], str]


def as_is(text: str) -> str:
    return text


class Quoted(dict[ConnSet, str]):
    """ConnSet → its text as the format writes it, made on first use."""

    def __init__(self, quote: Quote) -> None:
        super().__init__()
        self.quote = quote

    def __missing__(self, c: ConnSet) -> str:
        t = self[c] = self.quote(str(c))
        return t


BLOCK = 4096  # lines per block when blocks are not one source row each


def line_blocks(rows: Iterable[list[Connection]], routes: Sequence[Line]) -> Iterator[list[Line]]:
    """Connections, given as rows in output order, as blocks of text lines (one block per row), with the extra
    ``routes`` rows merged in order (then in blocks of :data:`BLOCK` lines)."""
    text = Quoted(as_is)

    def lines(row: list[Connection]) -> list[Line]:
        return [(s.name, d.name, text[c]) for s, d, c in row]

    if not routes:
        yield from (lines(row) for row in rows)
        return
    merged = heapq.merge((ln for row in rows for ln in lines(row)), sorted(routes), key=lambda r: (r[0], r[1]))
    while block := list(itertools.islice(merged, BLOCK)):
        yield block


TEMPLATE_CHARS = 1 << 26  # characters of row templates kept at most (memory independent of the output's size)


class TextPlan:
    """The destinations of one target list, prepared for ``MatrixStream.text_rows``: their classes in output
    order, their texts, the declared ports each caps connections to (ALL: no cap), per (node, class kind) the
    destinations an own-node rule opens (:meth:`ClassMatrix.own_node_all`: pod → host-network endpoint,
    host-network endpoint → pod), and the row templates already made.

    A template is a source row's lines without the source's name (each ``dst + mid + conn + end``, after an
    empty first piece), kept per distinct class row: sources whose rows are equal (a few distinct rows for a
    thousand workloads) differ only in their names, so their text is the source's name joined between the
    pieces (``str.join``: no Python step per line), the source's own line left out. A template is kept when its
    class row is several sources' or from its second use on (a cluster whose rows all differ keeps none)."""

    def __init__(self, ex: _Expansion, targets: list[_Group], mid: str, end: str, texts: Quoted) -> None:
        self.fast = all(d.single >= 0 for d in targets)
        self.classes = [d.single for d in targets]
        self.names = [f"{texts.quote(d.peer.name)}{mid}" for d in targets]
        self.end = end
        self.texts = texts
        self.targets = targets
        self.position = {id(d): i for i, d in enumerate(targets)}
        self.caps = None if ex.all_ports else [d.declared if d.is_pod else ALL for d in targets]
        self.on_node: dict[tuple[str, str], list[int]] = {}
        kinds = [ex.cm.classes[c].kind for c in self.classes] if self.fast else []
        for i, (d, kind) in enumerate(zip(targets, kinds)):
            if d.node is not None:
                self.on_node.setdefault((d.node, kind), []).append(i)
        self.templates: dict[object, tuple[list[str], dict[int, int]]] = {}
        self.template_chars = 0
        self.seen: set[object] = set()  # the keys of the templates made once
        # id of a class row → how many sources have it (a template is kept when another source may use it)
        self.sources = collections.Counter(id(ex.cm.rows[g.single]) for g in ex.groups if g.single >= 0)
        self.row_keys: dict[int, object] = {}  # id of a class row (held by the class matrix) → its content

    def _own_node(self, ex: _Expansion, s: _Group) -> list[int]:
        """The destinations ``s``'s own-node rule opens (ClassMatrix.pod_conn), by position."""
        if s.node is None:
            return []
        kind, profile = ex.cm.classes[s.single].kind, ex.cm.profile
        opens = ("node" if kind == "pod" and profile.egress_to_local_node_allowed else
                 "pod" if kind == "node" and profile.ingress_from_local_node_allowed else None)
        return self.on_node.get((s.node, opens), []) if opens else []

    def key(self, ex: _Expansion, s: _Group) -> tuple[Row, list[int], tuple[object, tuple[int, ...]]]:
        """Source ``s``'s class row, the destinations its own-node rule opens, and what makes its template."""
        row = ex.cm.rows[s.single]
        content = self.row_keys.get(id(row))
        if content is None:
            content = self.row_keys[id(row)] = tuple(row) if isinstance(row, list) else tuple(row.items())
        opened = self._own_node(ex, s)
        return row, opened, (content, tuple(opened))

    def cells(self, ex: _Expansion, row: Row, opened: list[int]) -> list[ConnSet]:
        """The row's connections towards the destinations, by position: own-node rules and declared ports
        applied (a source's own cell included)."""
        cells = list(map(row.__getitem__, self.classes))
        for i in opened:
            cells[i] = ALL
        if self.caps is not None:
            cells = list(map(ex.declared_pairs.__getitem__, zip(cells, self.caps)))
        return cells

    def _template(self, ex: _Expansion, row: Row, opened: list[int]) -> tuple[list[str], dict[int, int]]:
        """The row's lines without the source, and where each destination's line is among them."""
        cells = self.cells(ex, row, opened)
        texts: dict[ConnSet, str] = {}
        pieces = [""]
        at: dict[int, int] = {}
        for i, (name, c) in enumerate(zip(self.names, cells)):
            if c is NONE:
                continue
            text = texts.get(c)
            if text is None:
                text = texts[c] = f"{self.texts[c]}{self.end}"
            at[i] = len(pieces)
            pieces.append(name + text)
        return pieces, at

    def row(self, ex: _Expansion, s: _Group, name: str) -> str:
        row, opened, key = self.key(ex, s)
        hit = self.templates.get(key)
        if hit is None:
            hit = self._template(ex, row, opened)
            if key not in self.seen and self.sources[id(row)] < 2:  # kept when a second source will want it
                self.seen.add(key)
            else:
                chars = sum(map(len, hit[0]))
                if self.template_chars + chars > TEMPLATE_CHARS:
                    self.templates.clear()
                    self.template_chars = 0
                self.templates[key] = hit
                self.template_chars += chars
        pieces, at = hit
        me = at.get(self.position.get(id(s), -1))
        if me is not None:  # no line from a peer to itself
            pieces = pieces[:me] + pieces[me + 1:]
        return name.join(pieces)


class _Reached:
    """One distinct row of a plan: the destinations it has a line to (bits by position), how many sources have
    it, and the first one's position (-1: not a destination)."""

    __slots__ = ("bits", "first", "plan", "users")

    def __init__(self, plan: TextPlan, bits: int) -> None:
        self.plan, self.bits, self.users, self.first = plan, bits, 0, -1


class Reach:
    """The peers on at least one line (what ``-o dot`` declares before its edges), read per distinct class row of
    the sources :class:`TextPlan` writes, not per line: a destination is on a line when a row of some other
    source reaches it (a row that two sources have reaches all its destinations; a row of one source, all but
    that source)."""

    def __init__(self, ex: _Expansion) -> None:
        self.ex = ex
        self.plans: dict[int, TextPlan] = {}
        self.rows: dict[tuple[int, object], _Reached] = {}

    def plan(self, targets: list[_Group]) -> TextPlan:
        plan = self.plans.get(id(targets))
        if plan is None:
            plan = self.plans[id(targets)] = TextPlan(self.ex, targets, "", "", Quoted(as_is))
        return plan

    def add(self, plan: TextPlan, s: _Group) -> bool:
        """Count source ``s``'s row; whether it has a line (to a peer other than itself)."""
        row, opened, key = plan.key(self.ex, s)
        hit = self.rows.get((id(plan), key))
        if hit is None:
            cells = plan.cells(self.ex, row, opened)
            hit = self.rows[(id(plan), key)] = _Reached(plan, bits_of(i for i, c in enumerate(cells) if c is not NONE))
        own = plan.position.get(id(s), -1)
        if not hit.users:
            hit.first = own
        hit.users += 1
        return bool(hit.bits & ~(1 << own)) if own >= 0 else bool(hit.bits)

    def destinations(self) -> set[str]:
        reached: dict[int, int] = {}  # id of the plan's targets → the positions reached
        for r in self.rows.values():
            bits = r.bits & ~(1 << r.first) if r.users == 1 and r.first >= 0 else r.bits
            reached[id(r.plan.targets)] = reached.get(id(r.plan.targets), 0) | bits
        return {self.plans[t].targets[i].peer.name for t, bits in reached.items() for i in indices_of(bits)}
