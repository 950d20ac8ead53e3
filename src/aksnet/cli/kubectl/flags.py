"""A kubectl-style flag parser: flags anywhere among the arguments, ``--f=v``, ``--f v``, ``-n v``,
``-nv``, ``-o=json``, repeated flags, ``--`` ends flags. Unknown flags fail the way kubectl does
(``error: unknown flag: --foo``, exit 1). Must not know any verb.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aksnet.errors import KubeError

GLOBAL_FLAGS: dict[str, tuple[str, ...]] = {
    # name: aliases; value flags only (booleans are declared per verb)
    "namespace": ("-n", "--namespace"),
    "context": ("--context",),
    "kubeconfig": ("--kubeconfig",),
}
GLOBAL_BOOLS: dict[str, tuple[str, ...]] = {"all-namespaces": ("-A", "--all-namespaces")}


@dataclass
class Parsed:
    args: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)
    bools: dict[str, bool] = field(default_factory=dict)
    rest: list[str] = field(default_factory=list)  # after "--"

    def get(self, name: str, default: str | None = None) -> str | None:
        v = self.values.get(name)
        return v[-1] if v else default

    def all(self, name: str) -> list[str]:
        return list(self.values.get(name, []))

    def flag(self, name: str) -> bool:
        return self.bools.get(name, False)


_BOOL_WORDS = {"true": True, "false": False}


def parse(argv: list[str], values: Mapping[str, tuple[str, ...]], bools: Mapping[str, tuple[str, ...]],
          command: str) -> Parsed:
    """Split ``argv`` into positional arguments and flags (global flags are always accepted)."""
    vmap = {alias: name for name, aliases in {**GLOBAL_FLAGS, **values}.items() for alias in aliases}
    bmap = {alias: name for name, aliases in {**GLOBAL_BOOLS, **bools}.items() for alias in aliases}
    out = Parsed()
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            out.rest = argv[i:]
            break
        if not a.startswith("-") or a == "-":
            out.args.append(a)
            continue
        name, eq, inline = a.partition("=")
        if not a.startswith("--") and len(a) > 2 and a[:2] in vmap:
            # pflag's shorthand: -lapp=web and -l=app=web both give "app=web" (parseSingleShortArg)
            name, inline, eq = a[:2], a[3:] if a[2] == "=" else a[2:], "="
        if name in vmap:
            if eq:
                value = inline
            elif i < len(argv):
                value = argv[i]
                i += 1
            else:
                raise KubeError(f"error: flag needs an argument: '{name.lstrip('-')[:1]}' in {name}"
                                if not name.startswith("--") else f"error: flag needs an argument: {name}")
            out.values.setdefault(vmap[name], []).append(value)
        elif name in bmap:
            val = True
            if eq:
                if inline.lower() not in _BOOL_WORDS:
                    raise KubeError(f'error: invalid argument "{inline}" for "{name}" flag: strconv.ParseBool: '
                                    f'parsing "{inline}": invalid syntax')
                val = _BOOL_WORDS[inline.lower()]
            out.bools[bmap[name]] = val
        else:
            shown = name if name.startswith("--") else f"shorthand flag: '{name[1:2]}' in {a}"
            msg = f"error: unknown flag: {shown}" if name.startswith("--") else f"error: unknown {shown}"
            raise KubeError(f"{msg}\nSee 'kubectl {command} --help' for usage.")
    return out
