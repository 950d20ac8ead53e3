"""What every kubectl verb shares: flags → transaction, cluster, API server and namespace; printing errors
of one object without stopping the others. Must not contain verb logic."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aksnet.cli.common import command_transaction
from aksnet.cli.kubectl import context
from aksnet.twin.kube.apiserver import ApiServer

if TYPE_CHECKING:
    from aksnet.cli.kubectl.flags import Parsed
    from aksnet.store import Transaction


@dataclass
class Session:
    tx: Transaction
    cluster_id: str
    api: ApiServer
    namespace: str
    explicit_namespace: bool
    all_namespaces: bool

    def reconcile(self) -> None:
        """Run the controllers now; the object cache they wrote back is reopened for what the command does next."""
        from aksnet.twin.controller_manager import reconcile_cluster

        reconcile_cluster(self.tx, self.cluster_id)
        self.api = ApiServer(self.tx, self.cluster_id)


@contextmanager
def open_session(p: Parsed, write: bool) -> Iterator[Session]:
    with command_transaction(write=write) as tx:
        kc = p.get("kubeconfig")
        cid = context.cluster_id(tx, p.get("context"), kc)
        ns = p.get("namespace")
        explicit = ns is not None
        if ns is None:
            ns = context.default_namespace(tx, p.get("context"), kc)
        api = ApiServer(tx, cid)
        yield Session(tx, cid, api, ns, explicit, p.flag("all-namespaces"))
        if write:  # the controllers: imported only by commands that change something
            from aksnet.cli.kubectl import gateway_controller
            from aksnet.twin.controller_manager import reconcile_cluster

            # the Gateway API status follows the controllers (a Gateway's address is its Service's frontend)
            reconcile_cluster(tx, cid)
            after = ApiServer(tx, cid)
            gateway_controller.refresh(after)
            after.close()
        else:
            api.close()


def err(text: str) -> None:
    print(text, file=sys.stderr)
