"""Questions of stop 68, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (a 6-h night of severe sleep apnea written without its scoring, seed 6060;
a 28-year-old's `random` montage, seed 6161), of SC4001 loaded without its hypnogram and of the
bundled night; checked here on the bundled night, with and without its scoring. Each names what
it used to get. Expected answers are the ones the same question gets asked in another wording,
or the night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import pytest

from chat_dialogues import last_answer


def _lead(text: str) -> str:
    """An answer's first line."""
    return text.split("\n")[0]


@pytest.mark.parametrize("asked", ["why do they matter?", "what are they for?", "why are they important?"])
def test_why_they_matter_after_a_definition(demo, asked) -> None:
    """"why do they matter?" after "what does a sleep spindle look like?" was not about this
    recording; the definition says what spindles do."""
    defined = last_answer(demo, "what does a sleep spindle look like?")
    assert _lead(last_answer(demo, "what does a sleep spindle look like?", asked)) == _lead(defined)
    text = last_answer(demo, "what is REM sleep?", "why does it matter?")
    assert text.startswith("**REM sleep.**"), text[:200]


def test_explain_what_a_stage_is(demo) -> None:
    """"explain what REM sleep is" explained rapid eye movements, not the stage."""
    asked = last_answer(demo, "explain what REM sleep is")
    assert _lead(asked) == _lead(last_answer(demo, "what is REM sleep?")), asked[:200]


def test_where_in_the_night_they_happen_most(demo) -> None:
    """"where in the night do they happen most?" after a spindle was shown gave the night's
    summary, and "when do spindles happen most?" the epoch with the most sigma power."""
    hourly = _lead(last_answer(demo, "where are the spindles densest?"))
    assert hourly.startswith("Sleep spindle by clock hour"), hourly
    assert _lead(last_answer(demo, "when do spindles happen most?")) == hourly
    assert _lead(last_answer(demo, "what does a sleep spindle look like?", "can you find a good one?",
                             "where in the night do they happen most?")) == hourly


def test_is_there_one_in_this_recording(demo) -> None:
    """"is there one in this recording?" after "what is a K-complex" searched the library for
    epochs like the one on screen."""
    text = last_answer(demo, "what is a K-complex", "is there one in this recording?")
    assert _lead(text) == _lead(last_answer(demo, "show me the k-complexes")), text[:200]


def test_how_is_that_different(demo) -> None:
    """"how is that different?" after an apnea and then a hypopnea were explained, with other
    answers between them, was not about this recording; after one kind alone it asks what the
    other is rather than define the one again."""
    text = last_answer(demo, "what is an apnea?", "show me an example of one", "how long after?",
                       "what is a hypopnea", "how is that different?")
    assert text.startswith("**Hypopnea.**") and "\n**Apnea.**" in text, text[:300]
    alone = last_answer(demo, "what is a hypopnea", "how is that different?")
    assert alone.startswith("Different from what?"), alone[:200]


def test_a_clearer_example(demo) -> None:
    """"show me a clearer example" after a typical spindle, and "show me a bigger one" after a
    typical K-complex, were not understood or showed the typical one again."""
    biggest = last_answer(demo, "show me the biggest k-complex")
    peak = re.search(r"(\d+) µV peak to peak", biggest)[1]
    text = last_answer(demo, "what is a K-complex?", "show me one", "show me a bigger one")
    assert f"{peak} µV peak to peak" in text and "the 1 largest" in text, text[:300]
    longest = last_answer(demo, "show me the longest spindle")
    span = re.search(r"\*\*(\d\d:\d\d:\d\d–\d\d:\d\d:\d\d)\*\*", longest)[1]
    text = last_answer(demo, "what does a sleep spindle look like?", "can you find a good one?",
                       "show me a clearer example")
    assert span in text, text[:300]


def test_a_body_system_in_the_stage_just_shown(demo) -> None:
    """"what do the eyes do then?" after the REM periods described the first period without
    its eyes, "and the muscle tone?" after the rapid eye movements listed them again, and "what
    do the eyes do in REM?" searched the model for the word "eyes"."""
    eyes = _lead(last_answer(demo, "what does the EOG show in REM?"))
    assert eyes.startswith("**") and "rapid eye movement" in eyes, eyes
    assert _lead(last_answer(demo, "when was this person dreaming?", "what do the eyes do then?")) == eyes
    assert _lead(last_answer(demo, "what do the eyes do in REM?")) == eyes
    tone = _lead(last_answer(demo, "what is the muscle tone in REM?"))
    assert tone.startswith("Chin tone in REM"), tone
    assert _lead(last_answer(demo, "show me rapid eye movements", "and the muscle tone?")) == tone
    assert _lead(last_answer(demo, "how much REM was there?", "what does the chin do then?")) == tone
    heart = _lead(last_answer(demo, "what was the heart rate in REM?"))
    assert _lead(last_answer(demo, "how much REM was there?", "what does the chin do then?",
                             "and the heart rate?")) == heart


def test_whats_next(demo) -> None:
    """"what's next" after a list was not understood."""
    nxt = last_answer(demo, "where are the apneas?", "next one")
    assert last_answer(demo, "where are the apneas?", "what's next") == nxt


@pytest.mark.parametrize("night", ["demo", "demo_unscored"])
def test_an_apnea_type_claimed_is_answered_yes_or_no(night, request) -> None:
    """"is this one obstructive too?" with a central apnea shown, and "is it central?" with an
    obstructive one, described the belts with no yes or no; "what tells you that?" then had no
    evidence to show."""
    demo = request.getfixturevalue(night)
    text = last_answer(demo, "show me the longest obstructive apnea", "is it central?")
    assert text.startswith("**No**: it was scored an obstructive apnea, not a central one"), text[:300]
    text = last_answer(demo, "show me the longest central apnea", "was it obstructive?")
    assert text.startswith("**No**: it was scored a central apnea, not an obstructive one"), text[:300]
    text = last_answer(demo, "show me the longest central apnea", "is this one central too?")
    assert text.startswith("**Yes**: it was scored a central apnea"), text[:300]
    # the belts' own reading is said beside the scored type, as the belts answer gives it
    belts = last_answer(demo, "show me the longest central apnea", "what did the belts do during it?")
    marked = re.search(r"as in an? (central|obstructive|mixed) apnea", belts)[1]
    assert ("its belts agree" in _lead(text)) == (marked == "central"), (text[:300], belts[:400])
    why = last_answer(demo, "show me the longest central apnea", "was it obstructive?", "what tells you that?")
    assert why.startswith("**Why the one shown"), why[:300]
    assert re.search(rf"effort \*\*[a-z ,]+\*\* \(the larger belt \d+ %.*which marks an? {marked} apnea", why), why[:600]
    # a choice is no claim: the scored type, then the belts, with no yes or no (stop 73)
    choice = last_answer(demo, "show me the longest central apnea", "was it central or obstructive?")
    assert choice.startswith("It was scored **a central apnea**"), choice[:200]
    assert "Breathing during it" in choice and "**Yes**" not in choice and "**No**" not in choice
    hyp = last_answer(demo, "what is the longest hypopnea?", "was it obstructive?")
    assert hyp.startswith("**Cannot tell**: it is a hypopnea"), hyp[:200]


@pytest.mark.parametrize("asked", ["was it after an apnea?", "did it follow an apnea?"])
def test_was_it_after_one(demo, asked) -> None:
    """"was it after an apnea?" after the longest awakening listed every apnea of the night."""
    shown = ("list all the awakenings longer than 2 minutes", "which one was the longest?")
    direct = last_answer(demo, *shown, "was there an apnea before it?")
    assert direct.startswith(("**Yes**", "**No**")), direct[:200]
    assert last_answer(demo, *shown, asked) == direct


def test_does_that_look_right(demo) -> None:
    """"does that look right to you?" after the first REM was not about this recording."""
    normal = last_answer(demo, "what was REM latency", "is that normal?")
    assert last_answer(demo, "what was REM latency", "does that look right to you?") == normal


@pytest.mark.parametrize("night", ["demo", "demo_unscored"])
def test_did_they_cause_them(night, request) -> None:
    """"did they cause arousals?" after the leg movements counted the night's arousals by cause."""
    demo = request.getfixturevalue(night)
    direct = last_answer(demo, "how many leg movements caused arousals?")
    assert last_answer(demo, "were there leg movements?", "did they cause arousals?") == direct
    direct = last_answer(demo, "how many apneas caused desaturations?")
    assert last_answer(demo, "show me the apneas", "did they lead to desaturations?") == direct


_SPAN_RE = re.compile(r"\*\*(\d\d):(\d\d):(\d\d)–(\d\d):(\d\d):(\d\d)\*\*")


def _span(text: str) -> tuple[int, int]:
    """The first bold clock span of an answer, in seconds after midnight (past midnight plus a day)."""
    m = _SPAN_RE.search(text)
    assert m is not None, text[:300]
    h1, m1, s1, h2, m2, s2 = map(int, m.groups())
    day = lambda h: h * 3600 + (86400 if h < 12 else 0)   # noqa: E731 - the night runs past midnight
    return day(h1) + m1 * 60 + s1, day(h2) + m2 * 60 + s2


def test_zoom_out(demo) -> None:
    """"zoom out" with an apnea in focus went back to the view before the list; with an epoch
    on screen, back to the start of the night."""
    lo, hi = _span(last_answer(demo, "show me the longest central apnea"))
    first = _span(last_answer(demo, "show me the longest central apnea", "zoom out"))
    assert first[1] - first[0] == 300 and abs(sum(first) / 2 - (lo + hi) / 2) <= 1, first
    second = _span(last_answer(demo, "show me the longest central apnea", "zoom out", "zoom out"))
    assert second[1] - second[0] == 600 and abs(sum(second) / 2 - sum(first) / 2) <= 1, second
    epoch = _span(last_answer(demo, "show me 3 am", "zoom out"))
    assert epoch[1] - epoch[0] == 300 and epoch[0] < _span("**03:00:00–03:00:30**")[0] < epoch[1], epoch


def test_the_staging_channel_asked_in_the_past_and_why(sc4001_unscored) -> None:
    """"which EEG channel did you use for staging?" listed the file's channels, and "why that
    one?" was not about this recording."""
    direct = last_answer(sc4001_unscored, "which channel is best for staging?")
    assert direct.startswith("**EEG Fpz-Cz** is the EEG lead"), direct[:200]
    assert last_answer(sc4001_unscored, "which EEG channel did you use for staging?") == direct
    assert last_answer(sc4001_unscored, "which EEG channel did you use for staging?", "why that one?") == direct


def test_channels_with_problems(sc4001_unscored) -> None:
    """"any channels with problems?" was not about this recording."""
    quality = last_answer(sc4001_unscored, "how good is the signal quality?")
    assert last_answer(sc4001_unscored, "any channels with problems?") == quality


def test_a_signal_after_events_compared_between_two_periods(demo) -> None:
    """"and the heart rate?" after "which one had more eye movements?" of the first and last REM
    periods counted the eye movements again."""
    direct = last_answer(demo, "compare heart rate in the first and last REM periods")
    assert direct.startswith("Mean per epoch, in the first REM period vs in the last REM period"), direct[:200]
    asked = last_answer(demo, "compare the first and last REM periods", "which one had more eye movements?",
                        "and the heart rate?")
    assert _lead(asked) == _lead(direct), asked[:300]


@pytest.mark.parametrize("asked, way", [("did the heart rate slow down when she fell asleep?", "lower"),
                                        ("did the heart rate go up as she fell asleep?", "higher")])
def test_a_signal_at_sleep_onset(demo, asked, way) -> None:
    """"did the temperature drop when she fell asleep?" (SC4001 without its hypnogram) measured
    the first minute of sleep alone, and "how did the temperature change after sleep onset?"
    listed the awakenings: now the first half hour of sleep against the time before it."""
    text = last_answer(demo, asked)
    m = re.match(r"\*\*(Yes|No)\*\*: heart rate \(mean\) was (lower|higher) in the first 30 min of sleep than in the time "
                 r"before sleep onset \(up to 30 min\): ([\d.]+) against ([\d.]+) bpm", text)
    assert m is not None, text[:300]
    sleep, before = float(m[3]), float(m[4])
    assert m[2] == ("lower" if sleep < before else "higher")
    assert (m[1] == "Yes") == (m[2] == way), text[:300]
    # the same sides, without the yes or no
    table = last_answer(demo, "how did the heart rate change after sleep onset?")
    assert table.startswith("Mean per epoch, in the first 30 min of sleep vs in the time before sleep onset"), table[:200]
    assert f"**{sleep:.1f}**" in table and f"**{before:.1f}**" in table, table[:400]


def test_where_are_you_least_sure(sc4001_unscored) -> None:
    """"where are you least sure?" and "show me the most uncertain ones" were not understood (since
    stop 69 "the most uncertain one" shows that one epoch: tests/test_chat_wordings_round69.py)."""
    direct = last_answer(sc4001_unscored, "where is the staging least sure?")
    assert "uncertain stretches" in direct, direct[:200]
    assert last_answer(sc4001_unscored, "where are you least sure?") == direct
    assert last_answer(sc4001_unscored, "can I trust the hypnogram?", "show me the most uncertain ones") == direct


def test_against_an_adult(demo) -> None:
    """"how does their deep sleep compare to an adult's?" of a 9-year-old's night gave the
    night's N3 alone."""
    direct = last_answer(demo, "how does their N3 compare to a healthy 30 year old?")
    assert direct.startswith("**N3 (slow-wave sleep): ") and "healthy 30-year-olds (band 20-39 years" in direct, direct[:300]
    assert last_answer(demo, "how does their deep sleep compare to an adult's?") == direct


def test_why_children_have_more_of_a_stage(demo) -> None:
    """"why do kids have more deep sleep?" described this night's N3."""
    text = last_answer(demo, "why do kids have more deep sleep?")
    assert text == last_answer(demo, "what is deep sleep?") and "Children have the most" in text, text[:300]


def test_a_home_tests_second_index_is_not_dropped(home_test) -> None:
    """"what's the difference between the AHI and the ODI?" on a home test gave the REI alone."""
    text = last_answer(home_test, "what's the difference between the AHI and the ODI?")
    odi = last_answer(home_test, "what's the ODI?")
    assert text.startswith("**REI ") and _lead(odi) in text, (text[:400], odi[:200])
    hours = re.search(r"per hour of the ([\d.]+) h recorded", text)[1]
    assert f"of the {hours} h recorded" in _lead(odi), odi[:200]


def test_how_is_that_index_different_from_another(demo) -> None:
    """"how is that different from the ODI?" after the AHI gave the AHI again, without the ODI."""
    text = last_answer(demo, "what's the AHI?", "how is that different from the ODI?")
    assert text == last_answer(demo, "what's the difference between the AHI and the ODI?")
    assert re.search(r"\n\nODI \(desaturations ≥3 % per hour of sleep\): \*\*[\d.]+/h\*\*", text), text[:600]


@pytest.mark.parametrize("night", ["demo", "home_test"])
def test_did_the_signal_move_after_the_event(night, request) -> None:
    """"did it spike afterwards?" after "what was her pulse?" during the deepest desaturation was
    not understood, and "did the heart rate rise after it?" gave the minute after with no yes
    or no."""
    pair = request.getfixturevalue(night)
    shown = ("what was the deepest desaturation?", "what was her pulse?")
    during = float(re.search(r"Mean heart rate during it: \*\*([\d.]+) bpm", last_answer(pair, *shown))[1])
    after = last_answer(pair, *shown, "what did the heart rate do after it?")
    mean = float(re.search(r"Mean heart rate in the 60 s after it: \*\*([\d.]+) bpm", after)[1])
    text = last_answer(pair, *shown, "did the heart rate rise after it?")
    # under 3 bpm either way is "hardly" (stop 73)
    def verdict(way: bool) -> str:
        return "No" if not way else "Hardly" if abs(mean - during) < 3.0 else "Yes"
    assert text.startswith(f"**{verdict(mean > during)}**: mean heart rate in the 60 s after it: "
                           f"**{mean:.1f} bpm**, {'higher' if mean > during else 'lower'} than the {during:.1f} bpm"), text[:200]
    assert last_answer(pair, *shown, "did it spike afterwards?") == text
    dropped = last_answer(pair, *shown, "did it drop afterwards?")
    assert dropped.startswith(f"**{verdict(mean < during)}**"), dropped[:200]


def test_a_pattern_over_the_night(home_test) -> None:
    """"is there a pattern over the night?" after the heart rate showed the hypnogram."""
    trend = last_answer(home_test, "what was the heart rate?", "is there a trend?")
    assert re.match(r"\*\*(?:No clear trend|[A-Z])", trend), trend[:200]
    assert last_answer(home_test, "what was the heart rate?", "is there a pattern over the night?") == trend


def test_is_a_rate_significant(demo) -> None:
    """"is that significant?" after the central apnea index asked for a comparison to test."""
    normal = last_answer(demo, "what's the central apnea index?", "is that normal?")
    assert "ICSD-3's polysomnographic threshold for central sleep apnea" in normal, normal[:600]
    assert last_answer(demo, "what's the central apnea index?", "is that significant?") == normal


@pytest.mark.parametrize("side", ["before", "after"])
def test_was_she_awake_beside_it(demo, side) -> None:
    """"was she awake just before?" with an apnea shown gave the night's minutes of wake."""
    shown = "show me the longest central apnea"
    direct = last_answer(demo, shown, f"did she wake up {side} it?")
    assert direct.startswith(("**Yes**", "**No**")), direct[:200]
    assert last_answer(demo, shown, f"was she awake just {side}?") == direct


def test_the_w_of_the_hypnogram(demo) -> None:
    """"show me the longest W period" searched the model for the letter w, and "what happened
    just after it?" then read "the that W period"."""
    text = last_answer(demo, "show me the longest W period")
    assert text == last_answer(demo, "show me the longest wake period"), text[:300]
    after = last_answer(demo, "show me the longest W period", "what happened just after it?")
    assert "the that" not in after and re.search(r"after the (?:W|wake|awakening)\b", after), after[:300]


@pytest.mark.parametrize("asked, named, other", [("are spindles longer in N3?", "N3", "N2"),
                                                 ("are spindles longer in N2 than in N3?", "N2", "N3")])
def test_lengths_in_one_stage_against_another(demo, asked, named, other) -> None:
    """"are spindles longer in N3?" gave REM's mean length against NREM's."""
    means = {}
    for stage in (named, other):
        text = last_answer(demo, f"what's the mean spindle duration in {stage}?")
        means[stage] = float(re.search(r"mean \*\*([\d.]+) s\*\*", text)[1])
    text = last_answer(demo, asked)
    assert text.startswith(f"**{'Yes' if means[named] > means[other] else 'No'}**: mean length "
                           f"**{means[named]:.1f} s** in {named} against **{means[other]:.1f} s** in {other}."), text[:200]


def test_two_stages_tested_against_each_other(demo) -> None:
    """"is spindle density significantly different between N2 and N3?" tested REM against
    NREM; "is the difference significant?" after the density in N2 and then in N3 gave N3's
    again."""
    text = last_answer(demo, "is spindle density significantly different between N2 and N3?")
    assert re.match(r"\*\*(?:Yes|No)\*\*: an exact test of equal event rates per minute asleep \(in N2 against in N3\)",
                    text), text[:200]
    asked = last_answer(demo, "what's the spindle density in N2?", "and in N3?", "is the difference significant?")
    assert _lead(asked) == _lead(text), asked[:300]


def test_the_kappa_and_the_stage_most_confused(sc4001_read) -> None:
    """"what's the kappa?" after the model's staging was set against the scoring gave the
    machine staging's confidence; "which stage does it confuse most?" buried the stage after
    the table; "why did it get that wrong?" after one of its misses had no evidence to show."""
    shown = last_answer(sc4001_read, "how well does the model stage this night?")
    assert re.search(r"Cohen's κ \*\*[\d.-]+\*\*", _lead(shown)), shown[:300]
    assert last_answer(sc4001_read, "how well does the model stage this night?", "what's the kappa?") == shown
    worst = last_answer(sc4001_read, "how well does the model stage this night?", "which stage does it confuse most?")
    assert worst.startswith("The least agreement is on **"), worst[:200]
    assert worst.split("\n\n", 1)[1] == shown.split("\n\nThe least agreement")[0], worst[:300]
    why = last_answer(sc4001_read, "which stage does the model confuse most?", "show me an example",
                      "why did it get that wrong?")
    assert re.match(r"Epoch \d+ \(\d\d:\d\d:\d\d–\d\d:\d\d:\d\d\) is \*\*[A-Z0-9]+\*\* in the human-scored hypnogram", why), why[:300]
    assert "the model (zero-shot):" in why, why[:600]


def test_when_were_most_of_them(demo) -> None:
    """"when were most of them?" after the arousal index was judged gave the minutes asleep hour
    by hour, and "what caused them?" then was not about this recording."""
    asked = ("how many arousals were there?", "is that a lot?", "when were most of them?")
    hourly = last_answer(demo, "where are the arousals densest?")
    assert hourly.startswith("Arousal by clock hour"), hourly[:200]
    assert _lead(last_answer(demo, *asked)) == _lead(hourly)
    assert last_answer(demo, *asked, "what caused them?") == last_answer(demo, "what caused the arousals?")


def test_why_the_oxygen_drops_and_what_gave_it_away(demo) -> None:
    """"why does the oxygen drop?" after a hypopnea listed the desaturations, and "what gave it
    away?" after a quiz reply was not about this recording."""
    why = last_answer(demo, "why does oxygen drop after an apnea?")
    assert why.startswith("A desaturation is a fall of the blood oxygen saturation"), why[:200]
    assert last_answer(demo, "show me what a hypopnea looks like on the airflow", "why does the oxygen drop?") == why
    quiz = ("quiz me", "N2")
    assert last_answer(demo, *quiz, "what gave it away?") == last_answer(demo, *quiz, "why?")


@pytest.mark.parametrize("between", [("what's the difference between N2 and N3?",),
                                     ("what's the difference between N2 and N3?", "show me both")])
def test_which_of_two_stages_has_more(demo, between) -> None:
    """"which one has more slow waves?" after N2 and N3 were set apart listed the night's slow
    waves; "are there more slow waves in N2 or N3?" named the side with fewer ("lower in N2")."""
    direct = last_answer(demo, "are there more slow waves in N2 or N3?")
    rates = {stage: float(rate) for rate, stage in re.findall(r"\*\*([\d.]+)/h\*\* in (N2|N3)", _lead(direct))}
    assert len(rates) == 2, direct[:200]
    more = max(rates, key=rates.get)
    assert direct.startswith(f"**Higher in {more}**"), direct[:200]
    assert _lead(last_answer(demo, *between, "which one has more slow waves?")) == _lead(direct)
