"""Position changes, the stage mix per hour or position, and "events" with no kind named
(the events a report scores). On the bundled synthetic night (the ``demo`` fixture)."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from app.chat.phenomena import phenomenon
from app.chat.query import Intent
from app.chat.understand import understand
from app.session import Session
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

POSITION = "position_muscle.position.position"


def _rows(text: str) -> dict[str, list[str]]:
    return {m[0].strip(): [c.strip() for c in m[1:]] for m in
            (line.strip("|").split("|") for line in text.splitlines() if line.startswith("| "))}


@pytest.mark.parametrize("text", ["how many times did the patient change position?",
                                  "position changes during sleep", "how often did she turn over?",
                                  "changes in body position", "did he roll over much after 3 am?"])
def test_position_changes_are_understood(text: str) -> None:
    q = understand(text)
    assert (q.intent, q.measure) == (Intent.MEASURE, "position_changes")


@pytest.mark.parametrize("text", ["how long was the patient supine?", "when was he on his back?",
                                  "AHI by position"])
def test_time_in_a_position_is_not_a_change(text: str) -> None:
    assert understand(text).measure != "position_changes"


def test_position_changes_are_counted_from_the_position_channel(demo) -> None:
    night, engine = demo
    labels = night.feature_frame()[POSITION].astype("string").fillna("unknown").to_numpy(object)
    known = [(i, p) for i, p in enumerate(labels) if p != "unknown"]
    changes = [(i, a, b) for (_, a), (i, b) in zip(known, known[1:]) if a != b]
    asleep = night.stages()[0] >= STAGES.index("N1")
    answer = Session(night).ask("how many times did the patient change position?", engine)
    assert f"**{len(changes)}** change" in answer.text
    assert f"**{sum(asleep[i] for i, _, _ in changes)}** of them in sleep" in answer.text
    first = changes[0]
    assert f"{first[1]} → {first[2]}" in answer.text
    assert answer.jump == first[0]
    assert len(answer.highlights) == len(changes)


def test_position_changes_after_a_time_keep_to_it(demo) -> None:
    night, engine = demo
    whole = Session(night).ask("how many position changes?", engine).text
    late = Session(night).ask("how many position changes after 4 am?", engine).text
    n_whole = int(re.search(r"\*\*(\d+)\*\* change", whole).group(1))
    n_late = int(re.search(r"\*\*(\d+)\*\* change", late).group(1))
    assert 0 < n_late < n_whole


@pytest.mark.parametrize(("text", "by"), [("give me a table of stages by hour", "hour"),
                                          ("sleep stages by position", "position"),
                                          ("stage distribution hour by hour", "hour")])
def test_stage_mix_is_understood(text: str, by: str) -> None:
    q = understand(text)
    assert (q.intent, q.by, q.stat) == (Intent.BREAKDOWN, by, "stages")


def test_stage_mix_by_hour_adds_up_to_the_hypnogram(demo) -> None:
    night, engine = demo
    rows = _rows(Session(night).ask("give me a table of stages by hour", engine).text)
    stages = night.stages()[0]
    header = rows.pop("clock hour")
    assert header == [*STAGES, "asleep", "stage shifts"]
    body = {k: v for k, v in rows.items() if not k.startswith("---")}
    for i, stage in enumerate(STAGES):
        total = sum(float(v[i]) for v in body.values())
        assert total == pytest.approx(float((stages == i).sum()) * EPOCH_SEC / 60)


def test_stage_mix_by_position_reads_each_position(demo) -> None:
    night, engine = demo
    rows = _rows(Session(night).ask("sleep stages by position", engine).text)
    labels = night.feature_frame()[POSITION].to_numpy()
    stages = night.stages()[0]
    rem = float(((labels == "supine") & (stages == STAGES.index("REM"))).sum()) * EPOCH_SEC / 60
    assert float(rows["supine"][STAGES.index("REM")]) == pytest.approx(rem)


@pytest.mark.parametrize(("text", "rank"), [("what was the first event of the night?", "earliest"),
                                            ("what was the last event of the night?", "latest")])
def test_first_and_last_event_are_searched(text: str, rank: str) -> None:
    q = understand(text)
    assert (q.intent, q.phenomenon, q.rank, q.count) == (Intent.LOCATE, "scored_event", rank, 1)


def test_the_first_event_is_the_earliest_scored_one(demo) -> None:
    night, engine = demo
    types = phenomenon("scored_event").event_types
    first = min((e for e in night.recording.events if e.type in types), key=lambda e: e.onset)
    answer = Session(night).ask("what was the first event of the night?", engine)
    assert answer.jump == night.epoch_at(first.onset)
    assert first.type.replace("_", " ") in answer.text


def test_events_in_the_first_hour_are_counted_by_type(demo) -> None:
    night, engine = demo
    types = phenomenon("scored_event").event_types
    hour = [e for e in night.recording.events if e.type in types and e.onset < 3600]
    text = Session(night).ask("how many events happened in the first hour?", engine).text
    assert f"**{len(hour)}** scored events" in text
    arousals = sum(e.type == "arousal" for e in hour)
    assert f"arousal {arousals}" in text
    assert "spindle" not in text


def test_events_split_by_a_group_stay_the_ahi_events() -> None:
    q = understand("are events clustered in REM?")
    assert (q.intent, q.phenomenon, q.stat) == (Intent.BREAKDOWN, None, "ahi")


def test_events_at_a_moment_describe_it() -> None:
    q = understand("what events happened at 3 am?")
    assert q.intent == Intent.DESCRIBE


def test_rmssd_is_not_respelled() -> None:
    q = understand("rmssd during N2")
    assert (q.intent, q.by, q.scope.stages) == (Intent.BREAKDOWN, "scope", ("N2",))


def test_time_in_a_named_position_leads(demo) -> None:
    night, engine = demo
    labels = night.feature_frame()[POSITION].to_numpy()
    asleep = night.stages()[0] >= STAGES.index("N1")
    supine = float((labels == "supine").sum()) * EPOCH_SEC / 60
    supine_asleep = float(((labels == "supine") & asleep).sum()) * EPOCH_SEC / 60
    text = Session(night).ask("how much time supine?", engine).text
    assert f"**supine** {supine:.1f} min recorded, {supine_asleep:.1f} min asleep" in text
    absent = next(p for p in ("right", "prone", "left") if not (labels == p).any())
    assert f"never **{absent}**" in Session(night).ask(
        f"how long was the patient {absent}?" if absent == "prone" else
        f"how long on the {absent} side?", engine).text


def test_a_stage_mix_names_no_stage_the_night_lacks(demo) -> None:
    night, engine = demo
    stages = np.asarray(night.epochs.stages).copy()
    stages[stages == STAGES.index("N3")] = STAGES.index("N2")
    shallow = replace(night, epochs=replace(night.epochs, stages=stages), _summary={})
    text = Session(shallow).ask("give me a table of stages by hour", engine).text
    assert "most N3" not in text and "most REM in **" in text


def test_a_comparison_does_not_repeat_one_signal_read_twice(demo) -> None:
    """Pulse and ECG rate read the same heart: one row, not two with the same numbers."""
    night, engine = demo
    frame = night.feature_frame()
    assert {"heart.heart_rate.mean [bpm]", "heart.ecg.rate [bpm]"} <= set(frame.columns)
    text = Session(night).ask("what was the heart rate in N3 compared to REM?", engine).text
    rows = re.findall(r"^- heart rate[^:]*\[bpm\]: (.+)$", text, re.M)
    assert len(rows) == 1, text


def test_a_stage_table_follow_up_splits_by_position(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("give me a table of stages by hour", engine)
    text = session.ask("and by position?", engine).text
    assert text.startswith("Stages by body position")
    assert _rows(text)["body position"] == [*STAGES, "asleep", "stage shifts"]


@pytest.mark.parametrize(("text", "kind", "stage"), [
    ("which epoch had the most arousals?", "arousal", None),
    ("show me the epoch with the most spindles", "spindle", None),
    ("which epochs have the most spindles in N2?", "spindle", "N2")])
def test_the_busiest_epochs_count_events_by_where_they_start(demo, text: str, kind: str,
                                                             stage: str | None) -> None:
    """"show me the epoch with the most spindles" gave the epoch of highest sigma power."""
    night, engine = demo
    stages = night.stages()[0]
    counts: dict[int, int] = {}
    for e in night.scored_events()[0]:
        i = night.epoch_at(e.onset)
        if e.type == kind and (stage is None or stages[i] == STAGES.index(stage)):
            counts[i] = counts.get(i, 0) + 1
    most = max(counts.values())
    first = min(i for i, n in counts.items() if n == most)
    answer = Session(night).ask(text, engine)
    assert answer.text.startswith(f"**Epoch {first}** (") and f": **{most}** (" in answer.text, \
        answer.text
    assert f"{sum(counts.values())} in {len(counts)} epochs" in answer.text
    assert night.epoch_at(answer.highlights[0].start) == first


@pytest.mark.parametrize(("text", "stage"), [("did REM increase across the night?", "REM"),
                                             ("how did N3 change across the night?", "N3")])
def test_a_stage_across_the_night_leads_with_its_earlier_and_later_hours(demo, text: str,
                                                                          stage: str) -> None:
    """"did REM increase across the night?" listed the REM periods."""
    night, engine = demo
    answer = Session(night).ask(text, engine).text
    lead, _, rest = answer.partition("\n\n")
    m = re.match(rf"{stage} in the earlier hours: \*\*([\d.]+) min\*\*.*in the later hours: "
                 rf"\*\*([\d.]+) min\*\*", lead)
    assert m, answer
    body = {k: v for k, v in _rows(rest).items() if not k.startswith("---")}
    body.pop("clock hour")
    column = list(STAGES).index(stage)
    assert float(m.group(1)) + float(m.group(2)) == pytest.approx(
        sum(float(v[column]) for v in body.values()))
    assert not Session(night).ask("give me a table of stages by hour", engine).text.startswith(
        f"{stage} in the earlier")


def test_wake_in_the_morning_splits_the_wake_around_sleep() -> None:
    q = understand("how long was the patient awake in the morning before the recording ended?")
    assert (q.intent, q.stat) == (Intent.SUMMARY, "wake")


def test_more_of_a_stage_early_in_the_night_compares_the_halves(demo) -> None:
    """"was there more deep sleep early in the night?" listed the N3 periods of the first third."""
    night, engine = demo
    text = Session(night).ask("was there more deep sleep early in the night?", engine).text
    same = Session(night).ask("how much N3 in the first half vs the second half?", engine).text
    assert text == same and "in N3 in the first half against" in text, text


def test_the_share_of_epochs_holding_an_event(demo) -> None:
    """"what percentage of REM epochs had rapid eye movements?" counted the movements."""
    night, engine = demo
    stages = night.stages()[0]
    # the scoring has no eye movements, so they are the machine's (as the answer says)
    assert not any(e.type == "rapid_eye_movement" for e in night.recording.events)
    rem = {night.epoch_at(e.onset) for e in night.machine.events
           if e.type == "rapid_eye_movement"}
    in_rem = int(np.sum(stages == STAGES.index("REM")))
    held = sum(stages[i] == STAGES.index("REM") for i in rem)
    text = Session(night).ask("what percentage of REM epochs had rapid eye movements?", engine).text
    assert text.startswith(f"**{held}** of the {in_rem} epochs in REM (**{100 * held / in_rem:.0f} "
                           f"%**) hold at least one rapid eye movement event"), text
    assert understand("which epochs had the highest delta power?").measure != "busiest_epochs"
