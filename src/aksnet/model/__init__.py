"""The model: frozen dataclasses describing Azure networking and Kubernetes objects as the engines see them.

Stdlib only. It knows nothing of files, CLIs, SQLite or the kernel; wire formats (camelCase ARM JSON,
Kubernetes manifests) are turned into these objects in ``aksnet.io``.
"""
