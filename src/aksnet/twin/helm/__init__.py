"""Helm 3, emulated: chart repositories, the built-in charts, releases stored as helm stores them (Secrets
``sh.helm.release.v1.<name>.v<N>``), and install/upgrade/uninstall through the emulated API server."""
