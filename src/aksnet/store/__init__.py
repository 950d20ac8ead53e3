"""The workspace: persistent state of one emulated subscription (SQLite). Knows nothing of Azure rules."""

from aksnet.store.workspace import GENERATION_MARK_PREFIX, STORE_META, Transaction, Workspace, default_home

__all__ = ["GENERATION_MARK_PREFIX", "STORE_META", "Transaction", "Workspace", "default_home"]
