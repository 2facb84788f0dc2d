"""antropy's numba kernels (YASA's staging features) go through numba's on-disk cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

IMPORT = ("from sleeplm_core.scoring.antropy_cache import import_antropy; import numpy as np; "
          "print(import_antropy().higuchi_fd(np.sin(np.arange(3000) / 7.0)))")


def test_kernels_are_compiled_into_the_cache_and_read_back(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", IMPORT], env=env, capture_output=True,
                           text=True, check=True)
    cached = sorted(p.name for p in tmp_path.rglob("*.nbi"))
    assert any("higuchi" in name for name in cached), cached
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.nbc")}
    again = subprocess.run([sys.executable, "-c", IMPORT], env=env, capture_output=True,
                           text=True, check=True)
    assert again.stdout == first.stdout and float(first.stdout) > 1.0
    # read back, not compiled again: no compiled kernel was rewritten
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.nbc")} == stamps
