"""``sleeplm eval``: staging, localization, few-shot and retrieval scores on a recording."""

from __future__ import annotations

import argparse
import math
from collections import Counter
from pathlib import Path

import numpy as np
from tqdm import tqdm

from sleeplm_core.captions.night import caption_night
from sleeplm_core.errors import SleepLMError
from sleeplm_core.heads.baselines import yasa_spindles, yasa_stages
from sleeplm_core.heads.caption_regions import caption_regions, event_types
from sleeplm_core.heads.encoder import TextEncoder, encode_epochs
from sleeplm_core.heads.evaluate import intervals_of, paired_recall
from sleeplm_core.heads.fewshot import (FEWSHOT_KINDS, FewShotConfig, cross_validated_accuracy,
                                        fit_fewshot, read_labels_csv)
from sleeplm_core.heads.inputs import open_model_night
from sleeplm_core.heads.localize import (CALIBRATIONS, DEFAULT_THRESHOLDS, DENSE_DEFAULTS,
                                         EPOCH_DEFAULTS, Localization, LocalizeConfig, localize)
from sleeplm_core.heads.metrics import event_scores, staging_scores
from sleeplm_core.heads.models import DEFAULT_MODEL, LoadedModel, resolve_model
from sleeplm_core.heads.night import SUB_BIN_SEC, EmbeddedNight
from sleeplm_core.heads.smoothing import SMOOTHING_METHODS, SmoothingConfig
from sleeplm_core.heads.zeroshot import ZeroShotClassifier
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import STAGES
from sleeplm_core.io.scoring import read_scoring
from sleeplm_core.io.stages import sleep_window


def _embed(loaded: LoadedModel, epochs: EpochSet, desc: str) -> EmbeddedNight:
    with tqdm(total=len(epochs), desc=desc, unit="epoch") as bar:
        return EmbeddedNight.from_model(loaded.model, epochs, progress=bar.update)


def _staging(args: argparse.Namespace) -> int:
    rec, _, epochs = open_model_night(args.recording, hypnogram=args.hypnogram, sfreq=args.sfreq)
    if not np.any(epochs.stages >= 0):
        raise SleepLMError(f"{args.recording}: no sleep stages; pass the scoring with --hypnogram")
    window = sleep_window(epochs.stages, args.pad_min) if args.pad_min >= 0 else slice(None)
    if args.method == "yasa":
        predicted, label = yasa_stages(rec, epochs)[window], "YASA SleepStaging"
    else:
        loaded = resolve_model(args.model)
        vectors = encode_epochs(loaded.model, epochs.data[window], epochs.channel_mask,
                                spo2=epochs.spo2_rows(window))
        head = ZeroShotClassifier(scale=loaded.logit_scale,
                                  smoothing=SmoothingConfig(method=args.smoothing))
        predicted, _ = head.predict(vectors, TextEncoder(loaded.model))
        label = f"{loaded.label}, zero-shot, smoothing={args.smoothing}"
    s = staging_scores(epochs.stages[window], predicted, STAGES)
    print(f"method: {label}")
    print(f"epochs: {s.n_epochs} (sleep window +/- {args.pad_min:g} min)")
    print(f"accuracy: {s.accuracy:.3f}  macro-F1: {s.macro_f1:.3f}  kappa: {s.kappa:.3f}")
    print("per-class F1: " + "  ".join(f"{n} {f:.3f}" for n, f in zip(s.labels, s.per_class_f1)))
    print("confusion (rows = reference, columns = predicted):")
    print("       " + "".join(f"{n:>6}" for n in s.labels))
    for name, row in zip(s.labels, s.confusion):
        print(f"{name:>6} " + "".join(f"{v:6d}" for v in row))
    return 0


def _detections(args: argparse.Namespace, rec,
                epochs: EpochSet) -> tuple[list[tuple[float, float]], str]:
    """The detected intervals and a line on how the model found them ("" otherwise)."""
    if args.method == "similarity":
        return _found(args, epochs)
    return _detected(args, rec, epochs), ""


def _detected(args: argparse.Namespace, rec, epochs: EpochSet) -> list[tuple[float, float]]:
    if args.method == "file":
        if not args.detections:
            raise SleepLMError("--method file needs --detections FILE (e.g. the second expert)")
        return intervals_of(read_scoring(args.detections).events, event_types(args.type))
    if args.method == "yasa":
        if args.type != "spindle":
            raise SleepLMError("--method yasa is a spindle detector; use --type spindle")
        return yasa_spindles(rec, epochs)
    loaded = resolve_model(args.model)   # method caption
    captions = loaded.model.caption(epochs.data, "stage_event", mask=epochs.channel_mask,
                                    spo2=epochs.spo2)
    return [(r.start, r.end) for r in caption_regions(
        [c.text for c in captions], epochs.starts, args.type, [c.score for c in captions])]


def _found(args: argparse.Namespace, epochs: EpochSet) -> tuple[list[tuple[float, float]], str]:
    loaded = resolve_model(args.model)
    if not args.query:
        raise SleepLMError("--method similarity needs --query TEXT")
    if args.max_duration is not None and not args.max_duration > 0:
        raise SleepLMError(f"--max-duration {args.max_duration:g}: a region needs a positive "
                           "length; pass seconds above 0, or leave it out")
    config = LocalizeConfig(calibration=args.calibration, threshold=args.threshold,
                            min_duration=args.min_duration, max_duration=args.max_duration,
                            merge_gap=args.merge_gap,
                            extend=args.extend, top_k=args.top_k)
    found = localize(_embed(loaded, epochs, "encoding"), args.query,
                     TextEncoder(loaded.model), config)
    return [(r.start, r.end) for r in found.regions], _track_line(found)


def _track_line(found: Localization) -> str:
    """Which track the regions came from and the settings in force, in one line."""
    c, track = found.config, found.fine if found.fine is not None else found.epochs
    kind = ("dense sub-bins" if track.dense and track.width == SUB_BIN_SEC else
            "dense bins" if track.dense else "window bins" if found.fine is not None else "epoch bins")
    return (f"track: {kind} of {track.width:g} s; {c.calibration} >= {c.threshold:g}, "
            f"grown to {c.extend:g} x threshold, min duration {c.min_duration:g} s, "
            f"max duration {'none' if math.isinf(c.max_duration) else f'{c.max_duration:g} s'}, "
            f"merge gap {c.merge_gap:g} s"
            + "".join(f"; rival {r.phrase!r} takes a region when its mean chance minus this "
                      f"one's is >= {r.margin:+g}" for r in found.rivals))


def _localize(args: argparse.Namespace) -> int:
    rec, _, epochs = open_model_night(args.recording, events=args.events, sfreq=args.sfreq)
    reference = intervals_of(rec.events, event_types(args.type))
    if not reference:
        raise SleepLMError(f"{args.events}: no {args.type} events; check --type "
                           f"(e.g. apnea, hypopnea, desaturation, arousal, spindle)")
    detections, how = _detections(args, rec, epochs)
    print(event_scores(detections, reference, args.iou).line())
    if how:
        print(how)
    return 0


def _retrieval(args: argparse.Namespace) -> int:
    rec, _, epochs = open_model_night(args.recording, hypnogram=args.hypnogram, events=args.events,
                                sfreq=args.sfreq)
    captions = caption_night(rec, epochs, seed=args.seed).level(args.level)
    have = np.flatnonzero([c is not None for c in captions])
    if not len(have):
        raise SleepLMError(f"{args.recording}: no {args.level} captions (channels absent)")
    rng = np.random.default_rng(args.seed)
    pick = np.sort(rng.choice(have, size=min(args.n, len(have)), replace=False))
    loaded = resolve_model(args.model)
    vectors = encode_epochs(loaded.model, epochs.data[pick], epochs.channel_mask,
                            spo2=epochs.spo2_rows(pick))
    ks = tuple(int(k) for k in args.k.split(","))
    s = paired_recall(vectors, [captions[i] for i in pick], TextEncoder(loaded.model), ks)
    print(f"model: {loaded.label}; level: {args.level}; pairs: {s.n}")
    for k, ts, st in zip(s.ks, s.text_to_signal, s.signal_to_text):
        print(f"R@{k}: text->signal {ts:.3f}  signal->text {st:.3f}  (chance {k / s.n:.3f})")
    return 0


def _fewshot(args: argparse.Namespace) -> int:
    _, _, epochs = open_model_night(args.recording, hypnogram=args.hypnogram, sfreq=args.sfreq)
    pairs = read_labels_csv(Path(args.labels), epochs.starts)
    idx = np.array([i for i, _ in pairs])
    labels = [lab for _, lab in pairs]
    loaded = resolve_model(args.model)
    vectors = encode_epochs(loaded.model, epochs.data[idx], epochs.channel_mask,
                            spo2=epochs.spo2_rows(idx))
    config = FewShotConfig(kind=args.kind, seed=args.seed)
    accuracy = cross_validated_accuracy(vectors, labels, config)
    counts = ", ".join(f"{lab} {n}" for lab, n in sorted(Counter(labels).items()))
    print(f"model: {loaded.label}; head: {args.kind}; examples: {counts}")
    print(f"cross-validated accuracy: {accuracy:.3f} (chance {1 / len(set(labels)):.3f})")
    if np.any(epochs.stages >= 0) and set(labels) <= set(STAGES):
        head = fit_fewshot(vectors, labels, config)
        rest = np.setdiff1d(np.flatnonzero(epochs.stages >= 0), idx)
        predicted = np.asarray(head.labels)[head.predict(
            encode_epochs(loaded.model, epochs.data[rest], epochs.channel_mask,
                          spo2=epochs.spo2_rows(rest)))]
        truth = np.asarray(STAGES)[epochs.stages[rest]]
        print(f"accuracy on the other {len(rest)} scored epochs: "
              f"{np.mean(predicted == truth):.3f}")
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", help="EDF/EDF+/BDF recording (or a .txt/.npz signal)")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help="model folder or name; NAME:untrained for fresh weights")
    parser.add_argument("--sfreq", type=float, help="sampling rate (Hz) of text signals")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``eval staging``, ``eval localize`` and ``eval retrieval``."""
    parser = subparsers.add_parser("eval", help="score the model heads on a recording")
    sub = parser.add_subparsers(dest="eval_command", required=True)

    p = sub.add_parser("staging", help="zero-shot (or YASA) staging vs the scored hypnogram")
    _common(p)
    p.add_argument("--hypnogram", help="stage scoring file (when not inside the recording)")
    p.add_argument("--method", choices=("model", "yasa"), default="model")
    p.add_argument("--smoothing", choices=SMOOTHING_METHODS, default="hmm")
    p.add_argument("--pad-min", type=float, default=30.0,
                   help="minutes of wake kept around the sleep period (-1: whole recording)")
    p.set_defaults(func=_staging)

    p = sub.add_parser("localize", help="by-event F1 of localized regions vs scored events")
    _common(p)
    p.add_argument("--events", required=True, help="reference event scoring file")
    p.add_argument("--type", required=True,
                   help="event type: apnea, obstructive_apnea, hypopnea, desaturation, arousal, "
                        "spindle, ...")
    p.add_argument("--query", help="text query (method similarity)")
    p.add_argument("--method", choices=("similarity", "caption", "yasa", "file"),
                   default="similarity")
    p.add_argument("--detections", help="event file scored as detections (method file)")
    dense, epoch = DENSE_DEFAULTS, EPOCH_DEFAULTS
    p.add_argument("--calibration", choices=CALIBRATIONS,
                   help=f"default: {dense.calibration} on a model with dense tokens (its 2-s "
                        f"bins), else {epoch.calibration}")
    p.add_argument("--threshold", type=float,
                   help="default per calibration: " + ", ".join(
                       f"{k} {v:g}" for k, v in DEFAULT_THRESHOLDS.items()))
    p.add_argument("--min-duration", type=float,
                   help=f"shortest region in seconds (default {dense.min_duration:g} on dense "
                        f"bins, so 1-s spindles survive; {epoch.min_duration:g} otherwise)")
    p.add_argument("--max-duration", type=float,
                   help="longer regions are split at bin edges into regions of at most this "
                        "many seconds (default: the model's longest region for a tuned phrase, "
                        "such as 'sleep spindle', else none)")
    p.add_argument("--merge-gap", type=float,
                   help=f"merge regions at most this far apart, seconds (default "
                        f"{dense.merge_gap:g} on dense bins, {epoch.merge_gap:g} otherwise)")
    p.add_argument("--extend", type=float,
                   help=f"regions grow over bins scoring at least this fraction of the "
                        f"threshold (default {dense.extend:g} on dense bins, "
                        f"{epoch.extend:g} otherwise)")
    p.add_argument("--top-k", type=int, default=1000, help="regions kept")
    p.add_argument("--iou", type=float, default=0.3, help="IoU needed for a match")
    p.set_defaults(func=_localize)

    p = sub.add_parser("fewshot", help="few-shot head from labelled epochs (CSV epoch,label "
                                       "or time,label): cross-validated accuracy")
    _common(p)
    p.add_argument("--labels", required=True, help="CSV with columns epoch,label or time,label")
    p.add_argument("--hypnogram", help="stage file, to also score the unlabelled epochs")
    p.add_argument("--kind", choices=FEWSHOT_KINDS, default="prototype")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_fewshot)

    p = sub.add_parser("retrieval", help="R@k between epochs and captions of their measurements")
    _common(p)
    p.add_argument("--hypnogram", help="stage scoring file")
    p.add_argument("--events", help="event scoring file")
    p.add_argument("--level", default="stage_event",
                   help="caption level: brain, heart, respiratory, position_muscle, stage_event")
    p.add_argument("--n", type=int, default=500, help="epochs sampled (seeded)")
    p.add_argument("-k", "--k", default="1,5,10", help="comma-separated k values")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_retrieval)
