"""Questions of stop 64, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (synthetic nights written without their scoring). Each names what it
used to get. Expected answers are the ones the same question gets asked in full, or the
night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import pytest

from app.chat import norms
from app.chat.breakdown import positions
from chat_dialogues import last_answer
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.synth import SynthConfig, synth_night


@pytest.fixture(scope="module")
def teen(demo, tmp_path_factory: pytest.TempPathFactory):
    """A 14-year-old's scored hour, the age only in the file's header."""
    from app.night import embed_night, read_night

    rec = synth_night(SynthConfig(hours=1.0, seed=6464, age=14.0))
    night = read_night(write_edf(rec, tmp_path_factory.mktemp("teen") / "teen.edf"), "teen")
    embed_night(night, demo[1])
    return night, demo[1]


def test_is_the_plm_index_high(demo) -> None:
    """"is the PLM index high?" gave the index with no word on the threshold."""
    text = last_answer(demo, "is the PLM index high?")
    index = float(re.search(r"a PLMS index of \*\*([\d.]+)/h\*\*", text)[1])
    way = "above" if index > norms.PLMS_ADULT else "not above"
    assert f"This night's **{index:.1f}/h** is **{way}** the {norms.PLMS_ADULT:g}/h set for an adult." in text


@pytest.mark.parametrize(("asked", "same"), [
    ("is the arousal index high?", "is the arousal index normal?"),
    ("is her ODI elevated?", "is that normal?"),
    ("is the ODI normal?", "is that normal?"),
])
def test_an_index_judged_in_one_question(demo, asked, same) -> None:
    """"is the arousal index high?" listed the arousals; "is the ODI normal?" gave the ODI with
    no word on what healthy sleepers show."""
    text = last_answer(demo, asked)
    if same == "is that normal?":
        assert text == last_answer(demo, "what is the ODI?", same), text[:200]
        assert text.startswith("**ODI: "), text[:100]
    else:
        assert text == last_answer(demo, same) and "healthy sleepers" in text.split("\n")[0], text[:200]


@pytest.mark.parametrize("asked", ["what tells N1 apart from wake?", "what distinguishes N1 from wake?"])
def test_what_tells_two_stages_apart(demo, asked) -> None:
    """"what tells N1 apart from wake?" gave the minutes of wake."""
    assert last_answer(demo, asked) == last_answer(demo, "how do you tell N1 from wake?")


@pytest.mark.parametrize(("asked", "same"), [
    ("how many were from leg movements?", "how many arousals were from leg movements?"),
    ("how many were due to apneas?", "how many arousals were respiratory?"),
])
def test_how_many_of_a_cause_after_the_arousals(demo, asked, same) -> None:
    """"how many were from leg movements?" after the arousals' causes listed the leg movements."""
    text = last_answer(demo, "what caused the arousals?", asked)
    assert text == last_answer(demo, same), text[:200]
    assert re.match(r"\*\*\d+\*\* of the \d+ arousals", text), text[:100]


def test_a_signal_during_one_picked_event(demo) -> None:
    """"show me the heart during the worst apnea" listed the longest apnea without the heart."""
    text = last_answer(demo, "show me the heart during the worst apnea")
    assert text == last_answer(demo, "what was the heart rate during the longest apnea?"), text[:200]
    assert text.startswith("Heart rate around the "), text[:100]


def test_were_they_tied_gives_the_share(demo) -> None:
    """"were the desaturations tied to apneas?" listed the tied ones with no word of how many
    of all the desaturations they are."""
    text = last_answer(demo, "were the desaturations tied to apneas?")
    assert text == last_answer(demo, "what percentage of desaturations were tied to apneas?")
    tied = int(re.search(r"have \*\*(\d+)\*\* oxygen desaturation events with an apnea", text)[1])
    total = int(re.search(r"of the night's desaturations|of the (\d+) oxygen desaturation events", text)[1])
    assert text.startswith(f"**{tied}** of the {total} oxygen desaturation events (**{100 * tied / total:.0f} %**)")
    assert total > tied > 0


@pytest.mark.parametrize(("first", "other"), [("is the AHI worse on the back?", "off the back"),
                                              ("was the AHI higher in REM?", "in NREM")])
def test_by_how_much_after_a_rate_split(demo, first, other) -> None:
    """"by how much?" after "is the AHI worse on the back?" repeated the yes."""
    before = last_answer(demo, first)
    text = last_answer(demo, first, "by how much?")
    a, b = (float(x) for x in re.findall(r"\*\*([\d.]+)/h\*\*", before)[:2])
    assert text.startswith(f"**{a / b:.1f} times** the rate {other}, **{a - b:+.1f}/h**: "), text[:200]


@pytest.mark.parametrize("asked", ["when did it start?", "when did it end?"])
def test_when_did_it_start_after_the_recording(demo, asked) -> None:
    """"when did it start?" after the recording's length had nothing to pick from."""
    text = last_answer(demo, "how long did the recording last?", asked)
    assert text == last_answer(demo, "when did the recording start?"), text[:120]
    assert text.startswith("The recording runs **"), text[:120]


@pytest.mark.parametrize("asked", ["which side did they sleep on most?",
                                   "did she sleep more on her left or right side?"])
def test_which_side_they_slept_on(demo, asked) -> None:
    """"which side did they sleep on most?" gave the minutes of sleep, not of either side; a
    side never lain on went unsaid."""
    night, _ = demo
    text = last_answer(demo, asked)
    assert text == last_answer(demo, "how long on her side?"), text[:200]
    position = positions(night)
    for side in ("left", "right"):
        on_side = bool((position == side).any())
        assert (f"**{side}** " in text.split("\n")[0]) == on_side
        assert (f"never **{side}**" in text) == (not on_side), text[:300]


@pytest.mark.parametrize("asked", ["what should I teach about this night?", "what are the teaching points?"])
def test_what_to_teach_is_what_stands_out(demo, asked) -> None:
    """"what should I teach about this night?" gave the night's summary line."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, "what stands out?") and text.startswith("What stands out"), text[:100]


def test_how_much_rem_would_you_expect(demo) -> None:
    """"how much REM would you expect at this age?" gave the night's REM minutes, no norm."""
    text = last_answer(demo, "how much REM would you expect at this age?")
    assert text == last_answer(demo, "was there enough REM?"), text[:200]
    assert "typical" in text.split("\n")[0], text[:200]


@pytest.mark.parametrize("asked", ["did they get enough?", "is that enough?"])
def test_did_they_get_enough_after_the_sleep_needed(teen, asked) -> None:
    """"did they get enough?" after the sleep a 14-year-old needs was not understood."""
    need = last_answer(teen, "how much sleep does a 14 year old need?")
    assert need.startswith("Sleep time: **") and "recommends at this age" in need, need[:200]
    assert last_answer(teen, "how much sleep does a 14 year old need?", asked) == need


def test_the_pediatric_and_the_adult_cut_off(teen, demo) -> None:
    """"what's the pediatric cut-off?" gave the stage figures first; "what's the adult
    cut-off?" after it was not understood."""
    child = last_answer(teen, "what's the pediatric cut-off?")
    assert child.startswith("Breathing, by the AASM's pediatric rule: the obstructive AHI is **"), child[:100]
    adult = last_answer(teen, "what's the pediatric cut-off?", "what's the adult cut-off?")
    ahi = float(re.search(r"\*\*AHI: ([\d.]+)/h\*\*", adult)[1])
    assert adult.startswith(f"**AHI: {ahi:.1f}/h**: {norms.ahi_band(ahi)}. That is the adult scale; the "
                            f"file's header gives age 14"), adult[:300]
    grown = last_answer(demo, "what's the adult cut-off?")
    assert grown.startswith("**AHI: ") and "healthy 52-year-olds" in grown, grown[:300]


def _inventory(text: str) -> list[tuple[int, str]]:
    return [(int(m[1]), m[2]) for m in re.finditer(r"^- \*\*(\d+)\*\* ([\w -]+?)(?: \(|$)", text, re.M)]


@pytest.mark.parametrize("asked", ["list every event type you found", "what was scored?",
                                   "what annotations are in the file?"])
def test_every_event_type_counted(demo_unscored, asked) -> None:
    """"list every event type you found" listed the arousals alone; "what was scored?" was
    not understood."""
    night, _ = demo_unscored
    text = last_answer(demo_unscored, asked)
    rows = _inventory(text)
    events, _ = night.scored_events()
    from collections import Counter
    assert sorted(n for n, _ in rows) == sorted(Counter(e.type for e in events).values()), rows
    assert [n for n, _ in rows] == sorted((n for n, _ in rows), reverse=True)
    assert text.startswith(f"**{len(events)}** events of **{len(rows)}** types"), text[:100]


def test_which_is_most_and_least_common(demo_unscored) -> None:
    """"which is most common?" after the event types was off the recording; "show me the least
    common one" was not understood."""
    listed = "list every event type you found"
    rows = _inventory(last_answer(demo_unscored, listed))
    top = last_answer(demo_unscored, listed, "which is most common?")
    assert top.startswith(f"**{rows[0][1][0].upper()}{rows[0][1][1:]}** are the commonest type: "
                          f"**{rows[0][0]}** of the "), top[:120]
    rare = last_answer(demo_unscored, listed, "what is the rarest?")
    assert f" the least common type: **{rows[-1][0]}** of the " in rare.split("\n")[0], rare[:120]
    shown = last_answer(demo_unscored, listed, "show me the least common one")
    assert shown.startswith(f"The last listed of {len(rows)} ("), shown[:120]


@pytest.mark.parametrize("asked", ["what could cause early REM?", "why was REM so early?",
                                   "what causes a short REM latency?"])
def test_what_brings_rem_early(demo, asked) -> None:
    """"what could cause early REM?" listed the REM periods."""
    night, _ = demo
    text = last_answer(demo, asked)
    assert text.startswith("**What brings REM early.**"), text[:100]
    latency = night.summary().rem_latency_min
    assert f"reached REM **{latency:.0f} min** after sleep onset" in text, text[-200:]


def test_show_me_the_most_interesting_epoch(demo) -> None:
    """"show me the most interesting epoch" gave the findings without saying which moment it
    moved to; "why is it interesting?" was not understood; "show me the next one" started
    over at the first."""
    text = last_answer(demo, "show me the most interesting epoch")
    findings = last_answer(demo, "what stands out?")
    m = re.match(r"Shown: \*\*(\d\d:\d\d:\d\d)–\d\d:\d\d:\d\d\*\* \([\w ]+, stage \w+\), the moment of finding "
                 r"(\d), the first that has one", text)
    assert m and text.endswith(findings), text[:200]
    assert m[1] in findings.split(f"\n{m[2]}. ")[1].split("\n")[0]
    assert last_answer(demo, "show me the most interesting epoch", "why is it interesting?").endswith(findings)
    after = last_answer(demo, "show me the most interesting epoch", "show me the next one")
    assert after.startswith("The second listed of "), after[:100]


@pytest.fixture(scope="module")
def cassette_hour(demo, tmp_path_factory: pytest.TempPathFactory):
    """An hour laid out as a Sleep-EDF cassette file: no ECG, no body position, 1-Hz envelopes."""
    from app.night import embed_night, read_night

    rec = synth_night(SynthConfig(hours=1.0, seed=6465, profile="sleep-edf"))
    night = read_night(write_edf(rec, tmp_path_factory.mktemp("cassette") / "cassette.edf"), "cassette")
    embed_night(night, demo[1])
    return night, demo[1]


@pytest.mark.parametrize("asked", ["describe the heart in N2", "what does the chin do in N2?"])
def test_no_model_words_for_a_system_without_channels(cassette_hour, demo, asked) -> None:
    """"what does the chin do in REM?" on a Sleep-EDF night quoted the model's "lying right",
    though the file has no position channel: the model had read zeros."""
    text = last_answer(cassette_hour, asked)
    # the file's 1-Hz chin envelope still shows tone, which is measured; its heart is absent
    assert ("chin tone spread" if "chin" in asked else "features could be measured there (channels absent)") in text, \
        text[:300]
    assert "The model describes" not in text, text
    assert "The model describes" in last_answer(demo, asked)


def test_is_this_a_valid_home_sleep_test(demo, cassette_hour, tmp_path) -> None:
    """"is this a valid home sleep test?" gave the REI: now the hours of airflow and oximetry
    usable together against the 4 h a home test should hold."""
    from app.night import embed_night, read_night

    rec = synth_night(SynthConfig(hours=5.0, seed=6466, profile="hst"))
    rec.signals["SpO2"].data[:int(2.5 * 3600)] = 0.0   # the probe off for the first 2.5 h
    night = read_night(write_edf(rec, tmp_path / "probe_off.edf"), "probe_off")
    embed_night(night, demo[1])
    text = last_answer((night, demo[1]), "is this a valid home sleep test?")
    m = re.match(r"\*\*(Yes|No)\*\*: \*\*([\d.]+) h\*\* with both a usable airflow and a valid SpO2 \(airflow "
                 r"usable ([\d.]+) h, SpO2 ([\d.]+) h\)", text)
    assert m and m[1] == "No" and float(m[4]) == pytest.approx(2.5, abs=0.05), text[:200]
    assert float(m[2]) <= min(float(m[3]), float(m[4])) and float(m[3]) == pytest.approx(5.0, abs=0.05)
    whole = last_answer(demo, "is this a valid home sleep test?")
    assert whole.startswith("**Yes**: **"), whole[:100]
    # an hour with EEG is an attended study, judged by its uses (stop 75): an hour holds too
    # little of any, and it has no airflow a breathing scorer can read
    lacking = last_answer(cassette_hour, "is the study technically adequate?")
    assert lacking.startswith("**Not adequate for any of its uses**: sleep staging (1.0 h usable), "
                              "breathing events (no usable airflow"), lacking[:100]
    home = last_answer(cassette_hour, "is this a valid home sleep test?")
    assert home.startswith("**No**: this recording has no usable airflow and SpO2 channel"), home[:100]


def test_what_pressure_after_cpap_is_treatment(demo) -> None:
    """"what pressure?" after "would you recommend CPAP?" was off the recording."""
    text = last_answer(demo, "would you recommend CPAP?", "what pressure?")
    assert text.startswith("I can't diagnose or advise on treatment"), text[:100]


def test_recovery_follow_ups(demo) -> None:
    """"how does the oxygen recover after apneas?" gave SpO2 around them, not the recovery;
    "how long does it take on average?" and "what's the slowest recovery?" were not understood."""
    first = "how does the oxygen recover after apneas?"
    base = last_answer(demo, first)
    assert base == last_answer(demo, "how long does the oxygen take to recover after apneas?")
    median = re.search(r"a median \*\*(\d+) s\*\*", base)[1]
    mean = last_answer(demo, first, "how long does it take on average?")
    assert re.match(rf"On average \*\*\d+ s\*\* from the nadir back to baseline \(mean of \d+; median {median} s\)",
                    mean), mean[:200]
    slowest = re.search(r"The slowest: [^\n]+?\d s\.", base)[0]
    for asked in ("what is the slowest recovery?", "show me the slowest one"):
        assert last_answer(demo, first, "how long does it take on average?", asked).startswith(slowest)


def test_in_that_hour_after_a_measure_in_it(demo) -> None:
    """"what happened in that hour?" after the SpO2 of the worst hour described the epoch on
    screen, and "how many apneas were in it?" counted in that epoch."""
    first = last_answer(demo, "plot the SpO2 for the worst hour")
    start, end = re.search(r"in (\d\d:\d\d)–(\d\d:\d\d)", first).groups()
    text = last_answer(demo, "plot the SpO2 for the worst hour", "what happened in that hour?")
    assert text.startswith(f"In {start}–{end}:\n\nEvents ("), text[:100]
    count = last_answer(demo, "plot the SpO2 for the worst hour", "what happened in that hour?",
                        "how many apneas were in it?")
    assert f"apnea events in {start}–{end} " in count, count[:150]


@pytest.mark.parametrize("asked", ["is that central sleep apnea?", "does she have central sleep apnea?"])
def test_is_that_central_sleep_apnea(demo, asked) -> None:
    """"is that central sleep apnea?" after the central share looked for an apnea in the epoch
    on screen; the disorder is judged on the central index and the centrals' share."""
    text = last_answer(demo, "what percentage of events were central?", asked)
    rate = re.search(r"\*\*([\d.]+) per hour\*\* of sleep: (\d+) central apnea", last_answer(
        demo, "central apneas per hour"))
    assert text.startswith("I can't diagnose"), text[:100]
    assert f"- central apnea index: **{float(rate[1]):.1f}/h of sleep ({rate[2]} in " in text, text
    assert "- central share: **" in text and "the half the ICSD-3 asks for" in text
    assert "AHI band" not in text


def test_which_staging_is_right(demo_unscored, demo) -> None:
    """"which one is right?" after YASA and the model disagreed was off the recording."""
    first = "where does YASA disagree with the model?"
    text = last_answer(demo_unscored, first, "which one is right?")
    assert text.startswith("**Neither is checked on this night**: it has no human scoring. YASA's staging "
                           "against expert scoring"), text[:200]
    scored = last_answer(demo, first, "which one is right?")
    assert scored == last_answer(demo, "is the model better than YASA?"), scored[:200]


def test_how_many_epochs_they_disagree_on_in_a_stage(demo_unscored) -> None:
    """"how many epochs do they disagree on in REM?" gave the minutes of REM."""
    text = last_answer(demo_unscored, "how many epochs do they disagree on in REM?")
    assert text == last_answer(demo_unscored, "where does the model disagree with YASA in REM?"), text[:200]
    assert re.match(r"The model's zero-shot stage differs from the [^*]+ one on \*\*\d+\*\* of \d+ epochs scored REM",
                    text), text[:200]


def test_what_stage_then_after_the_most_restless_hour(demo) -> None:
    """"what stage were they in then?" after the most fragmented hour had nothing to refer to."""
    first = last_answer(demo, "when was the patient most restless?")
    hour = re.search(r"\*\*(\d\d:\d\d–\d\d:\d\d)\*\*, with \*\*\d+\*\* changes", first)[1]
    row = re.search(rf"^\| {hour} \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", first, re.M)
    minutes = dict(zip(("W", "N1", "N2", "N3", "REM"), (float(x) for x in row.groups())))
    text = last_answer(demo, "when was the patient most restless?", "what stage were they in then?")
    listed = ", ".join(f"{s} {m:.1f} min" for s, m in sorted(minutes.items(), key=lambda kv: -kv[1]) if m > 0)
    assert text.startswith(f"Stages: **{listed}**"), (listed, text[:200])


@pytest.mark.parametrize(("asked", "stage"), [("quiz me on a REM epoch", "REM"), ("give me a quiz on N3", "N3")])
def test_a_quiz_on_one_stage(demo, asked, stage) -> None:
    """"quiz me on a REM epoch" quizzed an N2 epoch; "another one" after "why not?" on the reply
    was not the next quiz."""
    night, _ = demo
    stages, _ = night.stages()
    from sleeplm_core.io.recording import STAGES
    for k, text in enumerate((last_answer(demo, asked),
                              last_answer(demo, asked, "I think it's N1", "why not?", "another one")), 1):
        epoch = int(re.match(rf"\*\*Quiz {k}\.\*\* What stage is epoch (\d+) ", text)[1])
        assert STAGES[stages[epoch]] == stage, (k, text[:80])


def test_make_that_a_table(demo) -> None:
    """"make that a table" after the stage percentages was off the recording."""
    text = last_answer(demo, "what percentage of the night was spent in each stage?", "make that a table")
    assert text == last_answer(demo, "show me the sleep architecture in a table"), text[:200]
    assert "| stage | min |" in text


def test_compare_with_a_healthy_sleeper_of_an_age(demo) -> None:
    """"how does this compare to a healthy 30 year old?" compared the whole night with itself."""
    text = last_answer(demo, "how does this compare to a healthy 30 year old?")
    assert text == last_answer(demo, "is this normal for a 30 year old?"), text[:200]
    assert "healthy 30-year-olds" in text.split("\n")[0]


def test_how_long_are_cycles_in_children(teen) -> None:
    """"how long are cycles in children?" was off the recording."""
    text = last_answer(teen, "how long are cycles in children?")
    assert text.startswith("**How a child's sleep differs from an adult's.**") and "cycles are shorter" in text
    cycles = last_answer(teen, "how many sleep cycles?")
    m = re.search(r"\*\*(\d+)\*\* complete NREM-REM cycles? \(mean (\d+) min", cycles)
    if m:
        assert f"{m[1]} complete cycle{'s' * (m[1] != '1')} of mean **{m[2]} min**" in text, text[-300:]
    else:
        assert "no complete cycle" in text, text[-300:]


def test_what_is_the_ratio_after_which_is_higher(demo) -> None:
    """"what's the ratio?" after "which is higher?" of two rates was off the recording."""
    first = "how many arousals per hour in REM vs NREM?"
    text = last_answer(demo, first, "which is higher?", "what is the ratio?")
    a, b = (float(x) for x in re.findall(r"\*\*([\d.]+)/h\*\* in (?:REM|NREM)", text)[:2])
    m = re.match(r"\*\*([\d.]+) times\*\* the rate in NREM, \*\*([+-][\d.]+)/h\*\*: ", text)
    assert m, text[:200]   # the rates shown are rounded to 0.1/h, the ratio and difference are not
    assert float(m[1]) == pytest.approx(a / b, abs=0.06) and float(m[2]) == pytest.approx(a - b, abs=0.11)


def test_correlation_of_a_measure_with_the_ahi_by_hour(demo) -> None:
    """"what's the correlation between snoring and AHI by hour?" gave the AHI by hour alone."""
    text = last_answer(demo, "what's the correlation between snoring and AHI by hour?")
    assert text == last_answer(demo, "does the snoring track the AHI?"), text[:200]
    assert "ρ" in text


@pytest.mark.parametrize("asked", ["give me the stage durations in minutes", "how much time in each stage?"])
def test_stage_durations_are_the_architecture(demo, asked) -> None:
    """"give me the stage durations in minutes" gave the minutes of sleep."""
    assert last_answer(demo, asked) == last_answer(demo, "show me the sleep architecture in a table")


def test_median_and_interquartile_range_of_a_signal(demo) -> None:
    """"what's the median heart rate in REM?" gave the mean; "and its interquartile range?" was
    not understood."""
    import numpy as np
    from sleeplm_core.io.recording import STAGES

    night, _ = demo
    pulse = night.recording.signals["Pulse"]
    t = np.arange(len(pulse.data)) / pulse.sfreq
    stages, _ = night.stages()
    epoch = np.minimum((t // 30).astype(int), len(stages) - 1)
    v = pulse.data[(stages[epoch] == STAGES.index("REM")) & np.isfinite(pulse.data)]
    q1, median, q3 = np.percentile(v, [25, 50, 75])
    text = last_answer(demo, "what is the median heart rate in REM?")
    assert text.startswith(f"Median **{median:.1f} bpm**, interquartile range **{q1:.1f}–{q3:.1f} bpm** "
                           f"({len(v)} samples)."), text[:150]
    follow = last_answer(demo, "what is the heart rate in REM?", "and its interquartile range?")
    assert follow.split("\n")[0] == text.split("\n")[0]
