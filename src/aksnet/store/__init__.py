"""The workspace: persistent state of one emulated subscription (SQLite). Knows nothing of Azure rules."""

from aksnet.store.workspace import Transaction, Workspace, default_home

__all__ = ["Transaction", "Workspace", "default_home"]
