"""Grounded text -> signal search: a query's stage and events, at their seconds, checked
against what the model reads in each epoch (planted readings, the shipped model on a
real EDF night, and a real FAISS library built with it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.captions.night import caption_night
from sleeplm_core.cli import main
from sleeplm_core.errors import IndexError_
from sleeplm_core.heads.encoder import TextEncoder
from sleeplm_core.heads.grounding import (
    GROUNDED_TYPES, FactTable, Grounder, Grounding, StatedEvent, StatedFacts, facts_of_caption,
    grounded_scores, stated_event, typed_rivals,
)
from sleeplm_core.heads.models import resolve_model
from sleeplm_core.heads.night import EmbeddedNight
from sleeplm_core.index.search import search_text
from sleeplm_core.index.store import LibraryIndex
from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import STAGES

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "assets" / "models" / "sleeplm-mini"
BINS = 15
HYP = GROUNDED_TYPES.index("hypopnea")


def planted() -> Grounding:
    """Three N2-looking epochs: a hypopnea over 0-26 s, one over 24-30 s, and none."""
    stage = np.log(np.full((3, 5), 0.05, np.float32))
    stage[:, STAGES.index("N2")] = np.log(0.8)
    events = np.full((3, len(GROUNDED_TYPES), BINS), 0.02, np.float16)
    events[0, HYP, :13] = 0.9
    events[1, HYP, 12:] = 0.9
    return Grounding(stage, events, 2.0)


def best(grounding: Grounding, facts: StatedFacts) -> int:
    return int(np.argmax(grounded_scores(np.zeros(len(grounding)), grounding, facts)))


def test_a_caption_is_read_into_its_stage_and_timed_events() -> None:
    facts = facts_of_caption("Scored stage: wake. Between 3.0 and 9.5 s: obstructive apnea. "
                             "Scored event: limb movement from 1.0 to 2.0 s.")
    assert facts == StatedFacts(("W",), (StatedEvent(("obstructive_apnea",), 3.0, 9.5),
                                         StatedEvent(("limb_movement",), 1.0, 2.0)), complete=True)
    assert facts_of_caption("This epoch is scored as N2. No scored events fall in this epoch.") \
        == StatedFacts(("N2",), (), complete=True)
    assert facts_of_caption("spindles during N2") is None


def test_the_epoch_whose_event_sits_at_the_stated_seconds_wins() -> None:
    g = planted()
    early = facts_of_caption("Scored stage: N2. Scored event: hypopnea from 0.0 to 26.0 s.")
    late = facts_of_caption("Scored stage: N2. Scored event: hypopnea from 24.0 to 30.0 s.")
    none = facts_of_caption("Scored stage: N2. No scored events fall in this epoch.")
    assert [best(g, early), best(g, late), best(g, none)] == [0, 1, 2]


def test_types_a_night_cannot_show_are_never_offered() -> None:
    g = planted()
    blind = g.without(["hypopnea", "not an event type"])
    anywhere = StatedFacts((), (StatedEvent(("hypopnea",)),))
    assert best(g, anywhere) in (0, 1)
    assert np.all(blind.events[:, HYP] == 0) and np.array_equal(
        np.delete(blind.events, HYP, axis=1), np.delete(g.events, HYP, axis=1))
    assert blind.log_likelihood(anywhere).max() < g.log_likelihood(anywhere).min()
    assert g.without([]) is g and np.any(g.events[:, HYP] > 0.5)


def test_the_shipped_library_holds_no_breathing_readings_of_a_night_without_airflow() -> None:
    """SC4001's airflow is sampled at 1 Hz: what the model reads of apneas there once
    ranked its wake epochs first for "obstructive apneas" (bench/library.py: 2 of 10)."""
    lib = LibraryIndex.load(ROOT / "indexes" / "demo")
    real = (lib.metadata["recording"] == "SC4001E0_inbed").to_numpy()
    breathing = [GROUNDED_TYPES.index(t) for t in ("obstructive_apnea", "hypopnea", "desaturation")]
    assert real.any() and lib.grounding is not None
    assert not lib.grounding.events[real][:, breathing].any()
    assert lib.grounding.events[~real][:, breathing].max() > 0.5
    assert lib.grounding.events[real][:, GROUNDED_TYPES.index("spindle")].max() > 0.5


def test_an_event_without_times_or_unlisted_events_do_not_count_against_an_open_query() -> None:
    g = planted()
    anywhere = StatedFacts((), (StatedEvent(("hypopnea",)),))
    scores = g.log_likelihood(anywhere)
    assert scores[0] == pytest.approx(scores[1]) and scores[0] > scores[2] + 3
    # A query naming only the stage ranks by the stage reading alone.
    stage = g.stage_logp.copy()
    stage[2, STAGES.index("REM")] = np.log(0.9)
    assert np.argmax(Grounding(stage, g.events, 2.0).log_likelihood(StatedFacts(("REM",)))) == 2


def test_a_rival_type_that_outranks_the_stated_one_takes_its_bins() -> None:
    """Two apnea epochs read alike as "obstructive apnea" (0.6); the first reads "central
    apnea" at 0.35, the second at 0.10. With the model's rival read-out (obstructive drops
    a bin where central minus obstructive reaches -0.45) a search for obstructive apneas
    prefers the second; for central apneas (rival at +0.30), the first."""
    obstructive, central = (GROUNDED_TYPES.index(t) for t in ("obstructive_apnea", "central_apnea"))
    events = np.full((2, len(GROUNDED_TYPES), BINS), 0.02, np.float16)
    events[:, obstructive, 4:10] = 0.6
    events[0, central, 4:10], events[1, central, 4:10] = 0.35, 0.10
    g = Grounding(np.log(np.full((2, 5), 0.2, np.float32)), events, 2.0)
    rivals = typed_rivals({"Obstructive apnea": {"central apnea": -0.45},
                           "central apnea": {"obstructive apnea": 0.30}, "apnea": {"hypopnea": 0.1}})
    assert rivals == {"obstructive_apnea": (("central_apnea", -0.45),),
                      "central_apnea": (("obstructive_apnea", 0.30),)}
    plain = g.log_likelihood(StatedFacts((), (StatedEvent(("obstructive_apnea",)),)))
    assert plain[0] == pytest.approx(plain[1])
    assert best(g, StatedFacts((), (stated_event(("obstructive_apnea",), rivals),))) == 1
    assert best(g, StatedFacts((), (stated_event(("central_apnea",), rivals),))) == 0
    # a family of types has no single rival, and a whole caption is scored as before
    assert stated_event(("obstructive_apnea", "central_apnea"), rivals).rivals == ()


def test_groundings_of_different_bin_widths_are_not_joined() -> None:
    g = planted()
    assert len(Grounding.concat([g, g])) == 6
    with pytest.raises(ValueError, match="bin widths"):
        Grounding.concat([g, Grounding(g.stage_logp, g.events, 4.0)])


@pytest.fixture(scope="module")
def shipped():
    return resolve_model(str(SHIPPED))


def test_whole_captions_find_their_own_epoch_far_better_grounded(shipped, synthetic_edf: Path) -> None:
    """Paired text -> signal R@10 over a real EDF night: each epoch's whole stage_event
    caption must rank that epoch in the top 10 of the night. Where a caption states
    events, their seconds single the epoch out; "wake, no events" cannot be told apart."""
    rec, _, epochs = open_night(synthetic_edf)
    night = EmbeddedNight.from_model(shipped.model, epochs)
    encode = TextEncoder(shipped.model)
    grounding = Grounder.for_model(shipped.model, shipped.logit_scale, encode).read(
        night.vectors, night.dense)
    captions = caption_night(rec, epochs, seed=0).level("stage_event")
    rows = [i for i, c in enumerate(captions) if c]
    cos = encode([captions[i] for i in rows]) @ night.vectors.T
    stated = np.array([bool(facts_of_caption(captions[i]).events) for i in rows])
    assert stated.sum() >= 10

    def hits(score) -> np.ndarray:
        return np.array([i in np.argsort(-score(q))[:10] for q, i in enumerate(rows)])

    plain = hits(lambda q: cos[q])
    grounded = hits(lambda q: grounded_scores(cos[q], grounding, facts_of_caption(captions[rows[q]])))
    assert grounded[stated].mean() >= 0.95 > plain[stated].mean() + 0.1, (
        plain[stated].mean(), grounded[stated].mean())
    assert grounded.mean() > plain.mean()


@pytest.fixture(scope="module")
def library(shipped, synthetic_edf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grounded") / "lib"
    assert main(["index", "build", str(synthetic_edf), "--out", str(out), "--model",
                 str(SHIPPED), "--kind", "synthetic", "--licence", "CC0"]) == 0
    return out


def test_a_library_keeps_the_grounding_and_searches_captions_with_it(shipped, library: Path) -> None:
    lib = LibraryIndex.load(library)
    assert lib.grounding is not None and len(lib.grounding) == lib.index.ntotal
    assert lib.grounding.events.shape[1:] == (len(GROUNDED_TYPES), BINS)
    captioned = lib.metadata[lib.metadata["caption"].str.contains("hypopnea")]
    caption = captioned.iloc[0]["caption"]
    hits = search_text(lib, caption, TextEncoder(shipped.model), k=5)
    assert all(h.evidence is not None for h in hits)
    assert [h.evidence for h in hits] == sorted((h.evidence for h in hits), reverse=True)
    assert any("hypopnea" in h.meta["caption"] for h in hits[:3])
    plain = search_text(lib, "hypopnea", TextEncoder(shipped.model), k=5)
    assert all(h.evidence is None for h in plain)


def test_a_text_search_keeps_only_the_stages_asked(shipped, library: Path) -> None:
    """"REM epochs with eye movements": every hit scored in the stage, by cosine or grounded."""
    lib = LibraryIndex.load(library)
    encode = TextEncoder(shipped.model)
    caption = lib.metadata[lib.metadata["caption"].str.contains("hypopnea")].iloc[0]["caption"]
    counts = lib.metadata["stage"].astype(str).value_counts()
    top = search_text(lib, "rapid eye movements", encode, k=1)[0].meta["stage"]
    # a stage the unfiltered search does not put first, with rows enough to fill the hits
    wanted = next(st for st, n in counts.items() if st != top and n >= 8)
    for text in ("rapid eye movements", caption):
        hits = search_text(lib, text, encode, k=8, stages=(wanted,))
        assert len(hits) == 8 and {h.meta["stage"] for h in hits} == {wanted}, (text, wanted)
    n = int(counts[wanted])
    assert len(search_text(lib, caption, encode, k=n + 5, stages=(wanted,))) == n


def test_the_cli_says_when_a_search_was_grounded(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = LibraryIndex.load(library)
    caption = lib.metadata["caption"].iloc[int(np.argmax(lib.metadata["caption"].str.len()))]
    assert main(["index", "search", "--index", str(library), "--model", str(SHIPPED),
                 "--text", caption, "-k", "3"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and all("(grounded " in line for line in lines)
    assert main(["index", "search", "--index", str(library), "--model", str(SHIPPED),
                 "--text", "sleep spindles", "-k", "3"]) == 0
    assert "(grounded " not in capsys.readouterr().out
    rows = lib.metadata[lib.metadata["caption"].str.contains("hypopnea")]
    stage = rows["stage"].mode()[0]
    assert main(["index", "search", "--index", str(library), "--model", str(SHIPPED),
                 "--text", "breathing", "--stage", stage, "--event", "hypopnea", "-k", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert all("(grounded " in line and f"stage {stage} " in line and "hypopnea" in line
               for line in lines), lines


def test_an_epoch_search_lists_captions_grounded_in_that_epoch(
        library: Path, synthetic_edf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "search", "--index", str(library), "--model", str(SHIPPED),
                 "--epoch", f"{synthetic_edf}:40", "-k", "2", "--captions-k", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "nearest captions (grounded; cosine shown):" and len(out) == 5
    assert all(facts_of_caption(line.split("  ", 1)[1]) is not None for line in out[3:])


def test_stated_facts_without_a_text_query_are_refused_in_one_line(
        library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "search", "--index", str(library), "--model", str(SHIPPED),
                 "--epoch", "night.edf:3", "--event", "arousal"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith("--stage and --event go with --text")


def test_a_grounding_that_does_not_match_the_index_is_refused(library: Path, tmp_path: Path) -> None:
    for name in ("index.faiss", "metadata.csv", "manifest.json"):
        (tmp_path / name).write_bytes((library / name).read_bytes())
    g = planted()
    np.savez(tmp_path / "grounding.npz", stage_logp=g.stage_logp, events=g.events, bin_sec=2.0)
    with pytest.raises(IndexError_, match=r"3 grounding rows\); rebuild it"):
        LibraryIndex.load(tmp_path)


def test_scoring_many_captions_at_once_equals_scoring_each() -> None:
    g = planted()
    captions = ["Scored stage: N2. Scored event: hypopnea from 0.0 to 26.0 s.",
                "Scored stage: N2. Scored event: hypopnea from 24.0 to 30.0 s.",
                "Scored stage: REM. No scored events fall in this epoch.",
                "Scored stage: N2. Between 3.0 and 5.0 s: sleep spindle. Scored event: arousal "
                "from 20.0 to 24.0 s."]
    table = FactTable.of_captions(captions, BINS, 2.0)
    each = np.stack([g.log_likelihood(facts_of_caption(c)) for c in captions], axis=1)
    assert np.allclose(g.caption_log_likelihood(table), each)
    assert FactTable.of_captions([*captions, "a free sentence"], BINS, 2.0) is None
