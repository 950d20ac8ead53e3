"""The catalogue of platform rules: every Azure, AKS, Kubernetes and ingress-nginx constant or small rule that
more than one part of aksnet needs, defined once, each with its public source beside it.

This package is the bottom layer: standard library only, importable by model, engine, twin, dataplane and
cli alike. It must not import anything from ``aksnet`` and must not hold behaviour bigger than a rule one
line of documentation states (evaluation belongs to ``aksnet.engine``). ``tests/test_rules_home.py`` fails
when a guarded literal appears anywhere else in ``src/aksnet``.
"""
