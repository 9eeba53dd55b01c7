"""``python -m asnrules``."""

from .cli import main

main()
