"""JWST-specific behaviour that the rulesets refer to by name (hooks)."""
