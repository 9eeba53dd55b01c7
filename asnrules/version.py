"""The version of asnrules (written into association files as ``code_version``)."""

__version__ = "0.1.0"
