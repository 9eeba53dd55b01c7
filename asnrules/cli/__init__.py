"""The ``asnrules`` command: ``main`` holds the typer app; each sub-command its module."""
