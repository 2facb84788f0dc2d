"""A night loaded into the app: the recording, its epochs, embeddings and predictions.

Loading is split in two so that the UI can draw the night before the model has
seen it: :func:`read_night` opens the files and computes the spectrogram (fast),
:func:`embed_night` encodes the epochs and predicts stages (the slow part).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from app.engine import Engine
from app.plots import NightView, Spectrogram, Trace, compute_spectrogram
from sleeplm_core.captions.night import caption_variants
from sleeplm_core.features.heart import SPO2_RANGE, uncalibrated
from sleeplm_core.features.night import FEATURES_VERSION, NightFeatures, night_features
from sleeplm_core.features.signals import epoch_means
from sleeplm_core.features.temperature import body_temperature
from sleeplm_core.heads.night import EmbeddedNight
from sleeplm_core.heads.summary import NightSummary, summarize_night
from sleeplm_core.io.epochs import recut_over_sleep
from sleeplm_core.io.epochset import AUX_CHANNELS, CANONICAL_CHANNELS, EpochSet
from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event, Recording
from sleeplm_core.scoring import MachineScoring, score_night
from sleeplm_core.scoring.agreement import agreement
from sleeplm_core.scoring.channels import Usability, unusable
from sleeplm_core.scoring.config import ScoringConfig
from sleeplm_core.scoring.coverage import blind_types
from sleeplm_core.scoring.rem_atonia import AtoniaConfig, RemAtonia, rem_atonia
from sleeplm_core.scoring.rhythm import Rhythm, heart_rhythm
from sleeplm_core.scoring.snore import SnoreLoudness, snore_loudness

log = logging.getLogger(__name__)

BurstMeasure = Callable[..., float | None]
"""A measure of one EEG burst: ``(signal, start_s, end_s, band_hz) -> value | None``."""

Progress = Callable[[float, str], None]
"""Reports (fraction done in [0, 1], what is happening)."""

# Preference order for the whole-night spectrogram: central EEG first.
_SPECTRO_ORDER = ("EEG_C3", "EEG_C4")
# Captions are short (one or two sentences); a tighter token budget bounds the time a
# model that does not stop early can take.
_CAPTION_TOKENS = 64
SNORE_COLUMN = "respiratory.snore.loudness [dB]"
SURE_NREM_REM_ODDS = 0.1
"""REM odds under which a machine-staged NREM epoch sets the REM-atonia rule's NREM minimum.
True REM that YASA staged N2 carries REM's low chin tone; on synthetic nights with scoring
(seeds 10616, 10920) most of those epochs held REM odds of 0.1 or more (35 of 48, 19 of 26), and
leaving out the NREM epochs at those odds brought the unscored night's share without atonia from
59 % and 27 % to 21 % and 24 %, against the scored 23 % and 24 %."""
_MIN_REFERENCE_EPOCHS = 20
"""Feature-frame column of each epoch's mean snore loudness (dB over the sensor's quiet level),
read from the snore channel by the app: no caption states it."""
TEMP_COLUMN = "body.temperature.mean [°C]"
"""Feature-frame column of each epoch's mean body temperature (°C), read from a temperature
channel by the app (:mod:`sleeplm_core.features.temperature`): no caption states it."""
CHIN_TONE_COLUMN = "position_muscle.chin_tone.spread [ratio]"
"""Feature-frame column of each epoch's chin EMG spread over the night's median epoch (1 =
typical): tone, which even a 1-Hz chin envelope shows, read by the app (:meth:`LoadedNight.chin_tones`)."""
_EMG_SLOT = CANONICAL_CHANNELS.index("EMG_CHIN")


@dataclass
class LoadedNight:
    """One night as the app holds it.

    Attributes:
        name: display name (file name or bundled night name).
        recording: signals, scoring and events.
        montage: channel mapping report of the loader.
        epochs: model-ready epochs.
        spectrogram: whole-night spectrogram of the best EEG, None without EEG.
        embedded: epoch embeddings, None until :func:`embed_night` ran.
        predicted: predicted stage code per epoch, None until embedded.
        confidence: probability of each predicted stage.
        proba: stage probabilities (n_epochs, 5).
        features: measured per-epoch features, None until embedded.
        machine: the machine scoring of the signals (``sleeplm_core.scoring``), None
            until :func:`embed_night` ran.
        model_stages: answers rest on the model's stages even where the night has a human or
            machine staging (:meth:`model_view`).
    """

    name: str
    recording: Recording
    montage: Any
    epochs: EpochSet
    spectrogram: Spectrogram | None
    embedded: EmbeddedNight | None = None
    predicted: np.ndarray | None = None
    confidence: np.ndarray | None = None
    proba: np.ndarray | None = None
    features: NightFeatures | None = None
    machine: MachineScoring | None = None
    model_stages: bool = False
    _summary: dict[str, NightSummary] = field(default_factory=dict, repr=False)
    _frame: pd.DataFrame | None = field(default=None, repr=False)
    _generated: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)
    _snore: tuple[SnoreLoudness | None] | None = field(default=None, repr=False)
    _rhythm: tuple[Rhythm | None, str] | None = field(default=None, repr=False)
    _bursts: dict[tuple[str, str, float, float, tuple[float, float]], float | None] = field(
        default_factory=dict, repr=False)

    @property
    def n_epochs(self) -> int:
        return len(self.epochs)

    def stages(self) -> tuple[np.ndarray, str]:
        """Stage per model epoch and its source: the human scoring ("scored") when there is
        one, else the machine scoring (e.g. "machine-scored (YASA, EEG Fpz-Cz)"), else the
        model's zero-shot prediction ("predicted"); "none" when there is nothing."""
        if self.model_stages and self.predicted is not None:
            return self.predicted, "predicted"
        scored = self.scored()
        if scored is not None:
            return scored, "scored"
        machine = self.machine_stages()
        if machine is not None:
            return machine, self.machine.label()
        if self.predicted is None:
            return np.full(self.n_epochs, -1, dtype=np.int8), "none"
        return self.predicted, "predicted"

    def machine_stages(self) -> np.ndarray | None:
        """Machine-scored stage per model epoch, None when the night could not be staged."""
        if self.machine is None or not self.machine.has_stages:
            return None
        return self.machine.stages_at(self.epochs.starts)

    def machine_proba(self, epochs: np.ndarray | slice) -> np.ndarray | None:
        """The machine staging's stage probabilities (n, 5; NaN outside its epochs) at the model
        ``epochs``, None when the night could not be staged."""
        if self.machine is None or not self.machine.has_stages or self.model_stages:
            # the machine's odds say nothing of the model's stages, which answers then rest on
            return None
        return self.machine.proba_at(np.atleast_1d(self.epochs.starts[epochs]))

    def scored(self) -> np.ndarray | None:
        """Scored stage per model epoch, None when the night has no scoring."""
        if not np.any(self.epochs.stages >= 0):
            return None
        return np.asarray(self.epochs.stages)

    def machine_view(self) -> LoadedNight | None:
        """The night as the machine scored it: its human stages and events set aside, so that
        answers rest on the machine scoring ("how many spindles did YASA find?"); None when
        the night has no human scoring or no machine scoring to show instead."""
        if self.machine is None or (not self.recording.events and self.scored() is None):
            return None
        rec = replace(self.recording, stages=np.zeros(0, dtype=np.int8), events=[])
        return replace(self, recording=rec, epochs=replace(self.epochs, stages=np.full(self.n_epochs, -1)),
                       _summary={})

    def model_view(self) -> LoadedNight | None:
        """The night as the model staged it: its stage answers rest on the model's zero-shot
        stages ("REM latency according to the model?") and its events stay; None before the
        night is embedded."""
        if self.predicted is None:
            return None
        return replace(self, model_stages=True, _summary={})

    def model_check(self) -> LoadedNight | None:
        """The night as the model staged it, where its stages are a machine's nobody checked,
        for the verdicts the two stagings may read apart; None on a human-scored or a
        model-staged night, or before the night is embedded."""
        if self.stages()[1] in ("scored", "predicted", "none"):
            return None
        return self.model_view()

    def scored_events(self) -> tuple[list[Event], str]:
        """Events the answers rest on, with where they come from.

        The human scoring's events when the recording came with any; the machine
        scoring's otherwise (see ``sleeplm_core.scoring``). Returns (events sorted by
        onset, source) where source is "scored" for human scoring, or a label naming the
        tool, e.g. "machine-scored (YASA, EEG Fpz-Cz)"; "none" when neither exists.
        """
        if self.recording.events:
            return list(self.recording.events), "scored"
        if self.machine is not None and self.machine.events:
            return list(self.machine.events), self.machine.events_label()
        return [], "none"

    def is_recording(self, library_name: str) -> bool:
        """Whether a library recording of that name is this night: the library names a recording
        by its file's stem, an upload is named by its file name ("SC4001E0_inbed.edf")."""
        return library_name in (self.name, Path(self.name).stem)

    def blind_types(self) -> dict[str, str]:
        """Event type -> why this night's channels cannot show it
        (:func:`~sleeplm_core.scoring.coverage.blind_types`)."""
        return blind_types(self.recording, self.epochs.slots)

    def agreement(self) -> str:
        """Machine vs human scoring in one line ("κ 0.81 (841 epochs, 30 min either side of the scored
        sleep); event F1: ..."), "" without both."""
        rec = self.recording
        if self.machine is None or not (rec.has_scoring or rec.events):
            return ""
        return agreement(self.machine, rec.stages, rec.stage_offset, rec.events).summary()

    def epoch_at(self, seconds: float) -> int:
        """Index of the epoch that contains ``seconds`` (clipped to the night)."""
        i = int(np.searchsorted(self.epochs.starts, seconds, side="right")) - 1
        return int(np.clip(i, 0, self.n_epochs - 1))

    def traces(self) -> list[Trace]:
        """Channels to display: model channels in canonical order, then auxiliary ones."""
        sig = self.recording.signals
        names = [(c, self.epochs.mapping.get(c)) for c in CANONICAL_CHANNELS]
        names += [(c, self.epochs.aux_mapping.get(c)) for c in AUX_CHANNELS]
        return [Trace(name, sig[label]) for name, label in names if label in sig]

    def snore(self) -> SnoreLoudness | None:
        """Snore loudness per second from the snore channel (``sleeplm_core.scoring.snore``),
        read once; None without a snore channel or when it is flat."""
        if self._snore is None:
            label = self.epochs.aux_mapping.get("SNORE")
            sig = self.recording.signals.get(label) if label else None
            self._snore = (snore_loudness(sig) if sig is not None else None,)
        return self._snore[0]

    def rhythm(self) -> tuple[Rhythm | None, str]:
        """The ECG's beats read for rhythm (``sleeplm_core.scoring.rhythm``), once, and ""; or
        None and why there are none (no ECG, one too slow or flat, too few beats)."""
        if self._rhythm is None:
            label = self.epochs.mapping.get("ECG")
            sig = self.recording.signals.get(label) if label else None
            why = unusable(sig, ScoringConfig().ecg) if sig is not None else "no ECG channel"
            found = heart_rhythm(sig) if not why else None
            self._rhythm = (found, why or ("" if found else f"{label}: under 100 beats detected"))
        return self._rhythm

    def burst(self, measure: BurstMeasure, label: str, start: float, end: float,
              band: tuple[float, float]) -> float | None:
        """``measure`` (``sleeplm_core.features.brain.burst_frequency`` or ``burst_amplitude``)
        of the burst between ``start`` and ``end`` (s) on channel ``label`` in ``band`` (Hz),
        kept with the night: its slow waves are measured once, not at every question."""
        key = (measure.__name__, label, start, end, band)
        if key not in self._bursts:
            self._bursts[key] = measure(self.recording.signals[label], start, end, band)
        return self._bursts[key]

    def rem_atonia(self) -> tuple[RemAtonia | None, str]:
        """Chin tone of each REM epoch (``sleeplm_core.scoring.rem_atonia``) on the stages
        the answers use, and ""; or None and why not (no chin EMG, no REM or no NREM)."""
        label = self.epochs.mapping.get("EMG_CHIN")
        sig = self.recording.signals.get(label) if label else None
        if sig is None:
            return None, "no chin EMG channel"
        if why := unusable(sig, Usability(AtoniaConfig().min_rate_hz, 1e-6)):
            return None, why
        stages, source = self.stages()
        if source in ("predicted", "none"):
            # REM read by the model's zero-shot guess would decide which epochs are judged.
            return None, "its REM is neither scored nor machine-staged from an EEG"
        found = rem_atonia(sig, stages, self.epochs.starts, reference=self._sure_nrem(source))
        return found, "" if found else "no REM or no NREM epoch under the chin EMG"

    def _sure_nrem(self, source: str) -> np.ndarray | None:
        """bool per epoch: the machine staging gave it REM odds under :data:`SURE_NREM_REM_ODDS`;
        None for a human scoring, or where too few NREM epochs are that sure to take a minimum."""
        proba = self.machine_proba(slice(None)) if source != "scored" else None
        if proba is None:
            return None
        sure = np.nan_to_num(proba[:, STAGES.index("REM")], nan=1.0) < SURE_NREM_REM_ODDS
        return sure if sure.sum() >= _MIN_REFERENCE_EPOCHS else None

    def feature_frame(self) -> pd.DataFrame:
        """One row per epoch, one column per measured feature (``level.path [unit]``)."""
        if self._frame is None:
            if self.features is None:
                self.features = night_features(self.recording, self.epochs, self.montage)
            frame = self.features.to_frame()
            if (loud := self.snore()) is not None:
                frame[SNORE_COLUMN] = epoch_means(loud.db, 1.0, self.epochs.starts)
            if (tones := self.chin_tones()) is not None:
                frame[CHIN_TONE_COLUMN] = tones
            if (label := self.epochs.aux_mapping.get("TEMP")) in self.recording.signals:
                temp = body_temperature(self.recording.signals[label])
                frame[TEMP_COLUMN] = epoch_means(temp.data, temp.sfreq, self.epochs.starts)
            self._frame = frame
        return self._frame

    def chin_tones(self) -> np.ndarray | None:
        """Each epoch's chin EMG spread over the night's median epoch spread (1 = typical); None
        without a chin channel."""
        if not self.epochs.channel_mask[_EMG_SLOT]:
            return None
        spread = np.std(np.asarray(self.epochs.data[:, _EMG_SLOT, :]), axis=1)
        median = float(np.median(spread))
        return spread / median if median > 0 else None

    def measured_caption(self, index: int, level: str) -> str | None:
        """The rule-based caption of an epoch's measured facts at ``level`` (no rounding)."""
        self.feature_frame()
        facts = self.features.levels[level][index]
        if facts is None:
            return None
        start = float(self.epochs.starts[index])
        return caption_variants(level, facts, seed=0, start=start, n_variants=1, approx_prob=0.0)[0]

    def generated_captions(self, indices: list[int], level: str, engine: Engine) -> list[str]:
        """The model's captions of epochs at ``level``, generated once and kept."""
        todo = [i for i in indices if (i, level) not in self._generated]
        if todo:
            batch = torch.from_numpy(np.ascontiguousarray(self.epochs.data[todo], dtype=np.float32))
            with torch.inference_mode():
                caps = engine.model.caption(batch, level, max_new_tokens=_CAPTION_TOKENS,
                                            mask=self.epochs.channel_mask,
                                            spo2=self.epochs.spo2_rows(todo))
            self._generated.update({(i, level): c.text for i, c in zip(todo, caps)})
        return [self._generated[(i, level)] for i in indices]

    def summary(self) -> NightSummary:
        """AASM statistics of the scored (else predicted) hypnogram, computed once."""
        _, source = self.stages()
        if source not in self._summary:
            self._summary[source] = self._summarize(0, self.n_epochs, self.agreement())
        return self._summary[source]

    def span_summary(self, first: int, stop: int) -> NightSummary:
        """The same statistics over epochs ``first`` to ``stop`` (exclusive) alone, as if the
        lights went off and on at their edges ("summarize the main sleep period")."""
        return self._summarize(first, stop, "")

    def _summarize(self, first: int, stop: int, agreement: str) -> NightSummary:
        stages, source = self.stages()
        starts = self.epochs.starts
        lo = float(starts[first]) if first < self.n_epochs else 0.0
        hi = float(starts[stop - 1]) + EPOCH_SEC if stop > first else lo
        events, event_source = self.scored_events()
        # A machine scoring that ran its respiratory rules and found nothing means AHI 0.
        respiratory = event_source != "scored" and self.machine is not None and not any(
            line.startswith("respiratory:") for line in self.machine.skipped)
        spo2 = self.recording.signals.get(self.epochs.aux_mapping.get("SPO2") or "")
        if spo2 is not None and uncalibrated(spo2, SPO2_RANGE, "SpO2"):
            spo2 = None  # an SAO2 centred near 0 measured no desaturation: no ODI, not ODI 0
        return summarize_night(
            stages[first:stop], lo, events=events if (first, stop) == (0, self.n_epochs)
            else [e for e in events if lo <= e.onset < hi],
            spo2=spo2, respiratory_scored=respiratory,
            source=source, agreement=agreement)

    def view(self, **overlay: Any) -> NightView:
        """The night overview's inputs, with ``overlay`` (highlights, similarity, ...) on top."""
        machine = self.machine
        return NightView(self.recording.duration, self.recording.start_time, self.epochs.starts,
                         scored=self.scored(), predicted=self.predicted, confidence=self.confidence,
                         spectrogram=self.spectrogram, events=self.recording.events,
                         machine=self.machine_stages(),
                         machine_label=machine.label() if machine is not None else "",
                         machine_events=machine.events if machine is not None else (), **overlay)


def _spectrogram(rec: Recording, epochs: EpochSet) -> Spectrogram | None:
    for name in _SPECTRO_ORDER:
        label = epochs.mapping.get(name)
        if label in rec.signals:
            return compute_spectrogram(rec.signals[label])
    return None


def read_night(path: Path, name: str, hypnogram: Path | None = None, events: Path | None = None,
               mapping: dict[str, str] | None = None) -> LoadedNight:
    """Open a recording with its optional scoring files and compute its spectrogram."""
    rec, montage, epochs = open_night(path, hypnogram=hypnogram, events=events, mapping=mapping)
    log.info("read %s: %d epochs", name, len(epochs))
    # The raw signals are the largest part of a session (an 8-h night: 180 MB as float64).
    # float32 halves them; its error is far below one digital unit of EDF (16-bit) or BDF (24-bit).
    for sig in rec.signals.values():
        sig.data = sig.data.astype(np.float32, copy=False)
    return LoadedNight(name, rec, montage, epochs, _spectrogram(rec, epochs))


def _file_key(path: Path, *parts: object) -> str:
    """A key for ``path`` as it is now (its size and mtime) and ``parts``."""
    stat = path.stat()
    text = "|".join(map(str, (path.resolve(), stat.st_size, stat.st_mtime_ns, *parts)))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _cache_root() -> Path:
    """The user's own cache folder of this app, written only by it."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sleeplm-explorer" / "nights"


def embedding_cache(path: Path, engine: Engine) -> Path:
    """Cache stem for a bundled recording's embeddings (``.npy``; a dense-token model's
    time-bin vectors in ``-dense.npy``) and features (``.pkl``).

    The key holds the model's weight fingerprint, the feature definitions' version and
    the file's size and mtime, so other weights, changed features or an edited file never
    reuse stale results.
    """
    return _cache_root() / f"{path.stem}-{_file_key(path, engine.fingerprint, FEATURES_VERSION)}"


def _scoring_code_hash() -> str:
    """A hash of the machine scorer's source files, so that a changed scorer rescores."""
    digest = hashlib.sha256()
    for source in sorted(Path(score_night.__code__.co_filename).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def scoring_cache(path: Path) -> Path:
    """Cache file (``.pkl``) of a bundled recording's machine scoring.

    The model plays no part in the scoring, so the key is the file's size and mtime and
    the scorer's source: the scoring can be read, or run, while the model loads.
    """
    return _cache_root() / f"{path.stem}-scoring-{_file_key(path, _scoring_code_hash())}.pkl"


def _dense_path(npy: Path) -> Path:
    return npy.with_name(npy.stem + "-dense.npy")


def _cached_embedding(night: LoadedNight, engine: Engine,
                      cache: Path | None) -> EmbeddedNight | None:
    """The night's embeddings from ``<cache>.npy`` (and ``<cache>-dense.npy`` for a model
    with dense tokens), None when they are not all there."""
    npy = cache.with_suffix(".npy") if cache is not None else None
    if npy is None or not npy.is_file():
        return None
    dense = None
    if getattr(engine.model, "has_dense", False):
        if not _dense_path(npy).is_file():
            return None
        dense = np.load(_dense_path(npy))
    return EmbeddedNight.from_vectors(engine.model, night.epochs, np.load(npy), dense,
                                      engine.batch_size)


def _save_embedding(embedded: EmbeddedNight, cache: Path | None) -> None:
    if cache is None:
        return
    npy = cache.with_suffix(".npy")
    npy.parent.mkdir(parents=True, exist_ok=True)
    np.save(npy, embedded.vectors)
    if embedded.dense is not None:
        np.save(_dense_path(npy), embedded.dense)


def _cached_features(night: LoadedNight, cache: Path | None) -> None:
    pkl = cache.with_suffix(".pkl") if cache is not None else None
    if pkl is not None and pkl.is_file():
        with pkl.open("rb") as fh:
            night.features = pickle.load(fh)
    night.feature_frame()
    if pkl is not None and not pkl.is_file():
        with pkl.open("wb") as fh:
            pickle.dump(night.features, fh)


def machine_score(night: LoadedNight, progress: Progress | None = None,
                  cache: Path | None = None) -> None:
    """Machine-score the night's signals into ``night.machine``, in place.

    With ``cache`` (see :func:`scoring_cache`) the scoring is read from that file
    when present and written there otherwise.
    """
    if cache is not None and cache.is_file():
        with cache.open("rb") as fh:
            night.machine = pickle.load(fh)
        return
    night.machine = score_night(night.recording, night.epochs, progress=progress)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("wb") as fh:
            pickle.dump(night.machine, fh)


def _reference_machine_window(night: LoadedNight) -> None:
    """Re-cut an unscored night's epochs with its z-score taken over the machine
    scoring's sleep window, as a scored night's is over its own (``io.epochs``), so a
    recording with hours of wake around the night reaches the model in the same units."""
    stages = None if night.recording.has_scoring else night.machine_stages()
    if stages is not None:
        night.epochs = recut_over_sleep(night.recording, night.montage, night.epochs, stages)


def embed_night(night: LoadedNight, engine: Engine, progress: Progress | None = None,
                cache: Path | None = None) -> None:
    """Machine-score the signals (unless :func:`machine_score` ran), then :func:`encode_night`.

    With ``cache`` (see :func:`embedding_cache`) the embeddings and features are read
    from there when present and written there otherwise.
    """
    if night.machine is None:
        # Machine scoring takes about a quarter of the time encoding does.
        machine_score(night, (lambda f, msg: progress(0.25 * f, msg)) if progress else None)
    encode_night(night, engine, (lambda f, msg: progress(0.25 + 0.75 * f, msg)) if progress else None,
                 cache)


def encode_night(night: LoadedNight, engine: Engine, progress: Progress | None = None,
                 cache: Path | None = None) -> None:
    """Encode every epoch, measure features and predict stages, in place.

    An unscored night needs its machine scoring first (its epochs are re-cut over the
    machine's sleep window); a scored night's encoding does not read the machine scoring,
    so the two can run side by side. ``cache`` as in :func:`embed_night`.
    """
    _reference_machine_window(night)
    total = max(night.n_epochs, 1)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0] / total, f"encoding epochs {done[0]}/{total}")

    night.embedded = _cached_embedding(night, engine, cache)
    if night.embedded is None:
        night.embedded = EmbeddedNight.from_model(engine.model, night.epochs, engine.batch_size, tick)
        _save_embedding(night.embedded, cache)
    _cached_features(night, cache)
    codes, proba = engine.stager.predict(night.embedded.vectors, engine.text)
    # The stager's classes are its prompt labels; map them onto the STAGES codes.
    to_stage = np.array([STAGES.index(label) for label in engine.stager.labels])
    night.predicted = to_stage[codes].astype(np.int8)
    night.proba = proba
    night.confidence = proba[np.arange(len(codes)), codes]
