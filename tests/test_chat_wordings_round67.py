"""Questions of stop 67, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (synthetic nights written without their scoring), then checked on the
bundled night and on SC4001 loaded without its hypnogram. Each names what it used to get.
Expected answers are the ones the same question gets asked in another wording, or the night's
own scoring and signals, never typed in."""

from __future__ import annotations

import re

import pytest

from chat_dialogues import last_answer

_SPAN_RE = re.compile(r"\*\*(\d\d):(\d\d):(\d\d)–(\d\d):(\d\d):(\d\d)\*\*")


def _seconds(h: str, m: str, s: str) -> int:
    return int(h) * 3600 + int(m) * 60 + int(s)


def _span(text: str) -> tuple[int, int]:
    """The first bold clock span of an answer, in seconds after midnight."""
    m = _SPAN_RE.search(text)
    assert m is not None, text[:300]
    return _seconds(*m.groups()[:3]), _seconds(*m.groups()[3:])


_LONGEST_WAKE = ("list all the awakenings longer than 2 minutes", "which one was the longest?")


def test_no_apnea_before_it_where_breathing_cannot_be_scored(sc4001_unscored, demo_unscored) -> None:
    """"was there an apnea before it?" on SC4001 without its hypnogram said "**No** central apnea
    or mixed apnea or obstructive apnea before it": its 1-Hz airflow cannot show one, so the
    "no" was a false all-clear."""
    text = last_answer(sc4001_unscored, *_LONGEST_WAKE, "was there an apnea before it?")
    assert text.startswith("**Cannot tell**: this recording's channels cannot show"), text[:300]
    assert "1 Hz" in text.split("\n")[0]
    # a night whose belts can show them still gets its yes or no
    text = last_answer(demo_unscored, *_LONGEST_WAKE, "was there an apnea before it?")
    assert text.startswith(("**Yes**", "**No**")), text[:300]


@pytest.mark.parametrize("asked", ["how many were spontaneous?", "and spontaneous?", "show me a spontaneous arousal"])
def test_spontaneous_arousals_where_no_cause_could_be_looked_for(sc4001_unscored, demo, asked) -> None:
    """After the arousals of a night whose breathing and legs could not be scored, "and
    spontaneous?" listed all 35 as "spontaneous arousal events" and "how many were spontaneous?"
    said 0: without those channels no arousal can be shown to have had no cause."""
    text = last_answer(sc4001_unscored, "how many arousals were there?", asked)
    assert text.startswith("**Cannot tell** which of the "), text[:300]
    assert "no usable airflow" in text
    text = last_answer(demo, "how many arousals were there?", "how many were spontaneous?")
    assert re.match(r"\*\*\d+\*\* of the \d+ arousals", text), text[:300]


def test_the_minutes_around_the_one_shown(demo) -> None:
    """"show me the 5 minutes around it" after the worst apnea gave the night's summary."""
    shown = last_answer(demo, "what is the worst apnea?")
    lo, hi = _span(shown)
    text = last_answer(demo, "what is the worst apnea?", "show me the 5 minutes around it")
    start, end = _span(text)
    assert end - start == 300, text[:200]
    assert abs((start + end) / 2 - (lo + hi) / 2) <= 1, (shown[:200], text[:200])
    sides = last_answer(demo, "what is the worst apnea?", "zoom out to 2 minutes either side of it")
    assert _span(sides) == (lo - 120, hi + 120), sides[:200]


def test_that_hour_zoomed_into_and_measured(demo) -> None:
    """"zoom into that hour" after the hour with the most apneas was not understood, and "what
    about oxygen in that hour?" measured the whole night."""
    split = last_answer(demo, "which hour had the most apneas?")
    hour = re.search(r"Highest rate: \*\*(\d\d:\d\d)–(\d\d:\d\d)\*\*", split)
    assert hour is not None, split[:300]
    text = last_answer(demo, "which hour had the most apneas?", "zoom into that hour")
    assert text.startswith(f"**{hour[1]}:00–{hour[2]}:00**"), text[:200]
    oxygen = last_answer(demo, "which hour had the most apneas?", "zoom into that hour",
                         "what about oxygen in that hour?")
    direct = last_answer(demo, f"what was the SpO2 between {hour[1]} and {hour[2]}?")
    mean = re.search(r"mean \*\*([\d.]+) %\*\*", direct)[1]
    assert oxygen.startswith("SpO2, in ") and f"mean **{mean} %**" in oxygen, (oxygen[:200], direct[:200])


@pytest.mark.parametrize("asked", ["give me the headline numbers for this night", "the night at a glance",
                                   "key metrics please"])
def test_headline_numbers(demo, asked) -> None:
    """These were not understood."""
    assert last_answer(demo, asked) == last_answer(demo, "what are the key numbers?")


def test_does_the_central_share_matter(demo_unscored) -> None:
    """"does that matter?" after the centrals' share was "not about this recording"; "is that
    normal?" there graded the AHI. The share is read against the ICSD-3's central sleep apnea
    criteria, on this night's numbers."""
    shared = ("what fraction of apneas were central?",)
    text = last_answer(demo_unscored, *shared, "does that matter?")
    assert "central apnea index" in text and "central share" in text, text[:400]
    assert text == last_answer(demo_unscored, *shared, "is that normal?")


@pytest.mark.parametrize("asked", ["is that clinically significant?", "is that relevant?", "does it matter?"])
def test_clinical_weight_of_a_stage_amount(demo, asked) -> None:
    """"is that clinically significant?" was "not about this recording"."""
    assert last_answer(demo, "how much REM?", asked) == last_answer(demo, "how much REM?", "is that normal?")


def test_what_percentage_after_a_stage_amount(demo) -> None:
    """"what percentage?" after REM's minutes was "not about this recording" ("what percentage is
    that?" asked for a count of events)."""
    amount = last_answer(demo, "how much REM did she get in total?")
    assert "% of the" in amount
    for asked in ("what percentage?", "what percentage is that?"):
        assert last_answer(demo, "how much REM did she get in total?", asked) == amount


def test_a_stage_against_someone_her_age(demo) -> None:
    """"how does her N3 compare to someone her age?" listed the N3 periods."""
    assert last_answer(demo, "how does her N3 compare to someone her age?") == last_answer(demo, "is her N3 normal?")


def test_did_they_wake_her_after_leg_movements(demo) -> None:
    """"did they wake her up?" after the leg movements listed every wake period."""
    text = last_answer(demo, "any leg movements?", "did they wake her up?")
    assert "followed by an awakening" in text and "with an arousal" in text, text[:400]
    assert text.count("leg movement events") == 2


def test_they_compared_between_the_halves(demo) -> None:
    """"how do they compare between the first and second half?" after the spindles compared the
    halves' stages and every event family but spindles."""
    text = last_answer(demo, "tell me about the spindles", "how do they compare between the first and second half?")
    assert text == last_answer(demo, "how do spindles compare between the first and second half?")
    assert re.search(r"\*\*\d+\*\* in the first half", text), text[:300]


def test_its_duration_and_what_lies_nearby(demo) -> None:
    """"what's its duration?" after a spindle gave the night's summary; "any K-complexes nearby?"
    listed the whole night's."""
    assert (last_answer(demo, "show me a typical spindle", "what is its duration?")
            == last_answer(demo, "show me a typical spindle", "how long was it?"))
    assert (last_answer(demo, "show me a typical spindle", "any K-complexes nearby?")
            == last_answer(demo, "show me a typical spindle", "any K-complexes near it?"))


def test_why_the_efficiency_is_low(demo) -> None:
    """"why is it low?" after the sleep efficiency was "not about this recording"."""
    text = last_answer(demo, "what's the sleep efficiency?", "why is it low?")
    assert text == last_answer(demo, "why is the sleep efficiency low?")
    assert text.startswith("Wake: **"), text[:200]


@pytest.mark.parametrize("asked", ["what would improve it?", "how can her sleep be improved?"])
def test_a_remedy_is_a_clinicians(demo, asked) -> None:
    """"what would improve her sleep?" listed arousals; "what would improve it?" was not about
    the recording. A remedy is advice: refused, with the night's numbers."""
    text = last_answer(demo, "what's the sleep efficiency?", asked)
    assert text.startswith("I can't diagnose or advise"), text[:200]
    assert "sleep efficiency" in text


def test_did_sleep_improve_in_the_second_half(demo) -> None:
    """It listed the arousals of the second half."""
    assert (last_answer(demo, "did her sleep improve in the second half?")
            == last_answer(demo, "compare the first half with the second half"))


@pytest.mark.parametrize("asked", ["why is it hard?", "why?", "why are you unsure?"])
def test_why_the_staging_is_unsure_there(demo_unscored, asked) -> None:
    """After the stretches the machine staging is least sure of, "why is it hard?" was "not about
    this recording" and "why?" offered help: the evidence for the first stretch's first epoch,
    its stage probabilities among it, answers it."""
    listed = last_answer(demo_unscored, "show me an epoch where you're unsure")
    start, _ = _span(listed)
    text = last_answer(demo_unscored, "show me an epoch where you're unsure", asked)
    m = re.match(r"Epoch \d+ \((\d\d):(\d\d):(\d\d)–", text)
    assert m is not None and _seconds(*m.groups()) == start, text[:200]
    assert "staging: " in text


def test_is_the_chin_quiet_there(demo) -> None:
    """"is the chin quiet there?" after a REM example was not understood: the epoch's chin tone,
    the same the stage's evidence quotes, against the night's."""
    shown = last_answer(demo, "find me a clean example of REM")
    tone = float(re.search(r"chin tone ([\d.]+) × the night's typical epoch", shown)[1])
    text = last_answer(demo, "find me a clean example of REM", "is the chin quiet there?")
    m = re.search(r"\*\*chin EMG tone \(spread\)\*\* \(ratio, mean per epoch\): \*\*([\d.]+)\*\* in this epoch", text)
    assert m is not None and float(m[1]) == round(tone, 1), text[:300]


def test_chin_on_a_one_hertz_envelope(sc4001_unscored) -> None:
    """On SC4001's 1-Hz chin envelope, "compare chin EMG in REM and N2" said the recording has no
    chin EMG channel, while the stage evidence quoted its tone."""
    text = last_answer(sc4001_unscored, "compare chin EMG in REM and N2")
    assert text.startswith("Mean per epoch, in REM vs in N2:\n- chin EMG tone"), text[:300]


def test_the_eyes_after_a_comparison(demo) -> None:
    """"what about the eyes?" after a comparison of heart rate repeated the heart rate."""
    text = last_answer(demo, "compare heart rate in REM and N3", "what about the eyes?")
    assert text == last_answer(demo, "compare the eyes in REM and N3")
    assert "EOG" in text and "heart rate" not in text, text[:300]


def test_how_deep_there(demo) -> None:
    """"how deep was the sleep there?" after an epoch gave the night's N3 total."""
    text = last_answer(demo, "what stage was she in at 2am?", "how deep was the sleep there?")
    assert text == last_answer(demo, "what stage was she in at 2am?", "why is this epoch scored as it is?")
    assert "slow waves cover" in text


def test_how_many_cycles_after_the_definition(demo) -> None:
    """"how many did this person have?" after "what's a sleep cycle?" was not about the recording."""
    assert (last_answer(demo, "what's a sleep cycle?", "how many did this person have?")
            == last_answer(demo, "how many sleep cycles?"))


def test_where_do_i_start(demo_unscored) -> None:
    """"... nobody has scored it. where do I start?" was not understood: what stands out in the
    night, most important first."""
    text = last_answer(demo_unscored, "hi, I just loaded a patient's study, nobody has scored it. where do I start?")
    assert text == last_answer(demo_unscored, "what stands out in this night?")
    assert text.startswith("What stands out in this night"), text[:200]


@pytest.mark.parametrize(("asked", "same"), [
    ("when did the electrode come off?", "were there any periods of bad signal?"),
    ("which channel had the most problems?", "which channel is the noisiest?"),
])
def test_channel_trouble(demo, asked, same) -> None:
    """The first was not understood; the second listed the channels."""
    assert last_answer(demo, asked) == last_answer(demo, same)


def test_what_caused_the_one_shown(demo) -> None:
    """"what caused it?" after the deepest desaturation defined a desaturation, and "how long did
    it last?" then read the definition's example; after the longest arousal it gave every
    arousal's causes."""
    shown = last_answer(demo, "show me the deepest desaturation")
    text = last_answer(demo, "show me the deepest desaturation", "what caused it?")
    assert text == last_answer(demo, "show me the deepest desaturation", "was there an apnea or hypopnea before it?")
    assert text.startswith(("**Yes**", "**No**")), text[:200]
    lasted = last_answer(demo, "show me the deepest desaturation", "what caused it?", "how long did it last?")
    assert _span(lasted) == _span(shown), (lasted[:200], shown[:200])
    arousal = last_answer(demo, "show me the longest arousal", "what caused it?")
    assert arousal.startswith("Its cause by the association rule: **"), arousal[:200]
    assert _span(arousal) == _span(last_answer(demo, "show me the longest arousal"))


def test_real_or_artefact(demo) -> None:
    """"is that a real apnea or artefact?" after one hypopnea gave the night's signal quality."""
    shown = ("show me the first hypopnea",)
    assert (last_answer(demo, *shown, "is that a real apnea or artefact?")
            == last_answer(demo, *shown, "why is that a hypopnea?"))


@pytest.mark.parametrize("asked", ["what does the airflow look like there?", "and the effort belts?"])
def test_the_breathing_of_the_one_shown(demo, asked) -> None:
    """These defined an apnea and showed a typical one, not the hypopnea in focus."""
    shown = last_answer(demo, "show me the first hypopnea")
    text = last_answer(demo, "show me the first hypopnea", asked)
    assert text.startswith("Breathing during it (median breath amplitude, % of the breaths before it)"), text[:200]
    assert _span(text) == _span(shown), (text[:300], shown[:300])


def test_the_two_stagings_compared(demo) -> None:
    """"what is the model's hypnogram like compared to YASA's?" showed the hypnogram and the
    night's numbers."""
    assert (last_answer(demo, "what is the model's hypnogram like compared to YASA's?")
            == last_answer(demo, "how does the model compare with YASA?"))


@pytest.mark.parametrize("asked", ["which staging should I trust?", "which one do you trust?"])
def test_which_staging_to_trust(demo_unscored, asked) -> None:
    """These were not about the recording."""
    text = last_answer(demo_unscored, asked)
    assert text == last_answer(demo_unscored, "which one is right?")
    assert text.startswith("**Neither is checked on this night**"), text[:200]


def test_another_after_questions_about_the_one_shown(demo) -> None:
    """"show me another" after "what makes it a K-complex?" looked inside the one shown ("1
    k-complex event in k complex") and showed it again."""
    shown = ("show me the biggest K-complex", "what makes it a K-complex?", "how big is it?")
    text = last_answer(demo, *shown, "show me another")
    assert text == last_answer(demo, "show me the biggest K-complex", "show me another")
    assert _span(text) != _span(last_answer(demo, shown[0]))


def test_more_common_early_in_the_night(demo) -> None:
    """"are they more common early in the night?" listed the K-complexes of the night's start."""
    text = last_answer(demo, "how many K-complexes are there?", "are they more common early in the night?")
    assert text == last_answer(demo, "compare K-complexes in the first and second half")
    assert re.search(r"\*\*\d+\*\* in the first half .* against \*\*\d+\*\* in the second half", text), text[:300]


@pytest.mark.parametrize("asked", ["which one was longer?", "which was shorter?"])
def test_which_period_was_longer(demo, asked) -> None:
    """"which one was longer?" after two REM periods compared was not about the recording."""
    table = last_answer(demo, "compare the first and last REM period")
    text = last_answer(demo, "compare the first and last REM period", asked)
    m = re.match(r"\*\*The (first|last) REM period\*\* was (longer|shorter): ([\d.]+) against ([\d.]+) min\.", text)
    assert m is not None, text[:200]
    first, last = float(m[3]), float(m[4])
    assert (m[1] == "first") == ((first > last) == (m[2] == "longer")), text[:200]
    assert text.endswith(table)


def test_events_in_each_of_two_periods(demo) -> None:
    """"what about eye movements in each?" after two REM periods compared listed the night's."""
    text = last_answer(demo, "compare the first and last REM period", "what about eye movements in each?")
    assert text.startswith("Rapid eye movement events in "), text[:200]
    assert " in the first REM period " in text and " in the last REM period " in text, text[:300]


def test_how_similar_after_more_like_a_hit(demo) -> None:
    """"how similar are they?" after "find more like it" of a library hit judged the search
    before it, or found none."""
    asked = ("find epochs in the library that look like obstructive apnea in REM", "show me the best one",
             "find more like it")
    listed = last_answer(demo, *asked)
    m = re.match(r"Library epochs closest to (epoch \d+ of \S+) \(cosine\)", listed)
    assert m is not None, listed[:200]
    text = last_answer(demo, *asked, "how similar are they?")
    assert text.startswith(f"How alike the 6 library matches of {m[1]} are:"), text[:300]


def test_slowest_and_fastest_spindles(sc4001_unscored) -> None:
    """"show me the slowest one" after the spindles in N3 was not understood, and "the slowest
    spindle" listed the longest: by frequency, in the scope asked."""
    text = last_answer(sc4001_unscored, "show me the slowest spindle")
    listed = last_answer(sc4001_unscored, "list all the spindles")
    hz = [float(h) for h in re.findall(r"spindle, ([\d.]+) Hz", listed)]
    assert "the 1 slowest" in text, text[:200]
    slowest = float(re.search(r"spindle, ([\d.]+) Hz", text)[1])
    assert slowest <= min(hz), (slowest, min(hz))
    in_n3 = last_answer(sc4001_unscored, "how many spindles?", "and in N3?", "show me the slowest one")
    assert in_n3 == last_answer(sc4001_unscored, "show me the slowest spindle in N3")
    assert "stage N3)" in in_n3.split("\n\n")[0] or "in N3" in in_n3.split("\n")[0], in_n3[:300]


@pytest.mark.parametrize("asked", ["could you score the breathing?", "can you score breathing on this?"])
def test_can_you_score_the_breathing(sc4001_unscored, asked) -> None:
    """It answered with the staging's confidence, the breathing's "no" last."""
    text = last_answer(sc4001_unscored, asked)
    assert text.startswith("**No**: respiratory events cannot be scored on this night (respiratory: no usable"), \
        text[:300]
    why = last_answer(sc4001_unscored, asked, "why not?")
    assert why.startswith("To score respiratory events the machine scorer needs"), why[:200]
    assert last_answer(sc4001_unscored, "could you score spindles?").startswith("**Yes**: sleep spindles are scored")


def test_what_can_you_tell_me_then(sc4001_unscored) -> None:
    """After the breathing could not be scored, "what can you tell me then?" had nothing to refer to."""
    assert (last_answer(sc4001_unscored, "could you score the breathing?", "what can you tell me then?")
            == last_answer(sc4001_unscored, "what stands out in this night?"))


def test_the_best_stage_epoch_and_its_waves(sc4001_unscored) -> None:
    """"show me the best N3 epoch" gave the longest N3 period; "what frequency are those waves?"
    and "how big are they?" gave every stage's spectral peak."""
    assert (last_answer(sc4001_unscored, "show me the best N3 epoch")
            == last_answer(sc4001_unscored, "show me the clearest N3 epoch"))
    big = last_answer(sc4001_unscored, "show me the best N3 epoch", "how big are those waves?")
    assert big == last_answer(sc4001_unscored, "how big are the slow waves in N3?")
    assert big.startswith("Amplitude on EEG Fpz-Cz (peak to peak"), big[:200]


def test_the_model_on_this_night_and_where_it_errs(sc4001_unscored) -> None:
    """"how does the model do on this night?" defined SleepLM; "where is it wrong?", "why did it
    get it wrong?" and "what does YASA say there?" were not about the recording."""
    steps = ["how does the model do on this night?"]
    assert last_answer(sc4001_unscored, *steps) == last_answer(sc4001_unscored, "how accurate is the model?")
    steps.append("where is it wrong?")
    listed = last_answer(sc4001_unscored, *steps)
    assert listed.startswith("The model's zero-shot stage differs from the machine-scored"), listed[:200]
    steps.append("show me an example")
    shown = last_answer(sc4001_unscored, *steps)
    epoch = re.search(r"Epoch (\d+) \(", shown)[1]
    why = last_answer(sc4001_unscored, *steps, "why did it get it wrong?")
    assert why.startswith(f"Epoch {epoch} ("), why[:200]
    assert "the model (zero-shot): " in why
    says = last_answer(sc4001_unscored, *steps, "what does YASA say there?")
    assert says.startswith(f"Epoch {epoch} (") and "so the model disagrees here" in says, says[:300]


def test_when_did_he_have_it_after_a_stage_defined(demo) -> None:
    """"when did he have it?" after "what is REM sleep?" was not about the recording."""
    assert (last_answer(demo, "what is REM sleep?", "when did he have it?")
            == last_answer(demo, "when was REM?"))


def test_show_me_his_heart_in_rem(demo) -> None:
    """It showed one REM epoch's stage."""
    assert last_answer(demo, "show me his heart in REM") == last_answer(demo, "describe the heart in REM")


def test_hours_of_good_oximetry(demo) -> None:
    """It gave the SpO2's mean and extremes."""
    assert (last_answer(demo, "how many hours of good oximetry?")
            == last_answer(demo, "is this a valid home sleep test?"))


def test_what_happened_there_after_the_busiest_stretch(demo) -> None:
    """"what happened there?" after the worst 10 minutes was not about the recording."""
    asked = ("show me the worst 10 minutes",)
    assert last_answer(demo, *asked, "what happened there?") == last_answer(demo, *asked, "what happened then?")


@pytest.mark.parametrize("asked", ["how does the scoring compare to what the machine found?",
                                   "how does the tech's scoring compare with YASA?"])
def test_the_scoring_against_the_machine(demo, asked) -> None:
    """The first was not understood."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, "how does YASA compare with the expert?")
    assert text.startswith("**Human-scored stages against machine-scored"), text[:200]


def test_an_index_against_the_machines(demo) -> None:
    """"how does that compare to the machine's?" after the arousal index said both sides were
    the whole night; "how many apneas did the tech score vs the machine?" gave the human count."""
    human = last_answer(demo, "what's the arousal index?")
    machine = last_answer(demo, "what's the arousal index according to the machine?")
    assert human != machine
    assert last_answer(demo, "what's the arousal index?", "how does that compare to the machine's?") == \
        f"{human}\n\n{machine}"
    both = last_answer(demo, "how many apneas did the tech score vs the machine?")
    assert both == f"{last_answer(demo, 'how many apneas?')}\n\n" \
                   f"{last_answer(demo, 'how many apneas according to the machine?')}"


@pytest.mark.parametrize("asked", ["which stage is out of range?", "which figures are abnormal?"])
def test_which_figure_is_out_of_range(demo, asked) -> None:
    """"which stage is out of range?" after the architecture table staged the first epoch."""
    assert (last_answer(demo, "give me the sleep architecture as a table", asked)
            == last_answer(demo, "is this night normal?"))


def test_how_long_after_sleep_onset(demo) -> None:
    """"how long after sleep onset?" after the first spindle listed the wake periods."""
    first = last_answer(demo, "when was the first spindle?")
    assert "after sleep onset" in first
    assert last_answer(demo, "when was the first spindle?", "how long after sleep onset?") == first


def test_an_epoch_with_both(demo) -> None:
    """"find me an epoch with both a spindle and an arousal" listed the spindles."""
    assert (last_answer(demo, "find me an epoch with both a spindle and an arousal")
            == last_answer(demo, "find me a spindle with an arousal"))


def test_anything_dangerous(demo) -> None:
    """It was not about the recording."""
    assert last_answer(demo, "was there anything dangerous?") == last_answer(demo, "anything concerning?")


@pytest.mark.parametrize(("first", "then"), [("any periods of low oxygen?", "how long in total?"),
                                             ("how many apneas?", "how long were they in total?")])
def test_how_long_in_total(demo, first, then) -> None:
    """"how long in total?" after the stretches of low oxygen gave the night's summary."""
    text = last_answer(demo, first, then)
    assert text == last_answer(demo, first)
    assert re.search(r"\b(?:in )?total\b", text.split("\n")[0]), text[:200]


@pytest.mark.parametrize(("asked", "moved"), [("go forward 2 epochs", 2), ("go back three epochs", -3),
                                              ("move ahead 10 epochs", 10)])
def test_epochs_stepped(demo, asked, moved) -> None:
    """"go forward 2 epochs" staged the epoch on screen again; "go back 2 epochs" went back to
    the view before."""
    text = last_answer(demo, "show me epoch 300", asked)
    assert text.startswith(f"Epoch {300 + moved} ("), text[:200]


def test_how_much_of_the_sleep_was_deep(demo) -> None:
    """"how much of it was deep sleep?" after the time asleep described the first sleep period."""
    asked = ("what percentage of the night was she awake?", "and asleep?")
    assert last_answer(demo, *asked, "how much of it was deep sleep?") == last_answer(demo, "how much deep sleep?")


def test_what_the_eog_shows_on_the_epoch_shown(demo) -> None:
    """"what does the EOG show?" after the first REM epoch was shown defined the EOG; "and the
    EEG?" then repeated the definition. Without an epoch shown it is still defined."""
    shown = ("show me the first epoch of REM",)
    assert (last_answer(demo, *shown, "what does the EOG show?")
            == last_answer(demo, *shown, "describe the EOG in this epoch"))
    eeg = last_answer(demo, *shown, "what does the EOG show?", "and the EEG?")
    assert eeg.startswith("In this epoch against the whole night") and "delta power" in eeg, eeg[:200]
    assert last_answer(demo, "what does the EOG show?").startswith("**EOG (electro-oculogram).**")
