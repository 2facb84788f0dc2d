"""Import antropy with its numba kernels cached on disk.

YASA's ``SleepStaging`` imports antropy for its features, and antropy compiles six
numba kernels eagerly at import, without numba's on-disk cache: 5-7 s on 2 cores,
paid by every process that stages a night (the app's first unscored night, every
``sleeplm`` command that stages). Importing antropy here first, with ``cache=True``
on its ``jit`` decorators, compiles them once per machine; later imports load the
compiled kernels in about a second. ``make install`` does that first import.
"""

from __future__ import annotations

import functools
import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)


def import_antropy() -> ModuleType:
    """The ``antropy`` module, its kernels compiled through numba's on-disk cache.

    numba keeps the cache beside antropy's sources, or in the user's cache folder
    when those are read-only; where neither can be written, antropy is imported as
    it ships (compiled in memory) and a warning says so.
    """
    if "antropy" in sys.modules:
        return sys.modules["antropy"]
    import numba

    plain_jit = numba.jit
    # antropy binds ``from numba import jit`` when it is imported, so the swap only
    # has to last for that import.
    numba.jit = functools.partial(plain_jit, cache=True)
    try:
        import antropy
    except RuntimeError as err:  # numba found no writable cache location
        log.warning("antropy's numba kernels cannot be cached (%s); compiling them in memory", err)
        for name in [m for m in sys.modules if m == "antropy" or m.startswith("antropy.")]:
            del sys.modules[name]
        numba.jit = plain_jit
        import antropy
    finally:
        numba.jit = plain_jit
    return antropy
