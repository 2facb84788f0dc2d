"""Chat answers on the bundled synthetic night: grounded in its annotations, with follow-ups.

The night (``assets/demo/synthetic_night.edf``, 8 h, human-scored stages and events)
is the session's ``demo`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from chat_dialogues import events_of, stage_epochs
import chat_heldout as heldout
from app.chat.dialogue import Dialogue
from app.chat.pipeline import ask
from app.chat.plan import ChatError
from app.chat.understand import understand
from app.engine import DEMO_DIR
from app.night import LoadedNight, embed_night, machine_score, read_night
from app.session import Session
from app.timeexpr import format_clock
from sleeplm_core.heads.grounding import facts_of_caption
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event

CLOCK_RE = re.compile(r"\b(\d{2}:\d{2}:\d{2})\b")


def _clock(night: LoadedNight, seconds: float) -> str:
    return format_clock(seconds, night.recording.start_time)


def _named_times_are_drawn(night: LoadedNight, answer) -> None:
    named = CLOCK_RE.findall(answer.text)
    drawn = {_clock(night, h.start) for h in answer.highlights}
    assert named and drawn and set(list(drawn)[:1]) <= set(named) | drawn, answer.text
    assert any(n in drawn for n in named), (named, drawn)


def test_first_rem_is_the_first_scored_rem_epoch(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("when does REM first start", engine)
    first = float(night.epochs.starts[stage_epochs(night, "REM")[0]])
    assert f"REM first starts at **{_clock(night, first)}**" in answer.text
    assert "human-scored" in answer.text
    assert answer.jump == night.epoch_at(first)
    _named_times_are_drawn(night, answer)


def test_stage_amount_matches_the_hypnogram(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what fraction of the night was N3", engine).text
    minutes = len(stage_epochs(night, "N3")) * EPOCH_SEC / 60
    sleep = sum(len(stage_epochs(night, s)) for s in ("N1", "N2", "N3", "REM")) * EPOCH_SEC / 60
    assert f"**{minutes:.1f} min** of N3" in text and f"**{100 * minutes / sleep:.1f} %**" in text


def test_threshold_search_keeps_the_threshold_and_the_time(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("Any oxygen desaturations below 90% after 3am?", engine)
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    after = 4.5 * 3600  # 03:00 is 4.5 h after the 22:30 start
    assert "below 90 %" in answer.text and answer.highlights
    for h in answer.highlights:
        assert h.start >= after
        i0, i1 = int(h.start * spo2.sfreq), int(h.end * spo2.sfreq)
        assert spo2.data[i0:i1].min() < 90
    _named_times_are_drawn(night, answer)


def test_explain_draws_a_scored_example(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("explain what an obstructive apnea is and show one", engine)
    assert "upper airway is closed" in answer.text and "human-scored" in answer.text
    onsets = {round(e.onset, 3) for e in events_of(night, "obstructive_apnea")}
    assert len(answer.highlights) == 1 and round(answer.highlights[0].start, 3) in onsets
    assert answer.window is not None


def test_normal_cites_its_source_and_does_not_diagnose(demo) -> None:
    night, engine = demo
    text = Session(night).ask("Is this person's sleep normal?", engine).text
    assert "Ohayon" in text and "not a diagnosis" in text
    assert f"**{night.summary().se_pct:.1f} %**" in text


def test_zero_shot_uses_the_users_labels(demo) -> None:
    night, engine = demo
    text = Session(night).ask("classify this epoch as wake, drowsy or asleep", engine).text
    assert all(label in text for label in ("wake", "drowsy", "asleep"))
    assert "N2" not in text.split("The human-scored")[0]


def test_help_and_off_topic_do_not_speak_of_medical_advice(demo) -> None:
    night, engine = demo
    session = Session(night)
    for question in ("hi, what can you do?", "what's the weather tomorrow?", "find tachycardia"):
        assert "medical" not in session.ask(question, engine).text.lower()
    assert "diagnose" in session.ask("should I take melatonin?", engine).text


def test_machine_scored_events_are_named_as_such(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    night, engine = demo
    label = "machine-scored (YASA, EEG C3-M2)"
    spindles = events_of(night, "spindle")[:4]
    monkeypatch.setattr(night, "scored_events", lambda: (spindles, label))
    text = Session(night).ask("how many spindles are there?", engine).text
    assert label in text and "**4**" in text


def test_unscored_spindles_and_k_complexes_are_the_models_tuned_moments(
        demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without scoring, the model localizes both with its own tuned phrase and operating
    point; where that point caps a region's length (spindles: one lit bin each), no moment
    listed is longer."""
    night, engine = demo
    monkeypatch.setattr(night, "scored_events", lambda: ([], "none"))
    longest = engine.model.dense_max_durations
    assert "sleep spindle" in longest
    for question, phrase in (("find K-complexes", "k-complex"), ("find sleep spindles", "sleep spindle")):
        answer = Session(night).ask(question, engine)
        assert answer.track_label == phrase, answer.track_label
        cap = longest.get(phrase, float("inf"))
        assert answer.items and all(i.source == "model" and i.end - i.start <= cap
                                    for i in answer.items), answer.text
        assert "p = " in answer.text


def test_bad_input_gets_one_line(demo) -> None:
    night, engine = demo
    session = Session(night)
    for question in ("", "x" * 2001):
        text = session.ask(question, engine).text
        assert "\n" not in text and text
    assert "nothing earlier" in session.ask("zoom into the second one", engine).text
    with pytest.raises(ChatError, match="22:30:00 to 06:30:00"):
        session.ask("what stage is it at 9 pm", engine)


def test_dialogue_state_is_per_session(demo) -> None:
    night, engine = demo
    a, b = Session(night), Session(night)
    a.ask("where are the apneas?", engine)
    assert "nothing earlier" in b.ask("how many were there?", engine).text


def test_heldout_questions_and_dialogues(demo) -> None:
    """The held-out table written before tuning (tests/chat_heldout.py) stays answered."""
    night, engine = demo
    known = heldout.facts(night)
    right = sum(not heldout.failures(check, *ask(q, Dialogue(), night, engine, 0)[::-1], night,
                                     known) for _, q, check in heldout.QUESTIONS)
    good = sum(not heldout.run_dialogue(turns, night, engine, known) for turns in heldout.DIALOGUES)
    assert right >= 36 and good >= 5, (right, good)


def test_missing_respiratory_channels_are_named(short_synthetic_edf: Path, demo) -> None:
    _, engine = demo
    night = read_night(short_synthetic_edf, "no_breathing",
                       mapping={"AF": "none", "THX": "none", "ABD": "none"})
    embed_night(night, engine)
    session = Session(night)
    assert "none of the respiratory channels" in session.ask("where are the apneas?", engine).text
    assert "none of the" not in session.ask("find sleep spindles", engine).text


def test_whole_night_statistics_lead_with_the_number_asked(demo) -> None:
    night, engine = demo
    s = night.summary()
    for question, lead in (("How long did the patient sleep in total?",
                            f"Total sleep time: **{s.tst_min:.0f} min**"),
                           ("and the sleep efficiency?", f"Sleep efficiency: **{s.se_pct:.1f} %**"),
                           ("what was the apnea-hypopnea index", f"**{s.ahi:.1f}/h**"),
                           ("how much time awake after sleep onset", f"**{s.waso_min:.0f} min**")):
        text = Session(night).ask(question, engine).text
        assert text.split("\n")[0].endswith(".") and lead in text.split("\n")[0], (question, text)


def test_longest_wake_bout_lies_inside_the_sleep_period(demo) -> None:
    _, engine = demo
    # SC4001's in-bed file with its expert hypnogram: a long wake run before sleep onset.
    night = read_night(DEMO_DIR / "SC4001E0_inbed.edf", "sc4001",
                       hypnogram=DEMO_DIR / "SC4001E0_inbed_hypnogram.edf")
    stages, source = night.stages()
    assert source == "scored"
    sleep = np.flatnonzero((stages >= 1) & (stages <= 4))
    wake = stage_epochs(night, "W")
    inside = wake[(wake > sleep[0]) & (wake < sleep[-1])]
    # Consecutive wake epochs form a bout; the longest one inside the sleep period is the answer.
    bouts = np.split(inside, np.flatnonzero(np.diff(inside) > 1) + 1)
    longest = max(bouts, key=len)
    outside = wake[(wake < sleep[0]) | (wake > sleep[-1])]
    assert len(outside) > len(longest), "the night must have a longer wake run outside sleep"
    text = Session(night).ask("what was the longest stretch of wake after falling asleep?", engine).text
    start = float(night.epochs.starts[longest[0]])
    assert f"**{_clock(night, start)}–" in text and f"**{len(longest) * EPOCH_SEC / 60:.1f} min**" in text, text


def test_desaturation_depth_filters_and_gives_the_odi(demo) -> None:
    night, engine = demo
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    x = np.where((spo2.data >= 50) & (spo2.data <= 100), spo2.data, np.nan)

    def depth(e: Event) -> float:
        a = int(round(e.onset * spo2.sfreq))
        before = x[max(0, a - int(120 * spo2.sfreq)):a]
        return np.nanmax(before) - np.nanmin(x[a:int(round(e.offset * spo2.sfreq))])

    deep = [e for e in events_of(night, "desaturation") if depth(e) >= 4.5]
    assert 0 < len(deep) < len(events_of(night, "desaturation"))
    text = Session(night).ask("how many oxygen desaturations dropping 4.5 % or more?", engine).text
    assert f"**{len(deep)}**" in text, text
    # the rate counts those that start in sleep, as the ODI does
    codes = night.stages()[0]
    asleep = [e for e in deep if codes[night.epoch_at(e.onset)] > 0]
    assert f"**{len(asleep) / (night.summary().tst_min / 60):.1f} per hour**" in text
    odi = Session(night).ask("what's the oxygen desaturation index?", engine).text
    assert "ODI 3 % = **" in odi and "ODI 4 % = **" in odi


def test_diagnosis_questions_get_numbers_not_events(demo) -> None:
    night, engine = demo
    s = night.summary()
    apnea = Session(night).ask("Could this person have sleep apnoea?", engine)
    assert "diagnos" in apnea.text and f"{s.ahi:.1f} events/h" in apnea.text
    assert not apnea.highlights and "apnea events" not in apnea.text
    insomnia = Session(night).ask("is this consistent with insomnia?", engine).text
    assert "diagnos" in insomnia and f"{s.sol_min:.1f} min" in insomnia
    assert f"{s.waso_min:.0f} min" in insomnia


def test_bare_picks_and_before_refer_to_the_last_list(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("find the hypopneas", engine)
    before = session.ask("what was going on just before?", engine)
    longest = max(events_of(night, "hypopnea"), key=lambda e: e.duration)
    assert "the first listed" in before.text and _clock(night, longest.onset) in before.text
    shortest = min(events_of(night, "hypopnea"), key=lambda e: e.duration)
    assert session.ask("the shortest one", engine).jump == night.epoch_at(shortest.onset)
    assert "before the hypopnea at" in session.ask("and what happened before?", engine).text
    assert session.ask("the second", engine).jump == night.epoch_at(
        sorted(events_of(night, "hypopnea"), key=lambda e: -e.duration)[1].onset)


def test_show_the_whole_night_brings_the_overview(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("show me the whole night", engine)
    assert f"total sleep {night.summary().tst_min:.0f} min" in answer.text
    assert not answer.highlights and "REM periods" not in answer.text


def test_unscored_event_families_are_said_not_matched(short_synthetic_edf: Path, demo) -> None:
    """A night machine-scored without airflow, belts, SpO2 or ECG: no respiratory, desaturation
    or heart findings, each with the scoring's reason, and no model matches in their place."""
    _, engine = demo
    night = read_night(short_synthetic_edf, "no_cardiorespiratory",
                       mapping={"AF": "none", "THX": "none", "ABD": "none", "ECG": "none",
                                "SPO2": "none", "HR": "none"})
    night.recording.events = []
    machine_score(night)
    embed_night(night, engine)
    session = Session(night)
    skipped = {line.split(":")[0]: line for line in night.machine.skipped}
    for question, part in (("where are the central apneas", "respiratory"),
                           ("how many desaturations were there", "desaturations")):
        answer = session.ask(question, engine)
        assert "not scored on this night" in answer.text and skipped[part] in answer.text
        assert "z =" not in answer.text and not answer.highlights
    ahi = session.ask("what's the AHI?", engine).text
    assert ahi.startswith("**The AHI cannot be computed") and skipped["respiratory"] in ahi
    assert "not measurable" in session.ask("does the patient have sleep apnea?", engine).text
    heart = session.ask("compare heart rate in REM and N2", engine).text
    assert "no heart rate" in heart and "delta" not in heart
    assert "nothing to pick from" in session.ask("the longest one", engine).text


def _model_matches_on(night: LoadedNight, answer, event_type: str) -> tuple[int, int]:
    """How many of the answer's model matches overlap a scored event of ``event_type``."""
    scored = [(e.onset, e.onset + e.duration) for e in events_of(night, event_type)]
    model = [h for h in answer.highlights if h.score is not None]
    assert model, answer.text
    return sum(any(h.start < b and a < h.end for a, b in scored) for h in model), len(model)


def test_model_matches_use_the_phrase_the_model_carries_an_operating_point_for(demo) -> None:
    """Each apnea type has its tuned phrase, and the other type as its rival: release 6's
    "obstructive apnea" regions covered every central apnea before the rivals (on the demo
    night the central phrase was the sentence at the general threshold, and found none)."""
    night, engine = demo
    for question, phrase, kind in (("where are the obstructive apneas?", "obstructive apnea",
                                    "obstructive_apnea"),
                                   ("where are the central apneas?", "central apnea",
                                    "central_apnea")):
        answer = Session(night).ask(question, engine)
        assert answer.track_label == phrase
        on_type, found = _model_matches_on(night, answer, kind)
        assert on_type >= 0.8 * found, (question, on_type, found)
    # the night's central apneas in N2 are among the model's matches there
    rem = Session(night).ask("which apneas were central? only in N2", engine)
    assert rem.track_label == "central apnea"
    assert _model_matches_on(night, rem, "central_apnea")[0] >= 1, rem.text
    # where the rival takes every moment (here forced by a margin every region reaches), the
    # answer says why its matches are weak instead of claiming none reached the threshold
    rivals = night.embedded.dense_rivals
    saved = dict(rivals)
    rivals["central apnea"] = {"obstructive apnea": -1.0}
    try:
        weak = Session(night).ask("which apneas were central? only in REM", engine)
    finally:
        rivals.clear()
        rivals.update(saved)
    threshold = night.embedded.dense_thresholds["central apnea"]
    assert (f"no moment reaches the model's event probability of {threshold:.2f} without "
            "reading more as obstructive apnea") in weak.text, weak.text
    # a phenomenon without a tuned phrase keeps its caption-like sentence
    events = Session(night).ask("where are the respiratory events?", engine)
    assert events.track_label.startswith("Breathing event: airflow absent or reduced")


def test_library_examples_hold_the_event_in_the_stage_asked(demo) -> None:
    """The shipped library (indexes/demo) is grounded: a search for a phenomenon checks
    each epoch's stage and per-2-s event readings, where the cosine alone returned
    hypopneas in REM 0 times in 10 and spindles 0 times."""
    night, engine = demo
    session = Session(night)
    answer = session.ask("retrieve examples of hypopneas in REM from the library", engine)
    # since stop 54 only epochs scored REM are searched; the model ranks them for hypopneas
    assert "“hypopnea”, scored REM (ranked by what the model reads" in answer.text
    hits = session.hits
    assert len(hits) == 6 and all(h.meta["stage"] == "REM" for h in hits)
    assert sum("hypopnea" in h.meta["caption"] for h in hits) >= 4
    spindles = session.retrieve("sleep spindles", engine).hits
    assert sum("sleep spindle" in h.meta["caption"] for h in spindles) >= 5


def test_library_examples_of_an_apnea_type_are_of_that_type(demo) -> None:
    """The library search carries the model's rival read-out: without it, "obstructive
    apneas" returned central ones (5 of the top 10 in bench/library.py held an obstructive
    apnea, 10 with it)."""
    night, engine = demo
    hits = Session(night).retrieve("obstructive apneas", engine).hits
    assert len(hits) == 6
    assert all("obstructive apnea" in h.meta["caption"] for h in hits), \
        [h.meta["caption"][:90] for h in hits]


def test_an_epoch_search_lists_library_captions_grounded_in_the_epoch(demo) -> None:
    """Signal -> caption: for 40 seeded epochs of the bundled night holding an apnea,
    hypopnea, desaturation or arousal, the first library caption listed must state the
    epoch's stage and those event types (by its measured caption) more often when ranked
    by the epoch's readings than by cosine (measured: 15 against 9)."""
    night, engine = demo
    strong = {"obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea", "desaturation",
              "arousal"}

    def facts(caption: str) -> tuple:
        f = facts_of_caption(caption)
        return f.stages, frozenset(e.types[0] for e in f.events) & strong

    rows = [i for i in range(len(night.epochs))
            if facts(night.measured_caption(i, "stage_event") or "Scored stage: W.")[1]]
    picks = np.random.default_rng(0).choice(rows, 40, replace=False)

    def agree(grounder) -> int:
        engine_used = replace(engine, grounder=grounder)
        n = 0
        for i in picks:
            session = Session(night)
            session.move(int(i))
            text = session.retrieve("", engine_used).text
            head, _, listed = text.partition("Library captions closest to")
            assert ("ranked by how likely" in listed.splitlines()[0]) == (grounder is not None)
            first = listed.splitlines()[1].split(" · ", 1)[1]
            n += facts(first) == facts(night.measured_caption(int(i), "stage_event"))
        return n

    grounded, cosine = agree(engine.grounder), agree(None)
    assert grounded >= 12 and grounded >= cosine + 4, (grounded, cosine)


def test_what_happened_at_a_time_lists_the_scored_events_there(demo) -> None:
    night, engine = demo
    # "at HH:MM" is the epoch starting HH:MM:00: an apnea starting in its first half lies in it.
    start_of = lambda e: format_clock(e.onset, night.recording.start_time)  # noqa: E731
    event = next(e for e in night.recording.events
                 if e.type == "obstructive_apnea" and int(start_of(e)[-2:]) < 30)
    text = Session(night).ask(f"what happened at {start_of(event)[:5]}?", engine).text
    paragraph = next(p for p in text.split("\n\n") if p.startswith("**stage/event**"))
    start = start_of(event)
    assert "Human-scored events there:" in paragraph and f"obstructive apnea {start}-" in paragraph
    assert "could be measured" not in text
    described = Session(night).ask("describe REM sleep", engine).text
    assert "scored" in described and "x REM" in described and "x W" not in described.split("\n\n")[1]


@pytest.mark.parametrize(("kind", "question", "reading"), [
    ("obstructive_apnea", "describe the breathing during the longest apnea",
     "breathing effort went on"),
    ("central_apnea", "what was the breathing like during the longest central apnea?",
     "no breathing effort"),
])
def test_breathing_during_the_longest_apnea_is_read_from_its_amplitude(demo, kind, question,
                                                                        reading) -> None:
    # A per-epoch breathing rate cannot see a 20-40 s pause (it said 14.3 breaths/min
    # "during" the apneas); the answer reads that one event's airflow and belts.
    night, engine = demo
    apneas = [e for e in night.recording.events
              if e.type.endswith("apnea") and (kind != "central_apnea" or e.type == kind)]
    longest = max(apneas, key=lambda e: e.duration)
    assert longest.type == kind
    answer = Session(night).ask(question, engine)
    assert _clock(night, longest.onset) in answer.text
    airflow = float(re.search(r"airflow \*\*(\d+) %\*\*", answer.text).group(1))
    assert airflow < 30 and reading in answer.text
    assert [(h.start, h.end) for h in answer.highlights] == [(longest.onset, longest.offset)]


def test_a_signal_asked_of_one_stage_is_set_against_the_rest_of_sleep(demo) -> None:
    night, engine = demo
    text = Session(night).ask("was the heart rate high during REM?", engine).text
    pulse = night.recording.signals["Pulse"]
    t = np.arange(len(pulse.data)) / pulse.sfreq
    stages, _ = night.stages()
    stage = stages[np.clip(((t - night.epochs.starts[0]) // EPOCH_SEC).astype(int), 0, len(stages) - 1)]
    rem = np.nanmean(pulse.data[stage == 4])
    rest = np.nanmean(pulse.data[np.isin(stage, [1, 2, 3])])
    shown = re.search(r"Against the rest of sleep \(mean ([\d.]+) bpm\) that is \*\*([+-][\d.]+) bpm",
                      text)
    assert shown is not None, text
    assert abs(float(shown.group(1)) - rest) < 0.3 and abs(float(shown.group(2)) - (rem - rest)) < 0.3


def test_a_night_that_ends_asleep_has_no_final_awakening(demo) -> None:
    night, engine = demo
    stages, _ = night.stages()
    assert stages[-1] in (1, 2, 3, 4)  # the demo night's recording stops in sleep
    answer = Session(night).ask("what time did they wake up?", engine)
    end = _clock(night, float(night.epochs.starts[-1]) + EPOCH_SEC)
    assert "ends asleep" in answer.text and end in answer.text
    assert "no final awakening was recorded" in answer.text


def _snore_by_stage(night: LoadedNight, stage: int) -> np.ndarray:
    loud = night.snore()
    stages, _ = night.stages()
    epoch = np.clip(((loud.times - night.epochs.starts[0]) // EPOCH_SEC).astype(int), 0,
                    len(stages) - 1)
    return loud.db[stages[epoch] == stage]


def test_snoring_is_read_from_the_snore_channel(demo) -> None:
    # The chat said it could not measure snoring while the night's Snore channel was on screen.
    night, engine = demo
    session = Session(night)
    text = session.ask("how loud was the snoring in REM?", engine).text
    mean = float(re.search(r"mean \*\*([\d.]+) dB\*\*", text).group(1))
    assert abs(mean - np.nanmean(_snore_by_stage(night, 4))) < 0.1, text
    assert "snoring loudness [dB]" in session.ask("compare with N2", engine).text  # the follow-up
    # The generator sets REM snoring at 0.6 of NREM's level and the loudest on the back.
    text = session.ask("compare snoring in REM and N2", engine).text
    rem, n2 = (float(x) for x in re.findall(r"\*\*([\d.]+)\*\*", text)[:2])
    assert rem < n2 - 3.0, text
    text = session.ask("was the snoring louder on the back?", engine).text
    assert "highest in **supine**" in text, text
    answer = session.ask("did the patient snore?", engine)
    assert "stretches of snoring loudness above 10 dB" in answer.text and answer.highlights
    loud = night.snore()
    for h in answer.highlights:
        inside = (loud.times >= h.start) & (loud.times < h.end)
        assert np.nanmin(loud.db[inside]) >= 10.0 and h.end - h.start >= 10.0
    assert "No stretch of snoring" in session.ask("did they snore while awake?", engine).text
    share = float(re.search(r"\*\*([\d.]+) % of sleep\*\*", answer.text).group(1))
    assert 80 < share <= 100  # the generator's sleeper snores through most of sleep
    assert f"Snoring {share:.0f} % of sleep" in session.ask("summarize the night", engine).text


def test_a_night_without_a_snore_channel_says_so(short_synthetic_edf: Path, demo) -> None:
    _, engine = demo
    night = read_night(short_synthetic_edf, "no_snore", mapping={"SNORE": "none"})
    embed_night(night, engine)
    assert night.snore() is None
    assert "Snoring" not in Session(night).ask("summarize the night", engine).text
    assert "has no snoring loudness channel" in Session(night).ask("did the patient snore?",
                                                                   engine).text


def test_time_below_a_saturation_is_also_a_share_of_sleep(demo) -> None:
    # Sleep reports give T90 as a share of total sleep time; the answer gave it of the
    # whole recording only.
    night, engine = demo
    text = Session(night).ask("any SpO2 below 90%?", engine).text
    shown = re.search(r"\*\*([\d.]+) % of sleep\*\* \(([\d.]+) of (\d+) min asleep", text)
    assert shown is not None, text
    spo2 = night.recording.signals["SpO2"]
    t = np.arange(len(spo2.data)) / spo2.sfreq
    stages, _ = night.stages()
    stage = stages[np.clip(((t - night.epochs.starts[0]) // EPOCH_SEC).astype(int), 0,
                           len(stages) - 1)]
    asleep = np.isin(stage, [1, 2, 3, 4]) & np.isfinite(spo2.data)
    share = 100 * np.mean(spo2.data[asleep] < 90)
    assert abs(float(shown.group(1)) - share) < 0.05
    assert abs(float(shown.group(3)) - asleep.sum() / spo2.sfreq / 60) < 1


def test_a_stage_asked_about_in_general_gets_its_hallmark_then_the_night(demo) -> None:
    night, engine = demo
    session = Session(night)
    text = session.ask("what happens in the brain during slow wave sleep", engine).text
    assert text.startswith("In N3:\n\n*Slow waves*, the stage's hallmark:"), text[:80]
    assert "On this night:" in text and "delta" in text
    text = session.ask("describe the heart between 2 and 3 am", engine).text
    assert text.startswith("Between 2 and 3 am:\n\n**heart**") and "hallmark" not in text


def test_the_longest_scored_event_comes_without_model_matches(demo) -> None:
    """A ranked question is answered from the scoring; the model's matches beside it were
    other moments of the night (the longest desaturation's "match" lay 7 h earlier)."""
    night, engine = demo
    answer = Session(night).ask("how long was the longest desaturation?", engine)
    assert "the 1 longest" in answer.text and "model" not in answer.text
    assert all(i.source == "scored" for i in answer.items)


def test_events_tied_to_another_kind_are_counted_by_the_aasm_windows(demo) -> None:
    """"show me a hypopnea with a desaturation" listed every hypopnea."""
    night, engine = demo
    events = night.scored_events()[0]
    hypopneas = [e for e in events if e.type == "hypopnea"]
    desats = [e for e in events if e.type == "desaturation"]
    # tied: the desaturation overlaps the hypopnea or starts within 30 s of its end (one that
    # ended before the hypopnea began follows another event)
    with_desat = sum(any(d.onset <= h.offset and h.onset <= d.offset or h.offset < d.onset <= h.offset + 30
                         for d in desats) for h in hypopneas)
    assert 0 < with_desat < len(hypopneas)
    counts = []
    for q in ("how many hypopneas had a desaturation?", "how many hypopneas without a desaturation?"):
        text = Session(night).ask(q, engine).text
        counts.append(int(re.search(r"\*\*(\d+)\*\* hypopnea events with", text).group(1)))
        assert "within 30 s of its end" in text and "model's best matches" not in text, text
    assert counts == [with_desat, len(hypopneas) - with_desat]
    text = Session(night).ask("apneas followed by an arousal in REM", engine).text
    assert "apnea events in REM with an arousal" in text and "within 10 s" in text, text
    # arousals tied to breathing events stay the arousals, split by cause
    assert "By cause" in Session(night).ask("arousals associated with apneas", engine).text


def test_the_oahi_counts_apneas_and_hypopneas_but_not_central_apneas(demo) -> None:
    night, engine = demo
    events = night.scored_events()[0]
    n = sum(e.type in ("obstructive_apnea", "mixed_apnea", "hypopnea") for e in events)
    assert n < sum(e.type in ("obstructive_apnea", "mixed_apnea", "central_apnea", "hypopnea")
                   for e in events)
    text = Session(night).ask("what is the oahi?", engine).text
    rate = n / (night.summary().tst_min / 60)
    assert text.startswith(f"**{rate:.2f} per hour** of sleep: {n} "), text


def test_a_tie_to_events_the_night_could_not_score_is_refused(short_synthetic_edf: Path,
                                                              demo) -> None:
    _, engine = demo
    night = read_night(short_synthetic_edf, "no_oximetry", mapping={"SPO2": "none"})
    night.recording.events = []
    machine_score(night)
    embed_night(night, engine)
    skipped = {line.split(":")[0]: line for line in night.machine.skipped}
    text = Session(night).ask("how many apneas had a desaturation?", engine).text
    assert text.startswith("**Oxygen desaturation events were not scored on this night**, so I "
                           "cannot tell which apnea events had one"), text
    assert skipped["desaturations"] in text, text


def test_a_good_example_is_a_typical_one_not_the_longest(demo) -> None:
    """"show me a good example of a K-complex" showed the longest, often a merged one."""
    night, engine = demo
    answer = Session(night).ask("show me a good example of a K-complex", engine)
    ks = [e for e in night.scored_events()[0] if e.type == "k_complex"]
    med = float(np.median([e.duration for e in ks]))
    # an even count's median lies between two lengths, which are then equally near it
    gap = min(abs(e.duration - med) for e in ks)
    best = {round(e.onset, 3) for e in ks if abs(e.duration - med) < gap + 1e-6}
    assert "the 1 most typical (nearest the median length)" in answer.text, answer.text
    shown = [round(h.start, 3) for h in answer.highlights if h.score is None]
    assert len(shown) == 1 and shown[0] in best, (shown, best)
    assert understand("show the longest K-complex").rank == "longest"
    # one asked for without a rank is a typical one too
    one = Session(night).ask("show me a K-complex", engine)
    assert "the 1 most typical" in one.text, one.text


def test_the_first_event_is_timed_from_sleep_onset(demo) -> None:
    """"how long after falling asleep did the first apnea happen?" gave sleep onset alone."""
    night, engine = demo
    stages = night.stages()[0]
    onset = float(night.epochs.starts[np.flatnonzero(stages >= 1)[0]])
    first = min((e for e in night.scored_events()[0] if e.type in (
        "obstructive_apnea", "central_apnea", "mixed_apnea")), key=lambda e: e.onset)
    for question in ("how long after falling asleep did the first apnea happen?",
                     "when was the first apnea?"):
        text = Session(night).ask(question, engine).text
        assert f"it starts **{(first.onset - onset) / 60:.1f} min after sleep onset**" in text, text
        assert format_clock(first.onset, night.recording.start_time) in text, text


@pytest.mark.parametrize("question", ["what stage is the patient in most of the time?",
                                      "which stage was most common?",
                                      "what was the dominant sleep stage?"])
def test_the_stage_most_of_the_night_is_the_largest_share_of_sleep(demo, question: str) -> None:
    """"what stage is the patient in most of the time?" staged epoch 0."""
    night, engine = demo
    s = night.summary()
    top = max(STAGES[1:], key=lambda k: s.stage_min[k])
    text = Session(night).ask(question, engine).text
    assert text.startswith(f"Most of the sleep was **{top}**: {s.stage_min[top]:.0f} min"), text


def test_a_signal_around_two_kinds_of_events_is_read_for_each(demo) -> None:
    """"compare heart rate during apneas and hypopneas" pooled them as respiratory events."""
    night, engine = demo
    q = understand("compare heart rate during apneas and hypopneas")
    assert (q.phenomenon, q.contrast, q.signal) == ("apnea", "hypopnea", "hr"), q
    assert understand("what was the heart rate during apneas and hypopneas?").contrast is None
    text = Session(night).ask("heart rate during apneas vs hypopneas", engine).text
    counts = [len([e for e in night.scored_events()[0] if e.type in types]) for types in (
        ("obstructive_apnea", "central_apnea", "mixed_apnea"), ("hypopnea",))]
    assert text.startswith("Heart rate during them: apnea events **"), text
    assert (f"around the {counts[0]} apnea events" in text
            and f"around the {counts[1]} hypopnea events" in text), text


def test_the_most_common_stage_of_a_part_is_read_in_that_part(demo) -> None:
    """"which stage was most common in the first half?" answered for the whole night."""
    night, engine = demo
    stages = night.stages()[0]
    half = stages[:len(stages) // 2]
    top = max(STAGES[1:], key=lambda k: np.sum(half == STAGES.index(k)))
    text = Session(night).ask("which stage was most common in the first half?", engine).text
    minutes = np.sum(half == STAGES.index(top)) * EPOCH_SEC / 60
    assert text.startswith(f"In the first half: most of the sleep was **{top}**: {minutes:.0f} min"), text


def test_explaining_the_event_at_a_clock_shows_that_one(demo) -> None:
    """"explain the K-complex at 01:44:38" showed the epoch's typical one, not that one."""
    night, engine = demo
    ks = sorted((e for e in night.scored_events()[0] if e.type == "k_complex"),
                key=lambda e: e.onset)
    one = ks[len(ks) // 2]
    asked = format_clock(one.onset + 3.0, night.recording.start_time)
    answer = Session(night).ask(f"explain the K-complex at {asked}", engine)
    said = format_clock(one.onset, night.recording.start_time)
    assert f"(the scored one nearest {asked}, human-scored): **{said}" in answer.text, \
        answer.text
    assert answer.highlights[0].start == pytest.approx(one.onset)
    # a clock with no K-complex near it shows a typical one, and says so
    far = min(night.epochs.starts, key=lambda t: -min(abs(t - e.onset) for e in ks))
    typical = Session(night).ask(f"explain the K-complex at "
                                 f"{format_clock(float(far), night.recording.start_time)}", engine)
    assert "nearest" not in typical.text


def _starts(answer) -> set[float]:
    return {round(i.start, 3) for i in answer.items}


def test_hypopneas_scored_on_arousal_only_have_an_arousal_and_no_desaturation(demo) -> None:
    """"what fraction of hypopneas were scored on arousal only?" listed every hypopnea."""
    night, engine = demo
    def found(text: str) -> set[float]:
        return _starts(Session(night).ask(text, engine))

    with_arousal = found("hypopneas with an arousal")
    no_desaturation = found("hypopneas without a desaturation")
    expected = with_arousal & no_desaturation
    assert 0 < len(expected) < len(with_arousal)
    for text in ("hypopneas with an arousal but no desaturation",
                 "how many arousal-only hypopneas?"):
        assert found(text) == expected, text
    n = sum(e.type == "hypopnea" for e in night.scored_events()[0])
    share = Session(night).ask("what fraction of hypopneas were scored on arousal only?",
                               engine).text
    assert share.startswith(f"**{len(expected)}** of the {n} hypopnea events "
                            f"(**{100 * len(expected) / n:.0f} %**) are those with an arousal"), share


def test_the_share_of_tied_events_is_given_first(demo) -> None:
    night, engine = demo
    n = sum(e.type == "hypopnea" for e in night.scored_events()[0])
    tied = len(_starts(Session(night).ask("hypopneas with a desaturation", engine)))
    text = Session(night).ask("what percentage of hypopneas had a desaturation?", engine).text
    assert text.startswith(f"**{tied}** of the {n} hypopnea events (**{100 * tied / n:.0f} %**)")


@pytest.mark.parametrize(("text", "kind"), [("what is the median apnea duration?", "apnea"),
                                            ("mean spindle duration in N2", "spindle"),
                                            ("how long were the arousals on average?", "arousal")])
def test_a_length_question_leads_with_the_lengths(demo, text: str, kind: str) -> None:
    """"what is the median apnea duration?" listed the longest apneas."""
    night, engine = demo
    answer = Session(night).ask(text, engine)
    lengths = np.array([i.duration for i in answer.items])
    assert len(lengths) and all(kind in i.label for i in answer.items)
    head = answer.text.split("\n\n")[0]
    assert ", length: mean **" in head and f"over {len(lengths)}." in head, head
    median = re.search(r"median \*\*([\d.]+) s\*\*", head).group(1)
    assert float(median) == pytest.approx(np.median(lengths), abs=0.051 if np.median(lengths) < 10
                                          else 0.51)


def test_spindles_after_a_k_complex_are_tied_to_it(demo) -> None:
    q = understand("how many spindles followed a K-complex?")
    assert (q.phenomenon, q.together) == ("spindle", "k_complex")
    night, engine = demo
    n = len(Session(night).ask("how many spindles followed a K-complex?", engine).items)
    assert 0 < n < sum(e.type == "spindle" for e in night.scored_events()[0])


@pytest.mark.parametrize(("text", "cause"), [("how many arousals were spontaneous?", "spontaneous"),
                                             ("what percentage of arousals were respiratory?",
                                              "respiratory")])
def test_a_named_arousal_cause_is_counted_first(demo, text: str, cause: str) -> None:
    """"how many arousals were spontaneous?" listed the longest arousals first."""
    night, engine = demo
    answer = Session(night).ask(text, engine).text
    n = int(re.search(rf"\*\*(\d+)\*\* {cause}", answer.split(". ", 1)[1]).group(1))
    total = sum(e.type == "arousal" for e in night.scored_events()[0])
    assert answer.startswith(f"**{n}** of the {total} arousals (**{100 * n / total:.0f} %**) were "
                             f"**{cause}** arousals."), answer


def test_a_desaturation_after_an_apnea_is_explained_with_one_that_follows_one(demo) -> None:
    """It explained apneas; "after" ties the first event to the second, as "followed by" does."""
    night, engine = demo
    q = understand("what does a desaturation look like after an apnea?")
    assert (q.phenomenon, q.together) == ("desaturation", "apnea"), q
    answer = Session(night).ask("what does a desaturation look like after an apnea?", engine)
    assert answer.text.startswith("**Oxygen desaturation.**") and "with an apnea" in answer.text
    shown = answer.highlights[0].start
    apneas = [e for e in night.scored_events()[0] if e.type.endswith("_apnea")]
    assert any(a.onset <= shown <= a.offset + 30 for a in apneas), shown
    # "why ... after" still asks about the signal around them
    assert understand("why does oxygen drop after an apnea?").together is None


def test_sleep_maintenance_efficiency_leaves_out_the_time_before_onset_and_after_waking(
        demo) -> None:
    """It gave the sleep efficiency, which counts both."""
    night, engine = demo
    s = night.summary()
    text = Session(night).ask("what is the sleep maintenance efficiency?", engine).text
    assert text.startswith(f"Sleep maintenance efficiency: "
                           f"**{100 * s.tst_min / (s.tst_min + s.waso_min):.1f} %**"), text
    assert f"({s.se_pct:.1f} %)" in text and "Sleep efficiency: **" not in text


def test_enough_rem_leads_with_the_rem_share_against_its_norm(demo) -> None:
    """It listed the REM periods."""
    night, engine = demo
    text = Session(night).ask("was there enough REM?", engine).text
    share = night.summary().stage_pct["REM"]
    # the band of the age in the file's header (52: 40-59 years)
    assert text.startswith(f"**REM: {share:.1f} % of sleep**, within the typical 17–25 %"), text


def test_the_hypoxic_burden_is_computed_from_the_nights_sleep_events(demo) -> None:
    """It said the hypoxic burden was not computed here."""
    from sleeplm_core.heads.summary import APNEA_TYPES
    from sleeplm_core.scoring.hypoxic_burden import HypoxicBurdenConfig, hypoxic_burden
    night, engine = demo
    text = Session(night).ask("what's the hypoxic burden?", engine).text
    stages = night.stages()[0]
    events = [e for e in night.scored_events()[0] if e.type in APNEA_TYPES
              and stages[night.epoch_at(e.onset)] > 0]
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    found = hypoxic_burden(spo2.data, spo2.sfreq, events, night.summary().tst_min / 60)
    assert len(events) == night.summary().n_apneas_hypopneas
    # events whose search window runs past either end of the recording are left out
    rule, seconds = HypoxicBurdenConfig(), len(spo2.data) / spo2.sfreq
    inside = [e for e in events if e.offset - rule.pre_sec >= 0 and round(e.offset) + rule.post_sec < seconds]
    assert found is not None and found.events == len(inside) > 0
    assert text.startswith(f"Hypoxic burden: **{found.per_hour:.1f} %·min per hour of sleep**, "
                           f"from {found.events} apneas and hypopneas"), text
