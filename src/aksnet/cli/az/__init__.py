"""``aksnet az``: an az-compatible subset built on knack, the framework az itself is built on."""

from __future__ import annotations


def run(argv: list[str]) -> int:
    from aksnet.cli.az.app import invoke

    return invoke(argv)
