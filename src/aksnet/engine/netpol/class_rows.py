"""The class matrix's rows from its sides: each source class's egress row combined with every destination's
ingress column (``aksnet.engine.netpol.classes`` computes the sides), without a Python step per cell where the
rows are full, and one row object for the sources whose sides are the same. Pure: connection sets in, rows out;
it knows nothing of pods, policies or selectors.
"""

from __future__ import annotations

from aksnet.engine.netpol.conns import ALL, ConnSet

# Cells (references) the memoised sides and rows may hold beyond the class matrix itself: past it they are
# forgotten and made again (memory stays within a bound when every class's rules differ)
MEMO_CELLS = 1 << 24
# One source class's ConnSet per destination class: a list, or (rows outside a focus) a dict of the kept ones
Row = list[ConnSet] | dict[int, ConnSet]


def combine_kept(s: int, eg: list[ConnSet] | None, cols: list[list[ConnSet] | None], only: list[int]) -> Row:
    """Source class ``s``'s row over the destinations ``only`` (a dict): its egress (``None``: not isolated) ∩
    each destination's ingress column (``None``: not isolated)."""
    out: dict[int, ConnSet] = {}
    for d in only:
        col = cols[d]
        e = ALL if eg is None else eg[d]
        out[d] = e if col is None else e & col[s]
    return out


class _Both(dict[tuple[ConnSet, ConnSet], ConnSet]):
    """(egress, ingress) → their intersection, made on first use (a few distinct pairs, millions of cells)."""

    def __missing__(self, key: tuple[ConnSet, ConnSet]) -> ConnSet:
        c = self[key] = key[0] & key[1]
        return c


class IngressRows:
    """The ingress columns read as rows (source ``s`` → each destination's ``col[s]``, ALL where the destination
    is not isolated), each full row combined with the source's egress without a Python step per cell.

    Columns that are one object (destinations whose rules are the same share one) are read once: a source's
    signature is its cell in each distinct column, transposed by C-level ``zip`` a block of sources at a time
    (memory: one block); sources with the same egress row and signature share one row object, built once (a few
    distinct rows for a thousand classes)."""

    BLOCK = 256

    def __init__(self, cols: list[list[ConnSet] | None], n: int) -> None:
        where: dict[int, int] = {}
        self.columns: list[list[ConnSet]] = []
        for c in cols:
            if c is not None and id(c) not in where:
                where[id(c)] = len(self.columns)
                self.columns.append(c)
        unisolated = len(self.columns)  # the signature's last cell: ALL
        self.where = [unisolated if c is None else where[id(c)] for c in cols]
        self.n = n
        self.start = 0
        self.block: list[tuple[ConnSet, ...]] = []
        self.both = _Both()
        # (id of the egress row or 0, signature) → (the egress row, kept alive for its id; the row)
        self.made: dict[tuple[int, tuple[ConnSet, ...]], tuple[list[ConnSet] | None, list[ConnSet]]] = {}
        self.made_cells = 0

    def _signature(self, s: int) -> tuple[ConnSet, ...]:
        if not self.start <= s < self.start + len(self.block):
            lo, hi = s, min(s + self.BLOCK, self.n)
            self.block = list(zip(*[c[lo:hi] for c in self.columns], [ALL] * (hi - lo)))
            self.start = lo
        return self.block[s - self.start]

    def combine(self, s: int, eg: list[ConnSet] | None) -> list[ConnSet]:
        """Source class ``s``'s row: its egress (``None``: not isolated) ∩ each destination's ingress."""
        sig = self._signature(s)
        key = (0 if eg is None else id(eg), sig)
        hit = self.made.get(key)
        if hit is not None:
            return hit[1]
        row = list(map(sig.__getitem__, self.where))
        if eg is not None:
            row = list(map(self.both.__getitem__, zip(eg, row)))
        cells = len(sig) + (0 if eg is None else len(eg))
        if self.made_cells + cells > MEMO_CELLS:
            self.made.clear()
            self.made_cells = 0
        self.made[key] = (eg, row)
        self.made_cells += cells
        return row
