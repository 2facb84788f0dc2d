"""Wordings that were misread (stop 48, an unscored night of an older sleeper with periodic leg
movements and central apneas, asked in a technician's voice): each names what it used to get,
and is answered from the bundled night."""

from __future__ import annotations

import re

import pytest

from app.chat.plan import clock
from chat_dialogues import events_of, last_answer
from sleeplm_core.io.recording import STAGES


@pytest.mark.parametrize("follow_up", ["how many of them were periodic?", "how many were periodic?"])
def test_how_many_were_periodic_after_the_leg_movements(demo, follow_up) -> None:
    """"how many of them were periodic?" after the leg movements was off topic."""
    direct = last_answer(demo, "how many periodic leg movements?")
    lead = direct.split("\n\n")[0]
    assert re.match(r"\*\*\d+\*\* of the leg movements in sleep belong to periodic series", lead), lead
    assert last_answer(demo, "how many leg movements?", follow_up).startswith(lead)


def _busiest(text: str) -> tuple[str, str, int]:
    m = re.match(r"The 10-min stretch with the most central apnea events: \*\*(\d\d:\d\d:\d\d)–"
                 r"(\d\d:\d\d:\d\d)\*\*, \*\*(\d+)\*\* events", text)
    assert m, text
    return m.group(1), m.group(2), int(m.group(3))


@pytest.mark.parametrize("questions", [
    ("list the central apneas", "where do they cluster?"),
    ("list the central apneas", "are they clustered?"),
    ("how many of the apneas were central?", "where do the central ones cluster?"),
    ("where do the central apneas cluster?",),
])
def test_where_central_apneas_cluster_is_their_busiest_stretch(demo, questions) -> None:
    """"where do they cluster?" after a list was off topic, and "where do the central apneas
    cluster?" listed them again: now the busiest 10 minutes of those events, whose count
    is the scored events starting in it."""
    night, _ = demo
    start, end, n = _busiest(last_answer(demo, *questions))
    starts = [clock(night, e.onset)[:8] for e in events_of(night, "central_apnea")]
    assert n >= 2 and sum(start <= s < end for s in starts) == n


@pytest.mark.parametrize("questions", [
    ("list the central apneas", "which stages were they in?"),
    ("list the central apneas", "what stage were they mostly in?"),
    ("list the central apneas", "in which stage did they occur?"),
    ("which sleep stages were the central apneas in?",),
])
def test_the_stages_of_listed_events_are_split_by_stage(demo, questions) -> None:
    """"which stages were they in?" classified the epoch on screen and "what stage were they
    mostly in?" gave the night's commonest stage; "which sleep stages were the central apneas
    in?" listed them again: now those events by stage, counted from the scoring."""
    night, _ = demo
    text = last_answer(demo, *questions)
    assert text.startswith("Central apnea by stage:"), text
    stages, _ = night.stages()
    counts = {s: 0 for s in STAGES}
    for e in events_of(night, "central_apnea"):
        counts[STAGES[stages[night.epoch_at(e.onset)]]] += 1
    for stage in ("N1", "N2", "N3", "REM"):
        assert re.search(rf"^\| {stage} \| [\d.]+ \| {counts[stage]} \|", text, re.M), (stage, text)
    top = max(("N1", "N2", "N3", "REM"), key=counts.get)
    assert f"Most events: **{top}** ({counts[top]} of" in text


def test_the_least_certain_part_of_the_night_reads_the_staging(demo) -> None:
    """"which part of the night is least certain?" showed the night's overview numbers."""
    text = last_answer(demo, "which part of the night is least certain?")
    assert "Machine staging (YASA" in text, text
    stretches = text.split("The longest uncertain stretches")[1]
    assert re.search(r"^- \*\*\d\d:\d\d:\d\d–\d\d:\d\d:\d\d\*\* \([\d.]+ min, (?:W|N1|N2|N3|REM)\)", stretches, re.M), text


def _count(text: str, what: str) -> int:
    m = re.search(rf"\*\*(\d+)\*\* {what}", text)
    assert m, text
    return int(m.group(1))


def test_and_with_arousals_ties_the_last_list_and_keeps_its_scope(demo) -> None:
    """"and with arousals?" after the apneas in REM listed every arousal of the night: now the
    REM apneas tied to one, and "and without arousals?" the rest of them."""
    everyone = _count(last_answer(demo, "how many apneas in REM?"), "apnea events in REM")
    tied = _count(last_answer(demo, "how many apneas in REM?", "and with arousals?"),
                  "apnea events in REM with an arousal")
    untied = _count(last_answer(demo, "how many apneas in REM?", "and without arousals?"),
                    "apnea events in REM without an arousal")
    assert 0 < tied < everyone and tied + untied == everyone


def test_and_with_arousals_after_the_leg_movements(demo) -> None:
    """After the PLM index, "and with arousals?" means the leg movements with an arousal."""
    text = last_answer(demo, "what's the PLM index?", "and with arousals?")
    direct = last_answer(demo, "how many leg movements with an arousal?")
    assert (_count(text, "leg movement events with an arousal")
            == _count(direct, "leg movement events with an arousal"))


@pytest.mark.parametrize("questions", [("what's the AHI then?",),
                                       ("show me the longest apnea", "what's the AHI then?")])
def test_then_after_a_whole_night_figure_carries_the_conversation_on(demo, questions) -> None:
    """"what's the AHI then?" described the first stretch of the night (or the apnea picked),
    reading "then" as "at that moment" (stop 48, a home test asked by a technician)."""
    lead = last_answer(demo, "what's the AHI?").split("\n\n")[0]
    assert lead.startswith("AHI (apneas + hypopneas per hour of sleep): **")
    assert last_answer(demo, *questions).split("\n\n")[0] == lead


def test_snoring_worse_on_the_back_reads_the_snoring(demo) -> None:
    """"was the snoring worse on the back?" gave the AHI by position."""
    text = last_answer(demo, "was the snoring worse on the back?")
    # since stop 53 the way it went on the back leads (worse is no yes or no for a loudness)
    assert text.startswith(("**Higher on the back**", "**Lower on the back**", "**Not clearly**")), text
    assert "By body position" in text and "**snoring loudness** (dB" in text, text
    assert "AHI" not in text


def test_how_the_stages_were_found(demo) -> None:
    """"how do you know when she was asleep?" gave the REM periods (read as a stage's timing)."""
    text = last_answer(demo, "how do you know when she was asleep?")
    assert text.startswith("This night **comes with a scoring**"), text


def test_is_the_hrv_normal_says_what_it_can_be_read_against(demo) -> None:
    """"is the heart rate variability normal?" gave the HRV by stage and no word on norms."""
    text = last_answer(demo, "is the heart rate variability normal?")
    assert text.startswith("There is no validated normal range for RMSSD over 30-s epochs"), text
    nrem, wake = re.search(r"here NREM ([\d.]+) ms against wake ([\d.]+) ms", text).groups()
    assert re.search(rf"^\| NREM \| {re.escape(nrem)} \|", text, re.M)
    assert re.search(rf"^\| W \| {re.escape(wake)} \|", text, re.M)
    assert "There is no validated" not in last_answer(demo, "what's the HRV by stage?")


def test_they_in_a_comparison_are_the_events_just_listed(demo) -> None:
    """"were they faster in the second half of the night?" after the spindle density described
    the second half; now the spindles' frequency in the two halves, as when they are named."""
    named = last_answer(demo, "were the sleep spindles faster in the second half of the night?")
    assert "\n\nMean per spindle, in the second half of the night vs in the first half" in named
    text = last_answer(demo, "what's the spindle density in N2?", "were they faster in the second half of the night?")
    assert text == named


def test_the_most_sigma_power_is_a_measure_not_a_spindle_count(demo) -> None:
    """"which epoch has the most sigma power?" gave the epoch with the most spindles."""
    text = last_answer(demo, "which epoch has the most sigma power?")
    assert text.startswith("Sigma power (EEG ") and "holds the most sleep spindle" not in text, text
    assert text == last_answer(demo, "which epoch has the highest sigma power?")


def test_how_many_of_those_are_a_stage_after_a_library_search(demo) -> None:
    """"how many of those are N2?" after a library search listed the night's N2 periods."""
    text = last_answer(demo, "find similar epochs in the library", "how many of those are N2?")
    assert re.match(r"\d+ of the \d+ listed matches (?:is|are) scored N2\. ", text), text


def test_slow_oscillation_spindle_coupling_is_measured(demo) -> None:
    """"what is the slow oscillation to spindle coupling?" defined a spindle, and "do spindles
    ride the up-state of slow waves?" listed spindles (stop 48, a researcher's questions): now
    YASA's coupling over the slow waves of N2 and N3, then of N3 alone."""
    import numpy as np

    from sleeplm_core.scoring.channels import eeg_labels, pick
    from sleeplm_core.scoring.coupling import so_sigma_coupling
    from sleeplm_core.scoring.staging import StagingConfig

    night, _ = demo
    eeg, _ = pick(night.recording, eeg_labels(night.recording), StagingConfig().eeg)
    stages, _ = night.stages()
    direct = so_sigma_coupling(eeg, np.where(np.isin(stages, (2, 3)), stages, -1))
    text = last_answer(demo, "what is the slow oscillation to spindle coupling?")
    assert text.startswith(f"Slow-oscillation–spindle coupling on EEG {eeg.label}: over "
                           f"**{direct.overall.waves}** slow waves"), text
    assert f"consistency {direct.overall.vector_length:.2f}" in text
    assert f"N3 {direct.by_stage['N3'].waves} waves" in text
    assert last_answer(demo, "do spindles ride the up-state of slow waves?") == text
    only_n3 = so_sigma_coupling(eeg, np.where(stages == 3, stages, -1))
    n3 = last_answer(demo, "SO-spindle coupling", "and in N3?")
    assert f"in N3: over **{only_n3.overall.waves}** slow waves" in n3, n3


def test_is_that_difference_significant_tests_the_periods(demo) -> None:
    """"is that difference significant?" after comparing two stages' heart rate was off topic
    (stop 48, a researcher): now Welch's test over each stage's periods' means."""
    import numpy as np
    import pandas as pd
    from scipy.stats import ttest_ind

    from app.chat.measures import measure_columns
    from sleeplm_core.scoring.intervals import runs

    night, _ = demo
    text = last_answer(demo, "compare heart rate in N3 and REM", "is that difference significant?")
    frame = night.feature_frame()
    col = measure_columns("heart rate", frame)[0]
    values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
    stages, _ = night.stages()
    means = [[np.nanmean(values[a:b]) for a, b in runs(stages == STAGES.index(s))] for s in ("N3", "REM")]
    p = ttest_ind(means[0], means[1], equal_var=False).pvalue
    assert (f"Welch's t-test over the {len(means[0])} and {len(means[1])} periods' means: "
            f"p = {p:.2g}") in text, text
    assert "epochs of one period are not independent" in text
    assert "Welch" not in last_answer(demo, "compare heart rate in N3 and REM")
    assert last_answer(demo, "is the heart rate significantly different between N3 and REM?") == text


def test_significance_without_a_comparison_says_what_to_ask(demo) -> None:
    text = last_answer(demo, "is that difference significant?")
    assert text.startswith("A test of significance needs a comparison just before it"), text


def test_period_test_counts_each_period_once() -> None:
    import numpy as np
    from scipy.stats import ttest_ind

    from app.chat.significance import period_test

    values = np.array([1.0, 1.2, 5.0, 5.0, 1.1, np.nan, 4.0, 6.0, 0.9])
    first = np.array([1, 1, 0, 0, 1, 1, 0, 0, 1], dtype=bool)   # periods: [1, 1.2], [1.1, nan], [0.9]
    second = ~first                                              # periods: [5, 5], [4, 6]
    found = period_test(values, first, second)
    assert found.periods == (3, 2)
    assert found.p == ttest_ind([1.1, 1.1, 0.9], [5.0, 5.0], equal_var=False).pvalue
    assert period_test(values, first, np.eye(9, dtype=bool)[2]) is None   # one period


def test_an_educator_shows_a_stage_and_asks_why_it_looks_so(demo) -> None:
    """"show them what N3 looks like" listed N3's periods and "why is it so slow?" was off topic
    (stop 48, an educator): now the clearest N3 epoch, then why deep sleep's EEG is slow."""
    shown = last_answer(demo, "show them what N3 looks like")
    assert re.match(r"Epoch \d+ \(.*\) is \*\*N3\*\*", shown), shown
    why = last_answer(demo, "show them what N3 looks like", "why is it so slow?")
    assert why.startswith("**Why the EEG of deep sleep is slow.**"), why
    assert "Why the EEG" not in last_answer(demo, "compare heart rate in N3 and REM", "why is it so slow?")


def test_how_a_student_tells_two_stages_apart(demo) -> None:
    """"how would a student know this is REM and not wake?" listed the REM periods."""
    text = last_answer(demo, "how would a student know this is REM and not wake?")
    assert text == last_answer(demo, "how do I tell REM from wake?")
    assert "**REM** is marked by" in text and "chin EMG tone" in text, text


def test_point_out_one_example(demo) -> None:
    """"point out a K-complex" listed the five longest of 252."""
    text = last_answer(demo, "point out a K-complex")
    assert "the 1 most typical (nearest the median length)" in text, text


def test_why_deep_sleep_shrinks_across_the_night(demo) -> None:
    """"why does deep sleep shrink across the night?" listed N3's periods; "why is there less deep
    sleep later in the night?" gave one N3 epoch's evidence."""
    for question in ("why does deep sleep shrink across the night?",
                     "why is there less deep sleep later in the night?"):
        text = last_answer(demo, question)
        assert text.startswith("**Why deep sleep comes early in the night.**"), (question, text)


@pytest.mark.parametrize("follow_up, lead", [
    ("what should they look for on the belts?", "Breathing during it (median breath amplitude"),
    ("and on the oxygen?", "Mean SpO2 during it: **"),
])
def test_a_channel_of_the_event_just_shown(demo, follow_up, lead) -> None:
    """After "show an obstructive apnea for the class", "what should they look for on the belts?"
    gave the night's findings and "and on the oxygen?" the whole night's SpO2."""
    text = last_answer(demo, "show an obstructive apnea for the class", follow_up)
    assert text.startswith(lead), text
    assert "obstructive apnea at **" in text


def test_the_difference_between_the_last_two_phenomena_shown(demo) -> None:
    """"what is the difference between them?" after a K-complex and then a spindle were shown
    defined only one of them (the dialogue kept one phenomenon)."""
    text = last_answer(demo, "point out a K-complex", "and a spindle?", "what is the difference between them?")
    assert text.startswith("**K-complex.**") and "**Sleep spindle.**" in text, text
    assert text == last_answer(demo, "what's the difference between k-complex and sleep spindle?")
