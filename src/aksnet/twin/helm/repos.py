"""``helm repo add|update|list|remove``: the client's repository list, kept in the workspace (meta key
``helm:repositories``) instead of ``~/.config/helm/repositories.yaml``.

Only repositories whose charts aksnet carries (``aksnet.twin.helm.charts.KNOWN_REPOSITORIES``) can be added,
offline; any other URL fails as helm does when it cannot fetch ``index.yaml``. Messages are helm's
(``pkg/cmd/repo_add.go``, ``repo_update.go``, ``repo_list.go``).
"""

from __future__ import annotations

import json

from aksnet.store import Transaction
from aksnet.twin.helm.charts import KNOWN_REPOSITORIES
from aksnet.twin.helm.values import HelmError

META_KEY = "helm:repositories"


def list_repos(tx: Transaction) -> list[dict[str, str]]:
    raw = tx.meta_get(META_KEY)
    return list(json.loads(raw)) if raw else []


def _save(tx: Transaction, repos: list[dict[str, str]]) -> None:
    tx.meta_set(META_KEY, json.dumps(repos))


def add_repo(tx: Transaction, name: str, url: str, force_update: bool = False) -> str:
    """Add ``name`` → ``url``; returns helm's message."""
    url_n = url.rstrip("/")
    repos = list_repos(tx)
    existing = next((r for r in repos if r["name"] == name), None)
    if existing is not None and not force_update:
        if existing["url"] == url_n:
            return f'"{name}" already exists with the same configuration, skipping'
        raise HelmError(f"repository name ({name}) already exists, please specify a different name")
    if url_n not in KNOWN_REPOSITORIES.values():
        raise HelmError(f'looks like "{url}" is not a valid chart repository or cannot be reached: failed to fetch '
                        f"{url_n}/index.yaml : 404 Not Found")
    repos = [r for r in repos if r["name"] != name] + [{"name": name, "url": url_n}]
    _save(tx, repos)
    return f'"{name}" has been added to your repositories'


def remove_repo(tx: Transaction, name: str) -> str:
    repos = list_repos(tx)
    if not any(r["name"] == name for r in repos):
        raise HelmError(f'no repo named "{name}" found')
    _save(tx, [r for r in repos if r["name"] != name])
    return f'"{name}" has been removed from your repositories'


def update_repos(tx: Transaction, names: list[str] | None = None) -> str:
    repos = list_repos(tx)
    if not repos:
        raise HelmError("no repositories found. You must add one before updating")
    for n in names or []:
        if not any(r["name"] == n for r in repos):
            raise HelmError(f"no repositories found matching '{n}'.  Nothing will be updated")
    lines = ["Hang tight while we grab the latest from your chart repositories..."]
    for r in repos:
        if names and r["name"] not in names:
            continue
        lines.append(f'...Successfully got an update from the "{r["name"]}" chart repository')
    lines.append("Update Complete. ⎈Happy Helming!⎈")
    return "\n".join(lines)


def repo_url(tx: Transaction, name: str) -> str | None:
    return next((r["url"] for r in list_repos(tx) if r["name"] == name), None)
