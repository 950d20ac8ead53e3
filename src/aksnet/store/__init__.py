"""The workspace: persistent state of one emulated subscription (SQLite). Knows nothing of Azure rules."""

from aksnet.store.workspace import STORE_META, Transaction, Workspace, default_home

__all__ = ["STORE_META", "Transaction", "Workspace", "default_home"]
