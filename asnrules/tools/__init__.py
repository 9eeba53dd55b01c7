"""The association toolbox: ``from-list``, ``make-pool``, ``diff``, ``validate``, ``report``.

Each command lives in its own module; :mod:`asnrules.cli.toolbox` only parses options and delegates.
"""
