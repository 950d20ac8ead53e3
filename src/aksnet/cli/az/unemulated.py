"""Real az flags that aksnet accepts without emulating them, and az's answer to a misspelt flag.

A flag of today's az that has no networking effect (monitoring, Entra ID, upgrade channels, ACR, disk and OS
options…) is taken off the command line before knack parses it, with one line on stderr saying so; the command
then runs as if the flag were absent. A real flag that does change networking but is not emulated is refused,
and changes nothing. Anything else unknown stays for knack, whose ``unrecognized arguments`` error
:func:`typo_hint` completes with the closest known flag. This module must not touch the workspace.
Flag lists: azure-cli ``acs/_params.py`` and ``_help.py`` (``az aks create/update/nodepool add``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

NOTE = "see docs/fidelity.md"

# flags that take no value (store_true in azure-cli); every other listed flag takes one value
_SWITCHES = frozenset({
    "--enable-msi-auth-for-monitoring", "--enable-aad", "--enable-azure-rbac", "--disable-rbac", "--enable-rbac",
    "--enable-oidc-issuer", "--enable-workload-identity", "--enable-defender", "--enable-azure-monitor-metrics",
    "--enable-keda", "--enable-vpa", "--enable-image-cleaner", "--enable-secret-rotation", "--enable-ahub",
    "--skip-subnet-role-assignment", "--enable-fips-image", "--enable-encryption-at-host", "--enable-ultra-ssd",
    "--enable-blob-driver", "--disable-disk-driver", "--disable-file-driver", "--disable-snapshot-controller",
    "--enable-cost-analysis", "--uptime-sla", "--enable-syslog", "--enable-high-log-scale-mode",
    "--disable-local-accounts", "--enable-windows-gmsa", "--enable-static-egress-gateway",
    "--disable-azure-monitor-metrics", "--disable-defender", "--disable-keda", "--disable-vpa",
    "--disable-image-cleaner", "--disable-cost-analysis", "--disable-workload-identity",
})

_AKS_INERT = (
    "--workspace-resource-id", "--enable-msi-auth-for-monitoring", "--attach-acr", "--detach-acr", "--tier",
    "--os-sku", "--node-osdisk-size", "--node-osdisk-type", "--enable-aad", "--aad-admin-group-object-ids",
    "--aad-tenant-id", "--enable-azure-rbac", "--disable-rbac", "--enable-rbac", "--enable-oidc-issuer",
    "--enable-workload-identity", "--auto-upgrade-channel", "--node-os-upgrade-channel", "--enable-defender",
    "--defender-config", "--enable-azure-monitor-metrics", "--enable-keda", "--enable-vpa", "--enable-image-cleaner",
    "--image-cleaner-interval-hours", "--enable-secret-rotation", "--rotation-poll-interval", "--enable-ahub",
    "--windows-admin-username", "--windows-admin-password", "--admin-username", "--service-principal",
    "--client-secret", "--skip-subnet-role-assignment", "--enable-fips-image", "--enable-encryption-at-host",
    "--enable-ultra-ssd", "--enable-blob-driver", "--disable-disk-driver", "--disable-file-driver",
    "--disable-snapshot-controller", "--enable-cost-analysis", "--kubelet-config", "--linux-os-config",
    "--aks-custom-headers", "--uptime-sla", "--gpu-instance-profile", "--snapshot-id", "--message-of-the-day",
    "--nodepool-tags", "--enable-syslog", "--data-collection-settings", "--enable-high-log-scale-mode",
    "--disable-local-accounts", "--node-resource-group", "--storage-pool-name", "--enable-windows-gmsa",
    "--ampls-resource-id", "--azure-keyvault-kms-key-id", "--disable-azure-monitor-metrics", "--disable-defender",
    "--disable-keda", "--disable-vpa", "--disable-image-cleaner", "--disable-cost-analysis",
    "--disable-workload-identity", "--ssh-access", "--os-type", "--priority", "--spot-max-price",
    "--eviction-policy",
)
_POOL_INERT = ("--os-sku", "--node-osdisk-size", "--node-osdisk-type", "--enable-fips-image",
               "--enable-encryption-at-host", "--enable-ultra-ssd", "--kubelet-config", "--linux-os-config",
               "--aks-custom-headers", "--gpu-instance-profile", "--snapshot-id", "--message-of-the-day", "--tags",
               "--os-type", "--priority", "--spot-max-price", "--eviction-policy", "--ssh-access")

# add-ons of ``--enable-addons``/``-a`` with no networking effect; the others (http_application_routing,
# virtual-node) route or address traffic and are refused
INERT_ADDONS = frozenset({"monitoring", "azure-policy", "azure-keyvault-secrets-provider", "open-service-mesh",
                          "confcom"})

INERT_FLAGS: dict[tuple[str, ...], frozenset[str]] = {
    ("aks", "create"): frozenset(_AKS_INERT),
    ("aks", "update"): frozenset(_AKS_INERT),
    ("aks", "nodepool", "add"): frozenset(_POOL_INERT),
}
# real flags whose networking effect aksnet does not model: refused
NETWORKING_FLAGS: dict[tuple[str, ...], frozenset[str]] = {
    ("aks", "create"): frozenset({"--enable-node-public-ip", "--node-public-ip-prefix-id", "--ppg",
                                  "--aci-subnet-name", "--load-balancer-outbound-ip-prefixes", "--edge-zone",
                                  "--enable-static-egress-gateway"}),
    ("aks", "nodepool", "add"): frozenset({"--enable-node-public-ip", "--node-public-ip-prefix-id", "--ppg",
                                           "--allowed-host-ports", "--asg-ids"}),
}


@dataclass(frozen=True)
class Screened:
    """What remains for knack, the notes to print, and a refusal (a message) when a flag cannot be honoured."""

    argv: list[str]
    notes: list[str]
    refusal: str | None = None


def _command(argv: list[str]) -> tuple[str, ...]:
    words: list[str] = []
    for a in argv:
        if a.startswith("-"):
            break
        words.append(a)
    return tuple(words)


def note(shown: str, networking: bool) -> str:
    """aksnet's note for a real az option it does not emulate (refused when it changes networking)."""
    effect = "it changes networking, so the command is refused" if networking else "no networking effect"
    return f"aksnet: '{shown}' is an az option that aksnet does not emulate ({effect}); {NOTE}"


def screen(argv: list[str]) -> Screened:
    """Take the listed real-but-unemulated flags (``--flag value`` or ``--flag=value``) out of ``argv``.

    ``--enable-addons``/``-a`` is split: add-ons without a networking effect are noted and dropped, the
    others refuse the command."""
    cmd = _command(argv)
    inert = INERT_FLAGS.get(cmd, frozenset())
    networking = NETWORKING_FLAGS.get(cmd, frozenset())
    addons_ok = cmd == ("aks", "create")
    kept: list[str] = []
    notes: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        flag, eq, inline = arg.partition("=")
        takes_value = flag not in _SWITCHES
        if flag in inert or flag in networking or (addons_ok and flag in ("--enable-addons", "-a")):
            value = inline if eq else (argv[i + 1] if takes_value and i + 1 < len(argv) else "")
            i += 1 if eq or not takes_value else 2
            shown = f"{flag} {value}".strip()
            if flag in networking:
                return Screened(argv, notes, note(shown, True))
            if flag in ("--enable-addons", "-a"):
                bad = [a for a in value.split(",") if a.strip() and a.strip().lower() not in INERT_ADDONS]
                if bad:
                    return Screened(argv, notes, note(f"{flag} {','.join(bad)}", True))
            notes.append(note(shown, False))
            continue
        kept.append(arg)
        i += 1
    return Screened(kept, notes)


def typo_hint(unknown: str, known: list[str]) -> str | None:
    """The closest known flag to a misspelt one (difflib, az's cutoff 0.7), or None."""
    flag = unknown.partition("=")[0]
    close = difflib.get_close_matches(flag, [k for k in known if k.startswith("--")], n=1, cutoff=0.7)
    return close[0] if close else None
