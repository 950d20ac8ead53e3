"""PeerAuthentication: which mutual TLS mode a workload's sidecar accepts on a port.

The most specific policy wins: a workload policy (selector matching the pod's labels; ``portLevelMtls`` for the
port first), then the namespace's policy (no selector), then the mesh's (no selector, in the root namespace
``aks-istio-system``); a mode ``UNSET`` inherits from the next level, and with nothing set the mode is
``PERMISSIVE``. Of several policies at one level the oldest applies. A client sidecar sends mutual TLS to a
workload with a sidecar unless that workload's mode is ``DISABLE`` (auto mTLS).
Source: https://istio.io/latest/docs/reference/config/security/peer_authentication/,
https://istio.io/latest/docs/concepts/security/#peer-authentication ("Auto mutual TLS", "Policy precedence").
Pure; the model only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aksnet.model import k8s, mesh


@dataclass(frozen=True, slots=True)
class PeerMode:
    mode: str  # STRICT, PERMISSIVE or DISABLE
    policy: str | None  # the deciding PeerAuthentication (namespace/name); None: Istio's default
    level: str  # "port N of the workload", "workload", "namespace", "mesh" or "default"

    def describe(self) -> str:
        if self.policy is None:
            return f"no PeerAuthentication sets a mode: {self.mode} (Istio's default)"
        return f"PeerAuthentication {self.policy} ({self.level}): mode {self.mode}"


def selects(selector: tuple[tuple[str, str], ...] | None, labels: Mapping[str, str]) -> bool:
    """A workload selector (``matchLabels``) against a pod's labels; no selector (or an empty one) selects all."""
    return all(labels.get(k) == v for k, v in selector or ())


def _oldest(policies: list[mesh.PeerAuthentication]) -> mesh.PeerAuthentication | None:
    return min(policies, key=lambda p: p.creation_index) if policies else None


def peer_mode(world: mesh.MeshWorld, pod: k8s.Pod, port: int) -> PeerMode:
    """The mTLS mode the sidecar of ``pod`` enforces on ``port`` (the workload's port)."""
    here = [p for p in world.peer_authentications if p.namespace == pod.namespace]
    workload = _oldest([p for p in here if p.selector and selects(p.selector, pod.labels)])
    namespace = _oldest([p for p in here if not p.selector])
    root = _oldest([p for p in world.peer_authentications
                    if p.namespace == world.root_namespace and not p.selector])
    if workload is not None:
        port_mode = dict(workload.port_modes).get(port, mesh.UNSET)
        if port_mode != mesh.UNSET:
            return PeerMode(port_mode, workload.key, f"portLevelMtls {port} of the workload")
        if workload.mode != mesh.UNSET:
            return PeerMode(workload.mode, workload.key, "workload")
    if namespace is not None and namespace.mode != mesh.UNSET:
        return PeerMode(namespace.mode, namespace.key, "namespace")
    if root is not None and root.mode != mesh.UNSET:
        return PeerMode(root.mode, root.key, "mesh")
    return PeerMode(mesh.PERMISSIVE, None, "default")
