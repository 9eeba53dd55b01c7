"""``python -m asnrules``."""

from asnrules.cli.main import main

main()
