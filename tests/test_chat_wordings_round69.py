"""Questions of stop 69, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (seed 7070, 7 h, AASM montage, age 55, AHI 20; seed 7171, a 72-year-old's
`random` montage that drew the Sleep-EDF channels, with no SpO2 and a 1-Hz airflow), all written
without their scoring; checked here on the bundled night, with and without its scoring, and on
SC4001 without its hypnogram. Each names what it used to get. Expected answers are the ones the
same question gets in another wording, or the night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.plan import clock
from chat_dialogues import last_answer
from sleeplm_core.io.recording import STAGES


def _lead(text: str) -> str:
    """An answer's first line."""
    return text.split("\n")[0]


@pytest.mark.parametrize("asked", ["what stage was she in most?", "which stage was he in most?"])
def test_which_stage_most(demo, asked) -> None:
    """"what stage was she in most?" gave epoch 0's stage."""
    text = last_answer(demo, asked)
    assert _lead(text) == _lead(last_answer(demo, "which stage was the patient in most of the time?")), text[:200]
    assert not text.startswith("Epoch"), text[:200]


@pytest.mark.parametrize(("asked", "named"), [("how many central ones?", "how many central apneas?"),
                                              ("how many obstructive ones?", "how many obstructive apneas?"),
                                              ("how many mixed ones?", "how many mixed apneas?")])
def test_apnea_type_ones(demo, asked, named) -> None:
    """"how many central ones?" after "are the apneas mostly central?" was not about this
    recording."""
    text = last_answer(demo, "are the apneas mostly central?", asked)
    assert _lead(text) == _lead(last_answer(demo, named)), text[:200]


def test_whats_the_longest_one(demo, sc4001_unscored) -> None:
    """"what's the longest one?" searched the model for the words "'s"; "what is the longest
    one?" picked from the list."""
    assert last_answer(demo, "where are the apneas?", "what's the longest one?") == last_answer(
        demo, "where are the apneas?", "which is the longest one?")
    # on a night whose apneas could not be scored there is nothing to pick from, not a search
    text = last_answer(sc4001_unscored, "are the apneas mostly central?", "and in REM?", "what's the longest one?")
    assert "best matches" not in text, text[:200]
    assert text == last_answer(sc4001_unscored, "are the apneas mostly central?", "and in REM?",
                               "what is the longest one?")


def _span_lead(night, lo: float, hi: float) -> str:
    return f"**{clock(night, lo)}–{clock(night, hi)}** ({(hi - lo) / 60:.1f} min;"


@pytest.mark.parametrize(("asked", "hours"), [("show me hours 3 to 5", (2, 5)), ("what happened in hour 2?", (1, 2)),
                                              ("show me the third hour", (2, 3)), ("show me the 4th hour", (3, 4))])
def test_counted_hours(demo, asked, hours) -> None:
    """"show me hours 3 to 5" gave the whole night's summary: hours are counted from the
    recording's start, the first being hour 1."""
    night, _ = demo
    lo, hi = hours[0] * 3600.0, hours[1] * 3600.0
    text = last_answer(demo, asked)
    named = f"between {clock(night, lo)[:5]} and {clock(night, hi)[:5]}"
    words = {"show me hours 3 to 5": "hours 3 to 5", "what happened in hour 2?": "hour 2",
             "show me the third hour": "the third hour", "show me the 4th hour": "the 4th hour"}[asked]
    # the same answer as for the clock range, past its first line, which echoes the words asked
    assert text.split("\n", 1)[1] == last_answer(demo, asked.replace(words, named)).split("\n", 1)[1]
    if asked.startswith("show"):
        assert text.startswith(_span_lead(night, lo, hi)), text[:200]


def test_first_hours_in_digits_after_a_list(demo) -> None:
    """"show me the first 2 hours" after a list picked its first item."""
    text = last_answer(demo, "where are the apneas?", "show me the first 2 hours")
    assert _lead(text) == _lead(last_answer(demo, "show me the first two hours")), text[:200]
    night, _ = demo
    assert text.startswith(_span_lead(night, 0.0, 7200.0)), text[:200]


@pytest.mark.parametrize("asked", ["zoom in on the worst part of the night", "where is the breathing worst?",
                                   "where were they worst?"])
def test_worst_part_zoomed(demo, asked) -> None:
    """"zoom in on the worst part of the night" was not understood; "where is the breathing
    worst?" searched the model for the words."""
    text = last_answer(demo, "where are the apneas?", asked)
    assert _lead(text) == _lead(last_answer(demo, "what was the worst part of the night?")), text[:200]


def _least_sure(night) -> tuple[int, np.ndarray]:
    proba = night.machine.proba_at(night.epochs.starts)
    sure = np.nanmax(np.where(np.isfinite(proba), proba, -np.inf), axis=1)
    i = int(np.argmin(np.where(np.isfinite(sure), sure, np.inf)))
    return i, proba[i]


@pytest.mark.parametrize("asked", ["show me the most uncertain one", "which epoch are you least sure about?"])
def test_the_most_uncertain_epoch(demo_unscored, asked) -> None:
    """"show me the most uncertain one" after the staging's confidence listed its uncertain
    stretches again; it is the one epoch whose likeliest machine stage is least likely."""
    night, _ = demo_unscored
    i, p = _least_sure(night)
    text = last_answer(demo_unscored, "how confident are you in the staging?", asked)
    assert text.startswith(f"Epoch {i} ("), text[:200]
    assert f"shown as the epoch the machine staging is least sure of (its likeliest stage at {np.nanmax(p):.0%})" in \
        _lead(text), text[:300]


def test_what_a_human_would_score_on_an_unscored_night(demo_unscored) -> None:
    """"what would a human score it?" on a night no human scored gave the machine's stage as
    if scored; it says no one can know, and the two stages a scorer would weigh."""
    night, _ = demo_unscored
    i, p = _least_sure(night)
    text = last_answer(demo_unscored, "show me the most uncertain one", "what would a human score it?")
    first, second = (STAGES[j] for j in np.argsort(-p)[:2])
    assert text.startswith("**No human has scored this night**"), text[:200]
    assert f"weighs **{first}** ({p[STAGES.index(first)]:.0%}) against **{second}** ({p[STAGES.index(second)]:.0%})" \
        in _lead(text), text[:300]
    for stage in (first, second):
        assert f"\n\n{stage} is scored on " in text, stage


@pytest.mark.parametrize("asked", ["is there a relationship between spindles and slow waves?",
                                   "what is the link between slow oscillations and spindles?"])
def test_spindles_and_slow_waves_related(demo, asked) -> None:
    """"is there a relationship between spindles and slow waves?" listed the spindles."""
    text = last_answer(demo, asked)
    assert _lead(text) == _lead(last_answer(demo, "is there coupling between spindles and slow oscillations?"))


def test_correlate_as_a_command(demo) -> None:
    """"correlate heart rate with delta power" listed nothing of either."""
    assert last_answer(demo, "correlate heart rate with delta power") == last_answer(
        demo, "what is the correlation between heart rate and delta power?")


@pytest.mark.parametrize(("asked", "plain"), [("what's the heart doing?", "describe the heart in this epoch"),
                                              ("how are the eyes?", "what does the EOG show in this epoch?"),
                                              ("what about the oxygen?", "what is the SpO2 in this epoch?")])
def test_a_system_in_the_epoch_shown(demo, asked, plain) -> None:
    """"what's the heart doing?" after a typical REM epoch was shown gave the whole night's
    heart rate; "how are the eyes?" was not understood."""
    shown = "show me a typical REM epoch"
    assert last_answer(demo, shown, asked) == last_answer(demo, shown, plain)


@pytest.mark.parametrize("asked", ["why is the chin quiet?", "why is muscle tone low in REM?"])
def test_why_the_chin_is_quiet(demo, asked) -> None:
    """"why is the chin quiet?" was not understood; "why is muscle tone low in REM?" gave the
    REM-without-atonia count, not why."""
    text = last_answer(demo, "show me a typical REM epoch", asked)
    assert _lead(text) == _lead(last_answer(demo, "what is REM atonia?")), text[:200]


@pytest.mark.parametrize(("first", "title"), [("what is a K-complex?", "K-complex"), ("what is a hypopnea?", "Hypopnea")])
def test_what_triggers_them(demo, first, title) -> None:
    """"what triggers them?" after a definition was not about this recording; the definition
    says what sets them off."""
    text = last_answer(demo, first, "what triggers them?")
    assert text.startswith(f"**{title}.**"), text[:200]


def test_rei_against_the_ahi(demo) -> None:
    """"how is the REI different from the AHI?" on a staged night gave the AHI alone."""
    night, _ = demo
    s = night.summary()
    text = last_answer(demo, "how is the REI different from the AHI?")
    assert _lead(text) == _lead(last_answer(demo, "what is the AHI?")), text[:200]
    assert f"REI (apneas + hypopneas per hour recorded): **{s.rei:.1f}/h**" in text, text[:600]
    assert f"the AHI counts the {s.n_apneas_hypopneas} in sleep over the {s.tst_min / 60:.1f} h of sleep" in text


def test_oximeter_delay_and_whether_it_is_normal(demo) -> None:
    """"how long is the oximeter delay?" gave the night's SpO2; "is that normal?" after the lag
    gave the night's norms."""
    text = last_answer(demo, "how long is the oximeter delay?")
    assert text == last_answer(demo, "how long after the breathing events does the oxygen bottom out?")
    lag = int(re.search(r"nadir a median \*\*(\d+) s\*\*", text).group(1))
    judged = last_answer(demo, "how long is the oximeter delay?", "is that normal?")
    m = re.match(r"\*\*(Within the usual range|Longer than usual|Shorter than usual)\*\*: a median lag of (\d+) s "
                 r"against the usual 20-40 s", judged)
    assert m and int(m.group(2)) == lag, judged[:200]
    assert m.group(1) == ("Within the usual range" if 20 <= lag <= 40 else "Longer than usual" if lag > 40
                          else "Shorter than usual")
    recovered = last_answer(demo, "how fast did the oxygen recover after the apneas?", "is that normal?")
    assert recovered.startswith("**No agreed norm**"), recovered[:200]


def test_compare_with_the_first_epoch_of_a_stage(demo) -> None:
    """"compare it with the first N2 epoch" after an N3 epoch compared the two stages' means."""
    night, _ = demo
    stages, _ = night.stages()
    shown = int(re.match(r"Epoch (\d+)", last_answer(demo, "show me an N3 epoch")).group(1))
    first_n2 = int(np.flatnonzero(stages == STAGES.index("N2"))[0])
    text = last_answer(demo, "show me an N3 epoch", "compare it with the first N2 epoch")
    assert text.startswith(f"**Epoch {shown} ({clock(night, float(night.epochs.starts[shown]))[:5]}"), text[:200]
    assert f"against **epoch {first_n2} (" in _lead(text), text[:200]


@pytest.mark.parametrize("asked", ["explain the hypnogram like I'm a parent", "explain the hypnogram as if I am five",
                                   "explain the hypnogram to a patient"])
def test_explained_for_someone(demo, asked) -> None:
    """"explain the hypnogram like I'm a parent" gave the night's numbers, not the hypnogram
    explained: who it is for changes how it is said, not what is asked."""
    assert last_answer(demo, asked) == last_answer(demo, "explain the hypnogram")


def test_what_it_means_clinically(demo) -> None:
    """"what does it mean clinically?" after "how severe is the apnea?" was not understood."""
    text = last_answer(demo, "how severe is the apnea?", "what does it mean clinically?")
    assert text == last_answer(demo, "does she have sleep apnea?"), text[:200]
    assert text.startswith("I can't diagnose"), text[:200]


def test_the_fastest_heart_rate(demo) -> None:
    """"show me the fastest heart rate" gave the night's heart rate, and "what stage was that?"
    then described the slowest moment."""
    text = last_answer(demo, "show me the fastest heart rate")
    assert text == last_answer(demo, "show me the highest heart rate")
    assert "The highest heart rate" in last_answer(demo, "show me the fastest heart rate", "what stage was that?")
    assert last_answer(demo, "when was her breathing slowest?") == last_answer(demo, "when was the breathing rate lowest?")


@pytest.mark.parametrize("asked", ["is that normal?", "is that significant?"])
def test_t90_judged(demo, asked) -> None:
    """"is that normal?" after the T90 gave the sleep norms; "is that significant?" asked for a
    comparison: the oxygen is read against its usual limits."""
    judged = last_answer(demo, "what is the mean SpO2?", "is that normal?")
    assert judged.startswith("Against the usual limits, SpO2 fell to"), judged[:200]
    assert last_answer(demo, "what's the T90?", asked) == judged


def test_what_staging_needs(demo, home_test) -> None:
    """"what do you need to stage sleep?" gave the night's summary, and "what would you need?"
    after "can you stage this night?" asked what for."""
    text = last_answer(home_test, "what do you need to stage sleep?")
    assert text.startswith("To score sleep stages the machine scorer needs an EEG channel sampled at"), text[:200]
    assert "This recording does not: EEG: no channel." in text, text
    assert last_answer(home_test, "can you stage this night?", "what would you need?") == text
    assert last_answer(home_test, "what channels do you need for staging?") == text
    assert "This recording has that" in last_answer(demo, "what do you need to stage sleep?")


def test_why_a_home_test_is_not_staged(home_test) -> None:
    """"why can't you stage it?" showed the first epoch's evidence; "how reliable is the sleep
    estimate without EEG?" gave the night's summary."""
    assert last_answer(home_test, "why can't you stage it?") == last_answer(home_test, "can you stage this night?")
    text = last_answer(home_test, "how reliable is the sleep estimate without EEG?")
    assert text == last_answer(home_test, "how accurate is the sleep time?")
    assert text.startswith("**Not measured**"), text[:200]


@pytest.mark.parametrize("asked", ["what's causing them?", "what is causing them?"])
def test_what_is_causing_them(demo, asked) -> None:
    """"what's causing them?" after the arousal index was not about this recording."""
    assert last_answer(demo, "how many arousals per hour?", asked) == last_answer(demo, "what caused the arousals?")


def test_what_woke_her_at_the_final_awakening(sc4001, demo) -> None:
    """"what woke her?" after the final awakening counted every awakening's cause; on a night
    that ends asleep it read the wake before sleep onset."""
    text = last_answer(sc4001, "when was the final awakening?", "what woke her?")
    final = re.search(r"is at \*\*(\d\d:\d\d:\d\d)\*\*", last_answer(sc4001, "when was the final awakening?")).group(1)
    assert text.startswith(f"In the 60 s before the W at **{final}–"), text[:200]
    assert last_answer(demo, "when was the final awakening?", "what woke her?") == last_answer(demo, "what woke her?")


def test_a_signal_in_one_stage(sc4001) -> None:
    """"did it drop in REM?" after the temperature was read gave an epoch's stage with a yes or
    no."""
    text = last_answer(sc4001, "what's the temperature doing?", "did it drop in REM?")
    assert text == last_answer(sc4001, "was the temperature lower in REM?")


def test_how_big_a_spindle_is(demo) -> None:
    """"how big is it?" of a spindle gave its frequency, not its amplitude."""
    text = last_answer(demo, "show me a spindle", "how big is it?")
    assert text == last_answer(demo, "show me a spindle", "what was its amplitude?")
    assert text.startswith("Its amplitude (peak to peak): **"), text[:200]


def test_a_bigger_one_after_its_rank(demo) -> None:
    """"show me a bigger one" after "is that typical?" searched the one spindle's own seconds."""
    assert last_answer(demo, "show me a spindle", "is that typical?", "show me a bigger one") == last_answer(
        demo, "show me a spindle", "show me a bigger one")


@pytest.mark.parametrize("asked", ["what model is this?", "how was it trained?", "how accurate is it on real data?",
                                   "what's its kappa on SC4001?", "has the model been validated?"])
def test_about_the_model(demo, asked) -> None:
    """"what model is this?" and "how accurate is it on real data?" were not about this
    recording: the model, the figures its model card measured, and its stages against this
    night's scoring."""
    from sleeplm_core.heads.metrics import staging_scores

    night, engine = demo
    text = last_answer(demo, asked)
    assert text == last_answer(demo, "what model is this?")
    params = sum(p.numel() for p in engine.model.parameters())
    assert text.startswith(f"**The model: sleeplm-mini (shipped weights)**, {params / 1e6:.2f} M parameters"), text[:200]
    reference, _ = night.stages()
    both = (reference >= 0) & (night.predicted >= 0)
    kappa = staging_scores(reference[both], night.predicted[both], STAGES).kappa
    assert f"agree with the human-scored staging at **κ {kappa:.2f}** ({int(both.sum())} epochs)." in text, text


def test_the_model_figures_are_its_cards() -> None:
    """Every figure the chat gives for the shipped model is one its model card states."""
    from pathlib import Path

    from app.chat.model_facts import SHIPPED_CHECKS

    card = (Path(__file__).parents[1] / "assets" / "models" / "sleeplm-mini" / "MODEL_CARD.md").read_text()
    figures = re.findall(r"\d+\.\d+(?:-\d+\.\d+| ± \d+\.\d+)?", " ".join(what for _, what in SHIPPED_CHECKS))
    assert len(figures) >= 7, figures
    for figure in figures:
        assert figure in card, figure


def test_spindle_density_per_hour(demo) -> None:
    """"what's the spindle density in N2 per hour?" gave it per minute, the density's default."""
    text = last_answer(demo, "what's the spindle density in N2 per hour?")
    assert _lead(text) == _lead(last_answer(demo, "spindles per hour in N2")), text[:200]
    assert re.match(r"\*\*[\d.]+ per hour\*\*", text), text[:200]
    assert re.match(r"\*\*[\d.]+ per minute\*\*", last_answer(demo, "what is the spindle density in N2?"))


def test_are_there_slow_spindles(demo) -> None:
    """"are there slow spindles?" listed the longest spindles; their frequencies count the slow ones."""
    text = last_answer(demo, "are there slow spindles?")
    assert _lead(text) == _lead(last_answer(demo, "what's the mean spindle frequency?")), text[:200]
    assert re.search(r"\d+ of \d+ are slow spindles \(under 12 Hz\)", _lead(text)), text[:200]


def test_longest_time_asleep_without_waking(demo) -> None:
    """"what was the longest time asleep without waking?" gave the longest REM period."""
    text = last_answer(demo, "what was the longest time asleep without waking?")
    assert text == last_answer(demo, "what was the longest stretch of continuous sleep?")


def test_awake_in_the_night(demo) -> None:
    """"how long was she awake in the night?" counted the wake before sleep onset and after the
    final awakening too; the wake in the night is the WASO."""
    text = last_answer(demo, "how long was she awake in the night?")
    assert _lead(text) == _lead(last_answer(demo, "what was the WASO?")), text[:200]


def test_the_biggest_disagreement_and_who_is_right(sc4001_unscored) -> None:
    """"show me the biggest disagreement" and "who is right there?" after where the model and
    YASA disagree were not about this recording."""
    asked = ("where do the model and YASA disagree?",)
    shown = last_answer(sc4001_unscored, *asked, "show me the biggest disagreement")
    assert shown == last_answer(sc4001_unscored, *asked, "show me the first one")
    assert last_answer(sc4001_unscored, *asked, "show me the biggest disagreement", "who is right there?") == \
        last_answer(sc4001_unscored, *asked, "show me the first one", "why?")


def test_restaged_on_another_lead(sc4001_read) -> None:
    """"stage it using Pz-Oz" and "can you restage with the other EEG channel?" were not
    understood: YASA runs again on that lead and is set against the staging in use and the
    expert scoring."""
    from sleeplm_core.heads.metrics import staging_scores

    night, _ = sc4001_read
    text = last_answer(sc4001_read, "stage it using Pz-Oz")
    assert text == last_answer(sc4001_read, "can you restage with the other EEG channel?")
    assert text.startswith("**Staged again on EEG Pz-Oz** (YASA"), text[:200]
    assert "against the staging on **EEG Fpz-Cz**, the one the app uses" in text, text[:300]
    human, machine = night.scored(), night.machine.stages_at(night.epochs.starts)
    both = (human >= 0) & (machine >= 0)
    kappa = staging_scores(human[both], machine[both], STAGES).kappa
    assert re.search(rf"Against the human scoring: κ {kappa:.2f} on EEG Fpz-Cz, \d\.\d\d on EEG Pz-Oz", text), text
    rows = dict(re.findall(r"\| (W|N1|N2|N3|REM) \| ([\d.]+) \|", text))
    assert sum(map(float, rows.values())) == pytest.approx(int(re.search(r"of (\d+) epochs", text).group(1)) * 0.5)
    assert last_answer(sc4001_read, "restage on Fpz-Cz").startswith("The machine staging already reads **EEG Fpz-Cz**")
    assert last_answer(sc4001_read, "stage it with C3").startswith("This file has no usable EEG lead “C3”")


@pytest.mark.parametrize("asked", ["what are POSTS?", "what are positive occipital sharp transients?",
                                   "show me some POSTS"])
def test_posts(demo, asked) -> None:
    """"what are POSTS?" was not about this recording; no detector here reads them, and the
    answer says what they are and that."""
    text = last_answer(demo, asked)
    assert text.startswith("**Positive occipital sharp transients of sleep (POSTS).**"), text[:200]
    assert text == last_answer(demo, "find POSTS")


def test_some_of_what_no_detector_reads(demo) -> None:
    """"show me some sawtooth waves" asked for more examples of nothing shown."""
    assert last_answer(demo, "show me some sawtooth waves") == last_answer(demo, "find sawtooth waves")


def test_what_woke_her_at_the_end(sc4001, demo) -> None:
    """"what woke her up at the end?" listed every wake period, and "what happened before the
    final awakening?" gave its time: the minutes before it, described; a night that ends asleep
    has none."""
    from app.chat.plan import BEFORE_FINAL_SEC

    text = last_answer(sc4001, "what woke her up at the end?")
    assert text == last_answer(sc4001, "what happened before the final awakening?")
    assert text.startswith("In the minutes before the final awakening:"), text[:200]
    final = re.search(r"is at \*\*(\d\d:\d\d:\d\d)\*\*", last_answer(sc4001, "when was the final awakening?")).group(1)
    from datetime import datetime, timedelta

    start = (datetime.strptime(final, "%H:%M:%S") - timedelta(seconds=BEFORE_FINAL_SEC)).strftime("%H:%M:%S")
    assert f"({start} to {final})" in text, text[:400]
    from app.chat.plan import ChatError

    with pytest.raises(ChatError, match=r"^the recording ends asleep, so there is no final awakening to look before; "
                                        r"ask e\.g\. \*what happened in the last 10 minutes\?\*$"):
        last_answer(demo, "what woke her up at the end?")
