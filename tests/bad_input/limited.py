"""Run ``asnrules ARGS`` with little memory: ``python limited.py MB ARGS...``.

asnrules and what it imports are loaded first; then the address space is limited to
what is mapped plus ``MB`` megabytes, so that the run itself (reading a pool) is what
runs out.
"""

import resource
import sys

import astropy.io.ascii
import astropy.table  # noqa: F401

import asnrules.api  # noqa: F401
from asnrules.cli.main import main
from asnrules.language.loader import load_rulesets

load_rulesets(["stage3"])


def mapped() -> int:
    """Bytes of address space mapped now."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * resource.getpagesize()


limit = mapped() + int(sys.argv[1]) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))
sys.argv = ["asnrules", *sys.argv[2:]]
main()
