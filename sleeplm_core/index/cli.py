"""``sleeplm index build`` and ``sleeplm index search``."""

from __future__ import annotations

import argparse
import logging
import shlex
from pathlib import Path

import numpy as np

from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.captions.night import caption_night
from sleeplm_core.errors import SleepLMError
from sleeplm_core.heads.encoder import TextEncoder
from sleeplm_core.heads.grounding import GROUNDED_TYPES, StatedFacts, stated_event, typed_rivals
from sleeplm_core.heads.models import DEFAULT_MODEL, LoadedModel, resolve_model
from sleeplm_core.index.build import (CaptionBatch, Rank, ShardInput, SourceLabel,
                                      build_library)
from sleeplm_core.index.encode import library_encoder
from sleeplm_core.index.factory import INDEX_KINDS, IndexParams
from sleeplm_core.index.search import nearest_captions, search_text, search_vectors
from sleeplm_core.index.store import LibraryIndex, Manifest
from sleeplm_core.io.recording import STAGES
from sleeplm_core.heads.inputs import open_model_night
from sleeplm_core.scoring.coverage import blind_types

log = logging.getLogger(__name__)

CAPTION_SOURCES: tuple[str, ...] = ("measured", "generated", "none")


def _opener(args: argparse.Namespace):
    label = SourceLabel(args.kind, args.licence)

    def open_item(path: Path) -> ShardInput:
        rec, _, epochs = open_model_night(path, hypnogram=args.hypnogram, sfreq=args.sfreq)
        captions = None
        if args.captions == "measured":
            captions = [c or "" for c in
                        caption_night(rec, epochs, seed=args.seed).level(args.caption_level)]
        blind = blind_types(rec, epochs.slots)
        if blind:
            log.info("%s: the model's readings of %s are left out: %s", path.name,
                     ", ".join(blind), "; ".join(sorted(set(blind.values()))))
        return ShardInput(path, epochs, rec.start_time, label, captions, tuple(blind))

    return open_item


def _captioner(loaded: LoadedModel, args: argparse.Namespace) -> CaptionBatch | None:
    if args.captions != "generated":
        return None

    def caption(chunk: np.ndarray, mask: np.ndarray, spo2: np.ndarray | None) -> list[str]:
        return [c.text for c in loaded.model.caption(chunk, args.caption_level, mask=mask,
                                                     spo2=spo2)]

    return caption


def _build(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.recordings]
    if args.hypnogram and len(paths) > 1:
        raise SleepLMError("--hypnogram goes with a single recording; build the others separately "
                           "into the same --out")
    loaded = resolve_model(args.model)
    params = IndexParams(kind=args.index_kind, nlist=args.nlist, m=args.m, nbits=args.nbits,
                         nprobe=args.nprobe, k_factor=args.k_factor, seed=args.seed)
    manifest = Manifest(loaded.fingerprint, loaded.label, 0, 0, params,
                        rebuild=_rebuild_command(args))

    rank = Rank.from_env()
    library = build_library(paths, Path(args.out), _opener(args), library_encoder(loaded),
                            _captioner(loaded, args), TextEncoder(loaded.model), manifest,
                            args.batch_size, rank)
    if library is not None:
        p = library.manifest.params
        print(f"index {args.out}: {library.index.ntotal} vectors, {p.kind}"
              + (f" (nlist {p.nlist}, m {p.m}, nbits {p.nbits}, nprobe {p.nprobe}, "
                 f"k_factor {p.k_factor})"
                 if p.kind == "ivfpq" else "")
              + f", {len(library.captions)} captions, model {loaded.fingerprint[:12]}")
    return 0


def _rebuild_command(args: argparse.Namespace) -> str:
    words = ["sleeplm", "index", "build", *args.recordings, "--out", args.out,
             "--kind", args.kind, "--licence", args.licence, "--captions", args.captions]
    if args.hypnogram:
        words += ["--hypnogram", args.hypnogram]
    defaults = IndexParams()
    overrides = {"--index-kind": (args.index_kind, defaults.kind), "--nlist": (args.nlist, None),
                 "--m": (args.m, None), "--nbits": (args.nbits, defaults.nbits),
                 "--nprobe": (args.nprobe, None), "--k-factor": (args.k_factor, defaults.k_factor)}
    for flag, (value, default) in overrides.items():
        if value is not None and value != default:
            words += [flag, str(value)]
    return shlex.join(words)


def _parse_epoch(spec: str) -> tuple[Path, int]:
    path, sep, idx = spec.rpartition(":")
    if not sep or not idx.isdigit():
        raise SleepLMError(f"--epoch {spec!r}: expected FILE:INDEX, e.g. night.edf:120")
    return Path(path), int(idx)


def _stated(args: argparse.Namespace, library: LibraryIndex,
            rivals: dict[str, tuple[tuple[str, float], ...]]) -> StatedFacts | None:
    """The facts --stage and --event state (None without them: a caption states its own),
    each event with the model's rival read-out (:func:`typed_rivals`)."""
    if not args.stage and not args.event:
        return None
    if not args.text:
        raise SleepLMError("--stage and --event go with --text")
    if library.grounding is None:
        raise SleepLMError(f"--stage and --event need a library built by a dense-token model; "
                           f"{args.index} has no grounding.npz: rebuild it with such a model")
    return StatedFacts(tuple(args.stage), tuple(stated_event((e,), rivals) for e in args.event))


def _search(args: argparse.Namespace) -> int:
    folder = Path(args.index)
    library = LibraryIndex.load(folder)
    loaded = resolve_model(args.model)
    library.require_model(loaded.fingerprint, folder, args.model)
    facts = _stated(args, library, typed_rivals(getattr(loaded.model, "dense_rivals", {})))
    if args.text:
        for hit in search_text(library, args.text, TextEncoder(loaded.model), args.k, facts):
            print(hit.line())
        return 0
    path, idx = _parse_epoch(args.epoch)
    rec, _, epochs = open_model_night(path, sfreq=args.sfreq)
    if idx >= len(epochs):
        raise SleepLMError(f"--epoch {args.epoch}: {path} has {len(epochs)} epochs")
    encoded = library_encoder(loaded)(epochs.data[idx:idx + 1], epochs.channel_mask,
                                      epochs.spo2_rows(slice(idx, idx + 1)))
    grounding = (encoded.grounding.without(blind_types(rec, epochs.slots))
                 if encoded.grounding is not None else None)
    for hit in search_vectors(library, encoded.vectors, args.k)[0]:
        print(hit.line())
    if library.caption_index is not None:
        grounded = grounding is not None and library.caption_facts is not None
        print("nearest captions" + (" (grounded; cosine shown):" if grounded else ":"))
        for text, score in nearest_captions(library, encoded.vectors[0], args.captions_k,
                                            grounding):
            print(f"{score:+.3f}  {text}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``index build`` and ``index search``."""
    parser = subparsers.add_parser("index", help="build and search the FAISS epoch library")
    sub = parser.add_subparsers(dest="index_command", required=True)

    p = sub.add_parser("build", help="encode recordings into a library index (resumable; "
                                     "under torchrun each rank encodes a share)")
    p.add_argument("recordings", nargs="+", help="EDF/EDF+/BDF recordings")
    p.add_argument("--out", required=True, help="index folder, e.g. indexes/NAME")
    p.add_argument("--model", default=DEFAULT_MODEL,
                   help="model folder or name; NAME:untrained for fresh weights")
    p.add_argument("--hypnogram", help="stage file (only with a single recording)")
    p.add_argument("--kind", choices=("synthetic", "real"), required=True,
                   help="what the recordings are, shown with every hit")
    p.add_argument("--licence", required=True, help="data licence, shown with every hit")
    p.add_argument("--captions", choices=CAPTION_SOURCES, default="measured",
                   help="metadata captions: rendered from measured features, generated by "
                        "the model (slow on CPU) or none")
    p.add_argument("--caption-level", choices=LEVELS, default="stage_event")
    p.add_argument("--index-kind", choices=INDEX_KINDS, default="auto",
                   help="auto: flat up to 100k vectors, IVF-PQ beyond")
    p.add_argument("--nlist", type=int, help="IVF cells (default: about 2 * sqrt(n))")
    p.add_argument("--m", type=int, help="PQ sub-quantizers (default: dim/8)")
    p.add_argument("--nbits", type=int, default=IndexParams.nbits,
                   help="bits per PQ code (4 uses the fast-scan kernels)")
    p.add_argument("--nprobe", type=int, help="cells searched per query (default: nlist/4)")
    p.add_argument("--k-factor", type=int, default=IndexParams.k_factor,
                   help="candidates re-ranked exactly per requested neighbour")
    p.add_argument("--batch-size", type=int, default=64, help="epochs per forward pass")
    p.add_argument("--sfreq", type=float, help="sampling rate (Hz) of text signals")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_build)

    p = sub.add_parser("search", help="search a library by text or by an epoch")
    p.add_argument("--index", default="indexes/demo", help="index folder")
    query = p.add_mutually_exclusive_group(required=True)
    query.add_argument("--text", help="text query")
    query.add_argument("--epoch", help="FILE:INDEX, an epoch of a recording")
    p.add_argument("--stage", action="append", choices=STAGES, default=[],
                   help="with --text: rank epochs the model reads as this stage first "
                        "(repeat for any of several)")
    p.add_argument("--event", action="append", choices=GROUNDED_TYPES, default=[],
                   help="with --text: rank epochs where the model reads this event first "
                        "(repeat: each must be there)")
    p.add_argument("-k", type=int, default=10, help="results")
    p.add_argument("--captions-k", type=int, default=5, help="nearest captions for --epoch")
    p.add_argument("--model", default=DEFAULT_MODEL,
                   help="model folder or name; must be the model that built the index")
    p.add_argument("--sfreq", type=float, help="sampling rate (Hz) of text signals")
    p.set_defaults(func=_search)
