"""Does the model tie words to signals? Issue 15's goal table for one or more models, in one run.

For each model (a folder or a name) it prints:

* unseen synthetic nights (``sleeplm synth --hours H --ahi 30 --seed S``, seeds never
  used for training): zero-shot staging kappa (raw and HMM-smoothed), model-only
  localization by-event F1 (IoU >= 0.3) of "apnea" against every scored apnea, of
  "obstructive apnea" and "central apnea" against their own type (with the regions that
  lie on the other type only), and of "oxygen desaturation", "hypopnea", "arousal",
  "sleep spindle" and "k-complex" against the events of their type, of "rapid eye movements"
  against the bursts of YASA's ``rem_detect`` on the eye leads (the dense term's teacher; no
  scorer marks them; movements under 2 s apart make one burst), and text->signal R@10
  at the stage_event level: *paired* (the query is an epoch's whole caption, only that
  epoch counts), searched by cosine and *grounded* (as the library searches a caption:
  its stage and timed events checked against what the model reads, see
  ``sleeplm_core.heads.grounding``), with the ceiling any ranking can reach, and *facts*
  (the query is the caption's plain-word summary; a hit is any of the top 10 epochs
  whose summary states the same binned facts), with the chance level of each;
* the same paired R@10 over one library pooled from 21 more 4-h nights (10,080 epochs,
  the goal's scale);
* SC4001 (the evaluation night; never trained or tuned on): zero-shot kappa (raw and
  HMM) and few-shot kappa (10 labelled epochs per stage; raw and HMM, mean +- SD over
  10 draws), sleep window +-30 min;
* DREAMS 1-6 (evaluation and thresholds only): zero-shot staging kappa of each 30-min
  excerpt's scored epochs (the 30-s majority of its 5-s hypnogram; no REM among them),
  and model-only by-event F1 of "sleep spindle" against expert 1, beside YASA's
  ``spindles_detect`` at its defaults on the same excerpts (printed once per run);
* the CPU time to encode an 8-h synthetic night.

Run: ``nice -n 10 .venv/bin/python bench/alignment.py --models assets/models/sleeplm-mini
runs/r4/best [--seeds 901 902] [--hours 4] [--threads 2] [--skip-real] [--pooled-nights 21]
[--pooled-from 920] [--tune-threshold] [--without-spo2]``. A candidate's tuning-night lines:
``--seeds 952 ... 959 --pooled-from 950 --pooled-nights 10 --tune-threshold``. ``--without-spo2`` keeps the synthetic nights'
SpO2 from a model with oximetry tokens: its figures on nights recorded without oximetry.
``--tune-threshold`` first picks a dense model's operating points on two other synthetic
nights, one for any query (``ModelConfig.dense_threshold``) and one per event query phrase
(a threshold in ``ModelConfig.dense_thresholds``, a shortest region in
``ModelConfig.dense_min_durations`` and, where splitting longer regions helps, a longest
region in ``ModelConfig.dense_max_durations``, and for the two apnea types a rival margin
in ``ModelConfig.dense_rivals``), and stores them in the model folder.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from math import comb
from pathlib import Path

import numpy as np
import torch

from sleeplm_core.captions.night import caption_night
from sleeplm_core.captions.words import caption_key, summary_of
from sleeplm_core.heads.baselines import yasa_spindles
from sleeplm_core.heads.caption_regions import event_types
from sleeplm_core.heads.encoder import TextEncoder, encode_epochs
from sleeplm_core.heads.evaluate import intervals_of
from sleeplm_core.heads.grounding import Grounder, Grounding
from sleeplm_core.heads.localize import LocalizeConfig, find_regions, localize, rival_excess
from sleeplm_core.heads.metrics import event_scores, staging_scores
from sleeplm_core.heads.models import LoadedModel, resolve_model
from sleeplm_core.heads.night import EmbeddedNight
from sleeplm_core.heads.smoothing import SmoothingConfig
from sleeplm_core.heads.zeroshot import ZeroShotClassifier
from sleeplm_core.index.evaluate import (caption_agreement, in_memory_library, paired_ceiling,
                                         paired_hits)
from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import STAGES
from sleeplm_core.train.card import card_staging
from sleeplm_core.train.dense import TEACHER_TYPES, teacher_events

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "real"
SC4001 = REAL / "sleep_edf_sc4001"
DREAMS = REAL / "dreams_spindles"
DREAMS_RATES = {1: 100, 2: 200, 3: 50, 4: 200, 5: 200, 6: 200}
QUERIES = {"apnea": "apnea", "obstructive_apnea": "obstructive apnea",
           "central_apnea": "central apnea", "desaturation": "oxygen desaturation",
           "hypopnea": "hypopnea", "arousal": "arousal", "spindle": "sleep spindle",
           "k_complex": "k-complex", "rapid_eye_movement": "rapid eye movements"}
"""Event kind -> the query phrase whose operating point is tuned and scored (against the
kind's events: "apnea" against every apnea type, each type against its own; rapid eye
movements against the teacher's, see :func:`reference_spans`)."""
BURST_GAP_S = 2.0
"""Rapid eye movements closer than this (s) are scored as one burst: single movements last
0.3-1.2 s, under the model's 2-s bins, and come in runs in phasic REM."""
RIVALS = {"obstructive_apnea": "central_apnea", "central_apnea": "obstructive_apnea"}
"""Kind -> the sibling kind whose phrase may outrank it (``ModelConfig.dense_rivals``)."""
GOAL_KINDS = ("apnea", "desaturation", "hypopnea", "arousal", "spindle")
"""The kinds whose mean F1 chooses the general threshold (any other text's): issue 15's
events, so adding a tuned phrase leaves free text as it was."""
EVERY_REGION = 100_000
"""top_k for scoring: every region the threshold passes counts (the app shows the best 10)."""
TUNING_SEEDS = (950, 951)
"""Synthetic nights for the dense operating point; never the evaluation seeds."""
THRESHOLDS = np.round(np.arange(0.05, 0.80, 0.05), 2)
POOLED_SEED = 920
"""First seed of the pooled retrieval library's nights (never trained or tuned on)."""
MIN_DURATIONS = (0.0, 1.0, 4.0, 8.0, 10.0, 12.0, 16.0, 20.0)
"""Shortest regions (seconds) tried per event phrase; 0 first, so a tie keeps every region."""
MAX_DURATIONS = (math.inf, 1.0, 2.0, 3.0, 4.0)
"""Longest regions (seconds) tried per event phrase (spindles, K-complexes and single eye
movements last 0.5-3 s); none first, so a tie never splits."""
MARGINS = (math.inf, *np.round(np.arange(-0.5, 0.51, 0.05), 2))
"""Rival margins tried for a kind in :data:`RIVALS` (the rival's mean chance over a region
minus the phrase's own); none first, so a tie keeps every region."""


def synth(folder: Path, seed: int, hours: float) -> Path:
    path = folder / f"synth_{seed}_{hours:g}h.edf"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "sleeplm_core.cli", "synth", str(path), "--hours",
                        str(hours), "--ahi", "30", "--seed", str(seed)], check=True,
                       capture_output=True)
    return path


def zero_shot_kappa(loaded: LoadedModel, vectors: np.ndarray, stages: np.ndarray) -> str:
    out = []
    for method in ("none", "hmm"):
        head = ZeroShotClassifier(scale=loaded.logit_scale, smoothing=SmoothingConfig(method=method))
        out.append(staging_scores(stages, head.predict(vectors, TextEncoder(loaded.model))[0],
                                  STAGES).kappa)
    return f"{out[0]:.3f} / {out[1]:.3f}"


def reference_spans(rec, epochs, kind: str) -> list[tuple[float, float]]:
    """What ``kind``'s regions are scored against: the night's scored events, or for a teacher
    type (rapid eye movements, which no scorer marks) the detector's, merged into bursts."""
    if kind not in TEACHER_TYPES:
        return intervals_of(rec.events, event_types(kind))
    bursts: list[list[float]] = []
    for event in sorted(teacher_events(rec, epochs), key=lambda e: e.onset):
        if bursts and event.onset - bursts[-1][1] < BURST_GAP_S:
            bursts[-1][1] = max(bursts[-1][1], event.offset)
        else:
            bursts.append([event.onset, event.offset])
    return [(a, b) for a, b in bursts]


def localization_f1(night: EmbeddedNight, rec, epochs, loaded: LoadedModel,
                    kind: str) -> tuple[float, str]:
    """By-event F1 of ``kind``'s query phrase at the model's own operating point."""
    found = localize(night, QUERIES[kind], TextEncoder(loaded.model),
                     LocalizeConfig(top_k=EVERY_REGION))
    detected = [(r.start, r.end) for r in found.regions]
    s = event_scores(detected, reference_spans(rec, epochs, kind), 0.3)
    row = f"{s.f1:.3f} (P {s.precision:.2f}, R {s.recall:.2f}, n {len(detected)})"
    if kind in RIVALS:
        rival = RIVALS[kind]
        wrong = on_other_type(detected, rec.events, event_types(kind), event_types(rival))
        row += f"; on {rival.replace('_', ' ')}s only {wrong} of {len(detected)}"
    return s.f1, row


def on_other_type(detected: list[tuple[float, float]], events, own: tuple[str, ...],
                  other: tuple[str, ...]) -> int:
    """Regions that touch an event of ``other`` and none of ``own``: a central apnea called
    obstructive is a different disorder to a technician, though both are apneas."""
    own_spans, other_spans = intervals_of(events, own), intervals_of(events, other)

    def touches(region: tuple[float, float], spans) -> bool:
        return any(region[0] < b and a < region[1] for a, b in spans)

    return sum(touches(r, other_spans) and not touches(r, own_spans) for r in detected)


@dataclass
class OperatingPoints:
    """What ``--tune-threshold`` measured: the general dense threshold, and per event
    query phrase its threshold and shortest region (seconds), and the phrases that stay on
    whole dense bins."""

    threshold: float
    thresholds: dict[str, float]
    min_durations: dict[str, float]
    max_durations: dict[str, float]
    rivals: dict[str, dict[str, float]]
    whole_bins: list[str]


TRACKS = ("sub-bins", "whole bins")
"""The two reads a phrase is tuned on; sub-bins first, so free text (which the general
threshold serves) is read at 0.5 s."""
SUB_BIN_LEAD = 0.05
"""The F1 by which sub-bins must beat whole bins on the tuning nights to be a phrase's
read: about one event of two nights' ten central apneas. Set after a plain comparison chose
sub-bins for central apneas on a 0.024 lead and they then lost 0.05 on evaluation nights 901
and 911 (docs/evaluation.md, "Sub-bins")."""


def tune_threshold(loaded: LoadedModel, paths: list[Path]) -> OperatingPoints:
    """The dense probability that maximises mean by-event F1 over the synthetic event
    kinds of the tuning nights on 0.5-s sub-bins (no least or greatest duration, as for
    free text), and for each kind the (read, threshold, shortest region, longest region,
    rival margin) that maximises its own F1, keyed by its query phrase; sub-bins are kept
    for a kind only where they beat whole bins by :data:`SUB_BIN_LEAD`, then ties go
    to the lower threshold, the shorter shortest region, no longest region and no rival.
    Printed as tables."""
    tracks = {kind: [] for kind in QUERIES}   # each night's two tracks per kind, read once
    for path in paths:
        rec, _, epochs = open_night(path)
        night = EmbeddedNight.from_model(loaded.model, epochs)
        for kind, query in QUERIES.items():
            # every sub-bin any tried threshold can reach (regions grow to half of it)
            sub = localize(night, query, TextEncoder(loaded.model),
                           LocalizeConfig(threshold=float(THRESHOLDS[0]), top_k=EVERY_REGION)).fine
            whole = localize(night, query, TextEncoder(loaded.model),
                             LocalizeConfig(refine=False, top_k=EVERY_REGION)).fine
            tracks[kind].append(((sub, whole), reference_spans(rec, epochs, kind)))

    def f1s(kind: str, read: int, threshold: float, shortest: float, longest: float) -> list[float]:
        """Mean F1 over the nights for each margin of MARGINS (one entry unless a rival)."""
        config = LocalizeConfig(threshold=threshold, min_duration=shortest, max_duration=longest,
                                top_k=EVERY_REGION)
        margins = MARGINS if kind in RIVALS else MARGINS[:1]
        out = np.zeros((len(tracks[kind]), len(margins)))
        for n, (pair, reference) in enumerate(tracks[kind]):
            track = pair[read]
            found = find_regions(track, config)
            excess = ([rival_excess(r, track, tracks[RIVALS[kind]][n][0][read]) for r in found]
                      if kind in RIVALS else [-math.inf] * len(found))
            for k, margin in enumerate(margins):
                kept = [(r.start, r.end) for r, e in zip(found, excess) if e < margin]
                out[n, k] = event_scores(kept, reference, 0.3).f1
        return list(out.mean(0))

    grid = {kind: np.array([[[[f1s(kind, read, float(t), d, m) for m in MAX_DURATIONS]
                              for d in MIN_DURATIONS] for t in THRESHOLDS] for read in (0, 1)])
            for kind in QUERIES}
    means = np.mean([grid[kind][0, :, 0, 0, 0] for kind in GOAL_KINDS], axis=0)
    for i, t in enumerate(THRESHOLDS):
        own = ", ".join(f"{kind} {grid[kind][0, i, 0, 0, 0]:.3f}" for kind in QUERIES)
        print(f"threshold {t:.2f}: mean F1 on sub-bins {means[i]:.3f} ({own})")
    points = OperatingPoints(float(THRESHOLDS[int(np.argmax(means))]), {}, {}, {}, {}, [])
    for kind, query in QUERIES.items():
        best = [grid[kind][read].max() for read in (0, 1)]
        read = 0 if best[0] >= best[1] + SUB_BIN_LEAD else 1
        i, j, k, r = np.unravel_index(int(np.argmax(grid[kind][read])), grid[kind][read].shape)
        if read:
            points.whole_bins.append(query)
        points.thresholds[query] = float(THRESHOLDS[i])
        points.min_durations[query] = float(MIN_DURATIONS[j])
        if math.isfinite(MAX_DURATIONS[k]):
            points.max_durations[query] = float(MAX_DURATIONS[k])
        rival = ""
        if kind in RIVALS:
            rival = f", rival {QUERIES[RIVALS[kind]]!r} margin {MARGINS[r]:g}"
            if math.isfinite(MARGINS[r]):
                points.rivals[query] = {QUERIES[RIVALS[kind]]: float(MARGINS[r])}
        print(f"{kind}: {TRACKS[read]}, threshold {THRESHOLDS[i]:.2f}, shortest region "
              f"{MIN_DURATIONS[j]:g} s, longest region {MAX_DURATIONS[k]:g} s{rival}: F1 "
              f"{grid[kind][read][i, j, k, r]:.3f} (best on sub-bins {best[0]:.3f}, on whole bins "
              f"{best[1]:.3f})")
    return points


def fact_recall(vectors: np.ndarray, captions: list[str], encode, k: int = 10) -> tuple[float, float]:
    """R@k of summary queries where any top-k epoch with the same fact key counts, and
    its chance level (a random top k holds one of the m epochs sharing the key)."""
    keys = np.array([caption_key(c) for c in captions])
    summaries = sorted(set(summary_of(c) for c in captions))
    sim = encode(summaries) @ vectors.T
    hits, chance = [], []
    n = len(captions)
    for row, summary in zip(sim, summaries):
        same = keys == caption_key(summary)
        top = np.argsort(-row)[:k]
        weight = int(same.sum())  # one query per epoch that carries this summary's facts
        hits += [bool(same[top].any())] * weight
        chance += [1.0 - comb(n - weight, k) / comb(n, k)] * weight
    return float(np.mean(hits)), float(np.mean(chance))


def open_synthetic(path: Path, spo2: bool = True):
    """A synthetic night; ``spo2`` False keeps its SpO2 from the model, as on a night
    recorded without oximetry (the captions and scored events keep it)."""
    rec, montage, epochs = open_night(path)
    if not spo2:
        epochs.spo2 = None
    return rec, montage, epochs


def synthetic_rows(loaded: LoadedModel, path: Path, spo2: bool = True) -> dict[str, str]:
    rec, _, epochs = open_synthetic(path, spo2)
    night = EmbeddedNight.from_model(loaded.model, epochs)
    vectors = night.vectors
    rows = {"zero-shot kappa raw / HMM": zero_shot_kappa(loaded, vectors, epochs.stages)}
    for kind in QUERIES:
        rows[f"{kind} F1"] = localization_f1(night, rec, epochs, loaded, kind)[1]
    texts, kept = night_captions(rec, epochs)
    grounding = grounder(loaded).read(vectors[kept], night.dense[kept])
    rows["R@10 paired cosine / grounded (ceiling, chance)"] = paired_row(
        loaded, vectors[kept], grounding, texts)
    rows["signal->caption, first caption states the stage and event types, cosine / grounded"] = \
        caption_row(loaded, vectors[kept], grounding, texts)
    facts, chance = fact_recall(vectors[kept], texts, TextEncoder(loaded.model))
    rows["R@10 facts (chance)"] = f"{facts:.3f} ({chance:.3f})"
    return rows


def night_captions(rec, epochs) -> tuple[list[str], np.ndarray]:
    """The night's stage_event captions and the epochs that have one."""
    captions = caption_night(rec, epochs, seed=0).level("stage_event")
    kept = np.flatnonzero([c is not None for c in captions])
    return [captions[i] for i in kept], kept


def grounder(loaded: LoadedModel) -> Grounder:
    found = Grounder.for_model(loaded.model, loaded.logit_scale, TextEncoder(loaded.model))
    if found is None:
        raise SystemExit(f"{loaded.label} has no dense tokens: grounded retrieval needs them")
    return found


def paired_row(loaded: LoadedModel, vectors: np.ndarray, grounding: Grounding,
               texts: list[str]) -> str:
    """Paired text -> signal R@10 searched by cosine and grounded, as the library searches."""
    library = in_memory_library(vectors, grounding)
    encode = TextEncoder(loaded.model)
    cosine = paired_hits(library, texts, encode, grounded=False).mean()
    grounded = paired_hits(library, texts, encode).mean()
    return (f"{cosine:.3f} / {grounded:.3f} ({paired_ceiling(texts):.3f}, "
            f"{10 / len(texts):.3f}; {len(texts)} epochs)")


def caption_row(loaded: LoadedModel, vectors: np.ndarray, grounding: Grounding,
                texts: list[str]) -> str:
    """Signal -> caption over the night's distinct captions: how often the first one
    states the epoch's stage and event types, by cosine and grounded."""
    library = in_memory_library(vectors, grounding, texts, TextEncoder(loaded.model))
    return (f"{caption_agreement(library, texts, grounded=False):.3f} / "
            f"{caption_agreement(library, texts):.3f} ({len(library.captions)} captions)")


def pooled_paired(loaded: LoadedModel, paths: list[Path], spo2: bool = True) -> str:
    """Paired R@10 over one library of all ``paths`` (the goal's 10k-epoch scale)."""
    vectors, groundings, texts = [], [], []
    reader = grounder(loaded)
    for path in paths:
        rec, _, epochs = open_synthetic(path, spo2)
        night = EmbeddedNight.from_model(loaded.model, epochs)
        captions, kept = night_captions(rec, epochs)
        vectors.append(night.vectors[kept])
        groundings.append(reader.read(night.vectors[kept], night.dense[kept]))
        texts += captions
    return paired_row(loaded, np.concatenate(vectors), Grounding.concat(groundings), texts)


def dreams_spindles(loaded: LoadedModel) -> str:
    scores = []
    for i, rate in DREAMS_RATES.items():
        rec, _, epochs = open_night(DREAMS / f"excerpt{i}.txt", sfreq=rate,
                                    events=DREAMS / f"Visual_scoring1_excerpt{i}.txt")
        night = EmbeddedNight.from_model(loaded.model, epochs)
        found = localize(night, QUERIES["spindle"], TextEncoder(loaded.model),
                         LocalizeConfig(top_k=EVERY_REGION))
        s = event_scores([(r.start, r.end) for r in found.regions],
                         intervals_of(rec.events, event_types("spindle")), 0.3)
        scores.append(s.f1)
    return " / ".join(f"{f:.2f}" for f in scores) + f" (mean {np.mean(scores):.3f})"


def dreams_yasa_spindles() -> str:
    """YASA's ``spindles_detect`` at its defaults on the same excerpts and reference, in the
    same run: the field's detector the model's line is compared with."""
    scores = []
    for i, rate in DREAMS_RATES.items():
        rec, _, epochs = open_night(DREAMS / f"excerpt{i}.txt", sfreq=rate,
                                    events=DREAMS / f"Visual_scoring1_excerpt{i}.txt")
        scores.append(event_scores(yasa_spindles(rec, epochs),
                                   intervals_of(rec.events, event_types("spindle")), 0.3).f1)
    return " / ".join(f"{f:.2f}" for f in scores) + f" (mean {np.mean(scores):.3f})"


def dreams_staging(loaded: LoadedModel) -> str:
    """Zero-shot kappa per DREAMS excerpt (raw, every scored epoch) and their mean."""
    kappas = []
    head = ZeroShotClassifier(scale=loaded.logit_scale)
    for i, rate in DREAMS_RATES.items():
        _, _, epochs = open_night(DREAMS / f"excerpt{i}.txt", sfreq=rate,
                                  hypnogram=DREAMS / f"Hypnogram_excerpt{i}.txt")
        stages = np.asarray(epochs.stages)
        vectors = encode_epochs(loaded.model, epochs.data, epochs.channel_mask)
        predicted = head.predict(vectors, TextEncoder(loaded.model))[0]
        scored = stages >= 0
        kappas.append(staging_scores(stages[scored], predicted[scored], STAGES).kappa)
    return " / ".join(f"{k:.3f}" for k in kappas) + f" (mean {np.mean(kappas):.3f})"


def encode_seconds(loaded: LoadedModel, path: Path) -> str:
    _, _, epochs = open_night(path)
    start = time.process_time()
    wall = time.perf_counter()
    EmbeddedNight.from_model(loaded.model, epochs)
    return (f"{time.perf_counter() - wall:.1f} s wall, {time.process_time() - start:.1f} s CPU "
            f"({len(epochs)} epochs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["assets/models/sleeplm-mini"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[901, 902])
    parser.add_argument("--hours", type=float, default=4.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-real", action="store_true", help="synthetic rows only")
    parser.add_argument("--pooled-nights", type=int, default=21,
                        help="nights in the pooled retrieval library (21 x 4 h = 10,080 epochs; "
                             "0 skips it)")
    parser.add_argument("--pooled-from", type=int, default=POOLED_SEED,
                        help="seed of the pooled library's first night (950: the tuning nights)")
    parser.add_argument("--tune-threshold", action="store_true",
                        help="measure the dense operating point on synthetic tuning nights "
                             "(seeds 950, 951) and write it into each model folder's config.json")
    parser.add_argument("--without-spo2", action="store_true",
                        help="keep the synthetic nights' SpO2 from the model (operating points "
                             "are still tuned with it): a model's figures on nights recorded "
                             "without oximetry")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    folder = Path(tempfile.gettempdir()) / "sleeplm-alignment"
    folder.mkdir(exist_ok=True)
    nights = {seed: synth(folder, seed, args.hours) for seed in args.seeds}
    long_night = synth(folder, 903, 8.0)
    pooled = [synth(folder, args.pooled_from + i, args.hours) for i in range(args.pooled_nights)]
    if not args.skip_real:
        print(f"DREAMS spindles F1, YASA defaults, excerpts 1-6: {dreams_yasa_spindles()}")
    for name in args.models:
        loaded = resolve_model(name)
        print(f"\n## {loaded.label} ({name})")
        if args.tune_threshold and getattr(loaded.model, "has_dense", False):
            points = tune_threshold(loaded, [synth(folder, s, args.hours) for s in TUNING_SEEDS])
            config = Path(name) / "config.json"
            data = json.loads(config.read_text())
            config.write_text(json.dumps({**data, "dense_threshold": points.threshold,
                                          "dense_thresholds": points.thresholds,
                                          "dense_min_durations": points.min_durations,
                                          "dense_max_durations": points.max_durations,
                                          "dense_rivals": points.rivals,
                                          "dense_whole_bins": points.whole_bins},
                                         indent=2) + "\n")
            print(f"dense_threshold {points.threshold:.2f}, per-query thresholds {points.thresholds}, "
                  f"shortest regions {points.min_durations}, longest regions "
                  f"{points.max_durations}, rivals {points.rivals} and whole-bin phrases "
                  f"{points.whole_bins} written to {config}")
            loaded = resolve_model(name)
        for seed, path in nights.items():
            for row, value in synthetic_rows(loaded, path, not args.without_spo2).items():
                print(f"synthetic seed {seed}, {row}: {value}")
        if pooled:
            print(f"pooled library of {len(pooled)} nights (seeds {args.pooled_from}-"
                  f"{args.pooled_from + len(pooled) - 1}), R@10 paired cosine / grounded (ceiling, "
                  f"chance): {pooled_paired(loaded, pooled, not args.without_spo2)}")
        if not args.skip_real:
            card = card_staging(name, SC4001 / "SC4001E0-PSG.edf", SC4001 / "SC4001EC-Hypnogram.edf")
            print(f"SC4001 zero-shot kappa raw / HMM: {card.zero_shot.kappa:.3f} / "
                  f"{card.zero_shot_smoothed.kappa:.3f}; few-shot kappa {card.few_shot_summary()}")
            print(f"DREAMS zero-shot staging kappa, excerpts 1-6: {dreams_staging(loaded)}")
            print(f"DREAMS spindles F1, excerpts 1-6: {dreams_spindles(loaded)}")
        print(f"encode 8-h night: {encode_seconds(loaded, long_night)}")


if __name__ == "__main__":
    main()
