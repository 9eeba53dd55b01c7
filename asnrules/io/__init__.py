"""Pools in (``pool``, ``poolread``), association files out (``output``, ``writing``)."""
