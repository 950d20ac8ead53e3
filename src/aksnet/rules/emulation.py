"""Conventions of the emulation itself (not platform rules) that more than one module must agree on.
Stdlib only."""

from __future__ import annotations

# The internet client of trace, curl, matrix, exposure and the data plane when none is named: an address of
# the documentation range TEST-NET-2 (https://www.rfc-editor.org/rfc/rfc5737), so it never belongs to anyone.
DEFAULT_INTERNET_CLIENT = "198.51.100.10"
