"""What tells a rule writer why: lint against a pool, run warnings, ``explain``, rule tests."""
