"""Compatibility layers: other generators' Python APIs over asnrules (``compat.jwst``)."""
