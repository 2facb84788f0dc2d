"""Keeping the server small: per-session memory, idle eviction and a cap on loaded nights.

Every browser tab starts on the shared default night, which costs next to nothing.
A tab that loads a night of its own (an upload or another bundled night) holds it
in memory: an 8-h night is about 170 MB (raw signals as float32, 64-Hz model
epochs, features, embeddings, plus 7 MB of float16 time-bin vectors with a
dense-token model; see ``bench/server.py``). The :class:`SessionRegistry`
counts those sessions and measures each one, refuses a new night beyond
:attr:`SessionLimits.max_sessions` with one line, and evicts a session left idle
for :attr:`SessionLimits.idle_minutes`: its night goes back to the default one
and the files it uploaded are deleted.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sleeplm_core.errors import SleepLMError

log = logging.getLogger(__name__)


_LOADING = "(loading)"
"""Name of a slot reserved by :meth:`SessionRegistry.admit` until the night is held."""


class SessionLimitError(SleepLMError):
    """The server holds as many loaded nights as it may; the message says what to do."""


@dataclass(frozen=True)
class SessionLimits:
    """How many sessions may hold a night of their own, and for how long.

    Attributes:
        max_sessions: most sessions holding their own night at once.
        idle_minutes: a session unused this long is evicted (night dropped, uploads deleted).
        sweep_seconds: how often a background thread looks for idle sessions (at
            least four times per idle limit).
    """

    max_sessions: int = 16
    idle_minutes: float = 30.0
    sweep_seconds: float = 60.0


@dataclass
class _Held:
    """What the registry knows of one session that holds its own night."""

    session: weakref.ref
    name: str
    megabytes: float = 0.0
    files: tuple[Path, ...] = ()
    last_used: float = field(default_factory=time.monotonic)


def deep_megabytes(obj: Any) -> float:
    """Memory held by ``obj`` in MB: numpy buffers (each counted once, a view by its base;
    memory-mapped files not at all) plus the Python objects it reaches (dataclasses and
    other instances, dicts, lists, tuples; functions and classes are not followed)."""
    seen: set[int] = set()
    stack, total = [obj], 0
    while stack:
        item = stack.pop()
        if id(item) in seen or callable(item):
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            base = item
            while isinstance(base.base, np.ndarray):
                base = base.base
            if base is item or id(base) not in seen:
                seen.add(id(base))
                total += 0 if isinstance(base, np.memmap) else base.nbytes
            continue
        total += sys.getsizeof(item)  # a DataFrame reports its deep size here
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif hasattr(item, "__dict__") and not hasattr(item, "columns"):
            stack.extend(vars(item).values())
    return total / 1024**2


def process_rss_mb() -> float:
    """Resident memory of this process in MB (Linux ``/proc``; 0 where unavailable)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * 4096 / 1024**2


def release_freed_memory() -> None:
    """Hand memory Python has freed back to the OS (glibc keeps freed heap otherwise)."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


class SessionRegistry:
    """The sessions that hold a night of their own: counted, measured and evicted when idle.

    Args:
        limits: the cap and the idle time.
        upload_root: folder of uploaded files; only files under it are ever deleted.
        reset: puts an evicted session back on the default night.
    """

    def __init__(self, limits: SessionLimits, upload_root: Path,
                 reset: Callable[[Any], None]) -> None:
        self.limits = limits
        self.upload_root = upload_root.resolve()
        self._reset = reset
        self._held: dict[int, _Held] = {}
        self._notices: dict[int, str] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()

    # -- per request -------------------------------------------------------------
    def touch(self, session: Any) -> None:
        """Mark ``session`` as used now."""
        with self._lock:
            held = self._held.get(id(session))
            if held is not None and held.session() is session:
                held.last_used = time.monotonic()

    def notice(self, session: Any) -> str:
        """The one-time notice for a session that was evicted, else ""."""
        with self._lock:
            return self._notices.pop(id(session), "")

    def admit(self, session: Any) -> None:
        """Reserve a slot for ``session`` to load a night of its own (a session replacing
        its own night keeps its slot); :meth:`hold` fills it, :meth:`cancel` frees it.

        Raises:
            SessionLimitError: the cap is reached even after evicting idle sessions.
        """
        with self._lock:
            if id(session) in self._held:
                return
            self.sweep()
            if len(self._held) >= self.limits.max_sessions:
                raise SessionLimitError(
                    f"the server already holds {len(self._held)} loaded nights, its limit; try again in a "
                    f"few minutes (sessions idle for {self.limits.idle_minutes:g} min are closed) or start "
                    "the app with a higher --max-sessions")
            # Reserve the slot now, so that concurrent loads cannot overshoot the cap.
            self._held[id(session)] = _Held(weakref.ref(session, self._forget(id(session))), _LOADING)

    def cancel(self, session: Any) -> None:
        """Give back the slot :meth:`admit` reserved when the load failed."""
        with self._lock:
            held = self._held.get(id(session))
            if held is not None and held.name == _LOADING:
                del self._held[id(session)]

    def hold(self, session: Any, night: Any, name: str, files: tuple[Path | None, ...]) -> float:
        """Record that ``session`` now holds ``night`` (read from ``files``); returns its MB.

        Uploads of the night it replaces are deleted unless another session still holds them.
        """
        megabytes = deep_megabytes(night)
        uploads = tuple(p.resolve() for p in files if p is not None and self._is_upload(p))
        with self._lock:
            old = self._held.get(id(session))
            self._held[id(session)] = _Held(weakref.ref(session, self._forget(id(session))),
                                           name, megabytes, uploads)
            if old is not None:
                self._delete_unheld(old.files)
        release_freed_memory()
        log.info("session %x holds %s: %.0f MB (%s)", id(session), name, megabytes, self.report())
        return megabytes

    # -- eviction ------------------------------------------------------------------
    def sweep(self, now: float | None = None) -> list[str]:
        """Evict every session idle longer than the limit; returns the names of their nights."""
        now = time.monotonic() if now is None else now
        idle_s = self.limits.idle_minutes * 60.0
        with self._lock:
            # A slot reserved for a load in progress is not idle; one whose load died
            # without cancelling (a dropped connection) is freed after four idle limits.
            stale = [key for key, held in self._held.items()
                     if now - held.last_used > idle_s * (4 if held.name == _LOADING else 1)]
            names = [self._evict(key) for key in stale]
        if names:
            release_freed_memory()
            log.info("evicted %d idle session(s): %s (%s)", len(names), ", ".join(names), self.report())
        return names

    def start(self) -> None:
        """Sweep in a daemon thread every ``sweep_seconds`` until :meth:`stop`."""
        # A short idle limit needs a sweep more often than once a minute.
        interval = min(self.limits.sweep_seconds, self.limits.idle_minutes * 15.0)

        def loop() -> None:
            while not self._stop.wait(interval):
                self.sweep()
        threading.Thread(target=loop, name="session-sweeper", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _evict(self, key: int) -> str:
        held = self._held.pop(key)
        session = held.session()
        if session is not None:
            self._reset(session)
            self._notices[key] = (f"⚠️ {held.name} was closed after {self.limits.idle_minutes:g} min "
                                  "without use to free memory; its uploads were deleted. Load it again "
                                  "to continue.")
        self._delete_unheld(held.files)
        return held.name

    def _forget(self, key: int) -> Callable[[weakref.ref], None]:
        """Weakref callback: Gradio dropped the session's state, so drop it here too."""
        def forget(ref: weakref.ref) -> None:
            with self._lock:
                held = self._held.get(key)
                self._notices.pop(key, None)
                if held is not None and held.session is ref:
                    del self._held[key]
                    # Once stopped, the server is closing and its states are collected
                    # later, when an upload of the same content (Gradio names uploads by
                    # content) may belong to another server in this process.
                    if not self._stop.is_set():
                        self._delete_unheld(held.files)
        return forget

    # -- files and figures -----------------------------------------------------------
    def _is_upload(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.upload_root)

    def _delete_unheld(self, files: tuple[Path, ...]) -> None:
        """Delete uploaded ``files`` no held session still uses (Gradio shares identical uploads)."""
        in_use = {p for held in self._held.values() for p in held.files}
        for path in files:
            if path in in_use:
                continue
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()  # Gradio's per-upload folder, when now empty
            except OSError:
                pass

    def stats(self) -> tuple[int, float]:
        """(sessions holding a night of their own, the MB those nights hold)."""
        with self._lock:
            return len(self._held), sum(h.megabytes for h in self._held.values())

    def report(self) -> str:
        """One line: sessions held against the cap, their memory, the process RSS."""
        n, total = self.stats()
        return (f"{n}/{self.limits.max_sessions} loaded nights, {total:.0f} MB in nights, "
                f"process RSS {process_rss_mb():.0f} MB")
