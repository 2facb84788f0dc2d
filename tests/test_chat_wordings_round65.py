"""Questions of stop 65, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (synthetic nights written without their scoring). Each names what it
used to get. Expected answers are the ones the same question gets asked in full, or the
night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest

from chat_dialogues import last_answer
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.recording import EPOCH_SEC, Signal
from sleeplm_core.io.synth import SynthConfig, synth_night

_HOUR_ROW_RE = re.compile(r"^\| (\d\d:\d\d–\d\d:\d\d) \| ([\d.]+) \| (\d+) \| ([\d.]+) \|", re.M)


def _hour_rows(text: str) -> dict[str, tuple[float, int, float]]:
    """Clock hour -> (min asleep, events, per hour) from an hour-by-hour table."""
    return {m[1]: (float(m[2]), int(m[3]), float(m[4])) for m in _HOUR_ROW_RE.finditer(text)}


def test_why_after_the_worst_hour(demo) -> None:
    """"why?" after "when was the worst hour?" said it could only explain an epoch's stage."""
    table = _hour_rows(last_answer(demo, "when was the worst hour?"))
    worst = max((hour for hour in table if table[hour][0] >= 10), key=lambda hour: table[hour][2])
    text = last_answer(demo, "when was the worst hour?", "why?")
    asleep, events, rate = table[worst]
    rest_min = sum(row[0] for row in table.values()) - asleep
    rest_events = sum(row[1] for row in table.values()) - events
    assert text.startswith(f"**The worst hour, {worst}**: {events} respiratory events in {asleep:.0f} min "
                           f"asleep, **{rate:.1f}/h**, above the rest of the night's "
                           f"**{60 * rest_events / rest_min:.1f}/h**"), text[:300]
    predicted = float(re.search(r"alone predicts \*\*([\d.]+)/h\*\*", text)[1])
    assert min(rate, 60 * rest_events / rest_min) - 10 < predicted < max(rate, 60 * rest_events / rest_min) + 10
    # every factor said to raise the rate is one the hour held more of with a higher rate, or less
    # of with a lower one
    for m in re.finditer(r"(\d+) % against (\d+) %; the rest of the night ran \*\*([\d.]+)/h\*\* there "
                         r"against ([\d.]+)/h [\w ]+, so this (raises|lowers)", text):
        more, higher = int(m[1]) > int(m[2]), float(m[3]) > float(m[4])
        assert (m[5] == "raises") == (more == higher), m[0]


def test_why_after_the_busiest_stretch(demo) -> None:
    """"why?" after the busiest 10 minutes of apneas was not understood."""
    text = last_answer(demo, "where was the worst cluster of apneas?", "why?")
    busiest = re.search(r"\*\*(\d\d:\d\d):\d\d–(\d\d:\d\d):\d\d\*\*, \*\*(\d+)\*\* events",
                        last_answer(demo, "where was the worst cluster of apneas?"))
    assert text.startswith(f"**The busiest 10-min stretch, {busiest[1]}–{busiest[2]}**: "), text[:200]
    # events counted in sleep: never more than the stretch's count
    assert int(re.search(r"\*\*: (\d+) apneas", text)[1]) <= int(busiest[3])


def test_the_quietest_hour(demo) -> None:
    """"which hour had the fewest apneas?" led with the highest rate and showed the worst hour."""
    text = last_answer(demo, "which hour had the fewest apneas?")
    table = _hour_rows(text)
    rated = {hour: row for hour, row in table.items() if row[0] >= 10}
    best = min(rated, key=lambda hour: rated[hour][2])
    assert text.startswith(f"Lowest rate: **{best}**, **{rated[best][2]:.1f}/h**"), text[:100]
    assert last_answer(demo, "which hour had the fewest apneas?", "why?").startswith(
        f"**The quietest hour, {best}**")


@pytest.mark.parametrize("asked", ["which one lasts longer?", "which is shorter?"])
def test_which_kind_lasts_longer(demo, asked) -> None:
    """"which one lasts longer?" after a K-complex and a spindle was not understood."""
    text = last_answer(demo, "show me a K-complex and a spindle", asked)
    means = re.search(r"\| mean length \| ([\d.]+) s \| ([\d.]+) s \|", text)
    k, s = float(means[1]), float(means[2])
    assert text.endswith(last_answer(demo, "are K-complexes longer than spindles?").split("\n\n", 1)[1])
    longer = "K-complex events" if k > s else "Sleep spindle events"
    shorter = "Sleep spindle events" if k > s else "K-complex events"
    assert text.startswith(f"**{longer} last longer**" if "longer" in asked else f"**{shorter} are shorter**"), text[:100]


def test_how_long_compared_with(demo) -> None:
    """"how long are K-complexes compared with spindles?" listed K-complexes next to a spindle."""
    text = last_answer(demo, "how long are K-complexes compared with spindles?")
    table = last_answer(demo, "compare K-complexes and spindles")
    assert text.endswith(table) and "last longer** on average" in text, text[:200]


@pytest.mark.parametrize("asked", ["what would you recommend?", "any recommendations?"])
def test_recommendations_are_a_clinicians(demo, asked) -> None:
    """"what would you recommend?" was taken for a question not about the night."""
    assert last_answer(demo, asked) == last_answer(demo, "what should be done next?")


def test_recommending_a_channel_is_not_medical(demo) -> None:
    assert "can't diagnose" not in last_answer(demo, "which channel do you recommend for staging?")


def test_how_long_was_each_one(demo) -> None:
    """"how long was each one?" after the REM periods was not understood."""
    asked = "how many REM periods were there?"
    assert last_answer(demo, asked, "how long was each one?") == last_answer(demo, asked, "list them")


def test_a_part_of_the_period_in_focus(demo) -> None:
    """"show me its first minute" after the longest REM period showed the recording's first minute."""
    picked = last_answer(demo, "how many REM periods were there?", "which was the longest?")
    start = re.search(r"at \*\*(\d\d:\d\d:\d\d)–", picked)[1]
    text = last_answer(demo, "how many REM periods were there?", "which was the longest?", "show me its first minute")
    assert text.startswith(f"**{start}–") and "(1.0 min;" in text and "REM 1.0 min" in text, text[:200]


def test_percent_of_sleep_after_a_threshold(demo) -> None:
    """"what percent of sleep time?" after the time under 90 % gave the total sleep time."""
    asked = "did oxygen drop below 90%?"
    assert last_answer(demo, asked, "what percent of sleep time?") == last_answer(demo, asked)


def _noise(seconds: float, rate: float, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 20.0, int(seconds * rate))


def test_mains_hum_and_artefacts_measured() -> None:
    """A 50-Hz line and bursts of artefact are read as such; a clean channel shows neither."""
    from sleeplm_core.scoring.noise import NoiseConfig, channel_noise

    rate, seconds = 256.0, 3600.0
    clean = _noise(seconds, rate, 1)
    t = np.arange(len(clean)) / rate
    hummed = clean + 15.0 * np.sin(2 * np.pi * 50.0 * t)
    bursts = clean.copy()
    window = int(NoiseConfig().window_sec * rate)
    hit = np.random.default_rng(2).choice(len(bursts) // window, 36, replace=False)   # 5 % of 720
    for w in hit:
        bursts[w * window:(w + 1) * window] *= 8.0
    read = {name: channel_noise(Signal(name, x, rate), None) for name, x in
            (("clean", clean), ("hum", hummed), ("bursts", bursts))}
    assert read["hum"].hum_hz == 50.0 and read["hum"].hum_db > NoiseConfig().hum_db
    assert abs(read["clean"].hum_db) < 3.0
    assert 0.04 <= read["bursts"].artefact_share <= 0.06 and read["clean"].artefact_share < 0.01
    stages = np.full(int(seconds / EPOCH_SEC), 2)
    assert channel_noise(Signal("b", bursts, rate), stages).windows == len(bursts) // window


@pytest.fixture(scope="module")
def noisy(demo, tmp_path_factory: pytest.TempPathFactory):
    """An hour with bursts of artefact written into C4-M1 on one window in twelve."""
    from app.night import embed_night, read_night

    window_sec = 5.0   # the artefact windows' length (sleeplm_core.scoring.noise.NoiseConfig)

    rec = synth_night(SynthConfig(hours=1.0, seed=6565))
    sig = rec.signals["C4-M1"]
    data = sig.data.copy()
    window = int(window_sec * sig.sfreq)
    for w in range(0, len(data) // window, 12):
        data[w * window:(w + 1) * window] *= 10.0
    rec.signals["C4-M1"] = Signal(sig.label, data, sig.sfreq, sig.unit)
    night = read_night(write_edf(rec, tmp_path_factory.mktemp("noisy") / "noisy.edf"), "noisy")
    embed_night(night, demo[1])
    return night, demo[1]


def test_which_channel_is_noisiest(noisy) -> None:
    """"which channel is noisiest?" listed the channels, with nothing about noise."""
    from sleeplm_core.scoring.noise import channel_noise

    text = last_answer(noisy, "which channel is noisiest?")

    night = noisy[0]
    stages, _ = night.stages()
    share = channel_noise(night.recording.signals["C4-M1"], stages, float(night.epochs.starts[0])).artefact_share
    assert text.startswith(f"**C4-M1** is the noisiest waveform channel: **{100 * share:.1f} %**"), text[:200]
    assert share > 0.05
    rows = re.findall(r"^\| ([^|]+) \| [A-Z_0-9]+ \| ([\d.]+) % of", text, re.M)
    assert [float(v) for _, v in rows] == sorted((float(v) for _, v in rows), reverse=True)
    assert last_answer(noisy, "which lead is cleanest?").startswith(f"**{rows[-1][0]}** is the cleanest")
    hum = last_answer(noisy, "is there any mains hum?")
    # the 128-Hz ECG shows 50 Hz and carries none; the 100-Hz leads cannot show it
    assert hum.startswith("**No mains hum** of 10 dB or more") and "ECG II" not in hum.split("\n")[0], hum[:300]
    assert re.search(r"^\| ECG II \| ECG \| [\d.]+ % of \d+ \| [+-]\d+ dB at 50 Hz", hum, re.M)


def test_a_stage_amount_in_the_period_described(demo) -> None:
    """"how much N3 did it have?" after the first cycle was described gave the whole night's N3."""
    text = last_answer(demo, "describe the first sleep cycle", "how much N3 did it have?")
    assert text == last_answer(demo, "how much N3 in the first sleep cycle?"), text[:200]
    assert "of N3 in the first sleep cycle" in text


def test_two_epochs_side_by_side(demo) -> None:
    """"compare epoch 400 and epoch 500" compared the minutes of each stage in two single epochs
    (0 min each), and "compare it with epoch 500" after epoch 400 was shown was not understood."""
    night = demo[0]
    text = last_answer(demo, "compare epoch 400 and epoch 500")
    stages, _ = night.stages()
    names = {0: "W", 1: "N1", 2: "N2", 3: "N3", 4: "REM"}
    a, b = names[int(stages[400])], names[int(stages[500])]
    assert re.match(rf"\*\*Epoch 400 \(\d\d:\d\d:\d\d\)\*\* against \*\*epoch 500 \(\d\d:\d\d:\d\d\)\*\*: "
                    rf"(?:\*\*{a}\*\* against \*\*{b}\*\*|both \*\*{a}\*\*)", text), text[:200]
    frame = night.feature_frame()
    delta = next(c for c in frame.columns if c.endswith(".delta [%]"))
    row = re.search(r"^\| delta power \([^)]*\) \[%\] \| ([\d.]+) \| ([\d.]+) \|", text, re.M)
    assert (float(row[1]), float(row[2])) == (round(frame[delta][400], 1), round(frame[delta][500], 1))
    assert last_answer(demo, "show me epoch 400", "compare it with epoch 500") == text


def test_spindle_frequency_and_amplitude_after_a_count_by_stage(demo) -> None:
    """"what's their average frequency?" after spindles counted in N2 vs N3 was not understood,
    and a spindle's amplitude could not be compared at all."""
    asked = "how many spindles were there in N2 vs N3?"
    frequency = last_answer(demo, asked, "what's their average frequency?")
    assert frequency == last_answer(demo, "compare spindle frequency in N2 and N3"), frequency[:200]
    amplitude = last_answer(demo, asked, "what's their average frequency?", "and their mean amplitude?")
    assert re.search(r"spindle amplitude, peak to peak \(C4-M1\) \[µV\]: in N2: \*\*[\d.]+\*\* \(sd [\d.]+, "
                     r"\d+ spindles\) vs in N3", amplitude), amplitude[:300]
    assert "spindle frequency" in last_answer(demo, "was spindle frequency higher in N3 than in N2?")


def test_their_mean_amplitude_after_a_list(demo) -> None:
    """"what was their mean amplitude?" after the slow waves were counted was not understood."""
    text = last_answer(demo, "how many slow waves were there?", "what was their mean amplitude?")
    assert text.startswith("Amplitude on ") and "mean **" in text.split("\n")[0], text[:200]


@pytest.mark.parametrize("asked", ["what fraction of the time in bed was wake?",
                                   "how much of the time in bed was spent awake?"])
def test_wake_as_a_share_of_time_in_bed(demo, asked) -> None:
    """It gave the time in bed."""
    assert last_answer(demo, asked) == last_answer(demo, "what fraction of the night was wake?")


def test_without_the_first_hour(demo) -> None:
    """"and without the first hour?" after the total sleep time gave the first hour's."""
    night = demo[0]
    stages, _ = night.stages()
    later = (stages >= 1) & (night.epochs.starts >= night.epochs.starts[0] + 3600)
    text = last_answer(demo, "what is the total sleep time?", "and without the first hour?")
    assert text.startswith(f"Total sleep time after the first hour: **{later.sum() * EPOCH_SEC / 60:.1f} min**"), text[:200]


def test_the_single_most_abnormal_finding(demo) -> None:
    """"what's the single most abnormal finding?" listed the norms."""
    text = last_answer(demo, "what's the single most abnormal finding?")
    findings = last_answer(demo, "what stands out?")
    first = re.search(r"^1\. (.+)$", findings, re.M)[1]
    assert text.startswith("**The first of ") and f"most important first**: {first}" in text.split("\n\n")[0]
    assert text.endswith(findings)


def test_and_the_fewest_after_the_most(demo) -> None:
    """"and the fewest?" after the stage with the most arousals repeated the most."""
    text = last_answer(demo, "which stage had the most arousals?", "and the fewest?")
    rows = {m[1]: (float(m[2]), float(m[4])) for m in
            re.finditer(r"^\| (N1|N2|N3|REM) \| ([\d.]+) \| (\d+) \| ([\d.]+) \|", text, re.M)}
    rated = {stage: rate for stage, (minutes, rate) in rows.items() if minutes >= 10}
    low = min(rated, key=rated.get)
    assert text.startswith(f"Lowest rate: **{low}**, **{rated[low]:.1f}/h**"), text[:100]
    back = last_answer(demo, "which stage had the most arousals?", "and the fewest?", "and the most?")
    assert back == last_answer(demo, "which stage had the most arousals?")


@pytest.mark.parametrize("most", [False, True])
def test_which_stage_was_least_stable(demo, most) -> None:
    """"which stage was least stable?" showed epoch 0's stage."""
    from sleeplm_core.scoring.intervals import runs

    night = demo[0]
    stages, _ = night.stages()
    means = {name: np.mean([b - a for a, b in runs(stages == code)]) * EPOCH_SEC / 60
             for code, name in ((1, "N1"), (2, "N2"), (3, "N3"), (4, "REM")) if (stages == code).any()}
    pick = (max if most else min)(means, key=means.get)
    text = last_answer(demo, f"which stage was {'most' if most else 'least'} stable?")
    assert text.startswith(f"**{pick}** was the {'most' if most else 'least'} stable stage"), text[:100]
    assert f"lasted **{means[pick]:.1f} min** on average" in text


def test_how_long_the_runs_of_a_stage_last(demo) -> None:
    """"how long did N2 runs last on average?" gave N2's minutes."""
    assert last_answer(demo, "how long did N2 runs last on average?") == last_answer(demo, "was N2 fragmented?")


def test_a_signal_around_events_compared_with_another_kind(demo) -> None:
    """"compare that with the apneas" after the heart rate at arousals compared the events'
    counts and lengths, not the heart rate."""
    text = last_answer(demo, "did heart rate rise at the arousals?", "compare that with the apneas")
    assert text == last_answer(demo, "compare heart rate during arousals and apneas"), text[:200]
    assert text.startswith("Heart rate during them: arousal events **")
    on_average = last_answer(demo, "did heart rate rise at the arousals?", "by how much on average?")
    assert on_average == last_answer(demo, "did heart rate rise at the arousals?", "by how much?")
    assert on_average.startswith("Heart rate runs **"), on_average[:100]


def test_why_after_the_worst_hour_of_a_home_test(home_test) -> None:
    """"why?" after the worst hour of a home test was refused for want of stages: the body
    position, which the home test records, is weighed per hour recorded."""
    table = _hour_rows(last_answer(home_test, "what was the worst hour?"))
    worst = max((hour for hour in table if table[hour][0] >= 10), key=lambda hour: table[hour][2])
    recorded, events, rate = table[worst]
    text = last_answer(home_test, "what was the worst hour?", "why?")
    assert text.startswith(f"**The worst hour, {worst}**: {events} respiratory events in {recorded:.0f} min "
                           f"recorded, **{rate:.1f}/h**"), text[:200]
    assert "per hour recorded: without EEG sleep cannot be staged" in text and "Its mix of body positions" in text
    assert not re.search(r"\*\*(?:N1|N2|N3|REM)\*\*:", text)   # no guessed stage is weighed


def test_and_the_best_position_of_a_home_test(home_test) -> None:
    """"and the best?" after the worst position repeated the worst."""
    text = last_answer(home_test, "which position was worst?", "and the best?")
    rows = {m[1]: (float(m[2]), float(m[4])) for m in
            re.finditer(r"^\| (\w+) \| ([\d.]+) \| (\d+) \| ([\d.]+) \|", text, re.M) if m[1] != "non"}
    rated = {p: rate for p, (minutes, rate) in rows.items() if minutes >= 10 and p != "unknown"}
    best = min(rated, key=rated.get)
    assert text.startswith(f"Lowest rate: **{best}**, **{rated[best]:.1f}/h**") and "min recorded)." in text.split("\n")[0]


def test_what_the_caption_says(demo) -> None:
    """"what does the caption say?" after the model's stage of an epoch was not understood."""
    text = last_answer(demo, "what does the model say about epoch 200?", "what does the caption say?")
    assert text == last_answer(demo, "show me epoch 200", "what does the caption say?"), text[:200]
    assert "(00:10:00 to 00:10:30)" in text and "The model describes them as:" in text


def test_the_model_against_the_scoring_then_where_and_an_example(demo) -> None:
    """"how well does the model agree with the scoring?" gave the machine's agreement; "where
    does it disagree most?" and "show me an example" after it were not understood."""
    agree = last_answer(demo, "how well does the model agree with the scoring?")
    assert agree == last_answer(demo, "how does the model's staging compare to the human scoring?")
    assert agree.startswith("**Human-scored stages against model-predicted (SleepLM zero-shot)**")
    asked = ("how well does the model agree with the scoring?", "where does it disagree most?")
    where = last_answer(demo, *asked)
    assert where == last_answer(demo, "where does the model disagree with the scoring?")
    first = re.search(r"^- \*\*(\d\d:\d\d:\d\d)–", where, re.M)
    example = last_answer(demo, *asked, "show me an example")
    assert first is not None and example.startswith("The first of ") and f"at **{first[1]}–" in example


@pytest.mark.parametrize(("asked", "same"), [
    ("what fraction were respiratory?", "what fraction arousals were respiratory?"),
    ("how many were spontaneous?", "how many arousals were spontaneous?"),
])
def test_a_cause_named_alone_after_the_arousals(demo, asked, same) -> None:
    """"what fraction were respiratory?" after the arousals gave the breathing rate."""
    text = last_answer(demo, "how many arousals were there?", asked)
    assert text == last_answer(demo, same) and re.match(r"\*\*\d+\*\* of the \d+ arousals", text), text[:200]


def test_an_arousal_of_one_cause_explained_and_shown(demo) -> None:
    """"what does a respiratory arousal look like?" drew an arousal of any cause, and "show me
    one" after it too."""
    from app.chat.execute import _of_cause
    from app.chat.results import Item

    night = demo[0]
    events, _ = night.scored_events()
    arousals = [Item(e.onset, e.onset + e.duration, "arousal", "scored", "") for e in events if e.type == "arousal"]
    respiratory = {round(i.start) for i in _of_cause(night, arousals, "respiratory")}
    text = last_answer(demo, "what does a respiratory arousal look like?")
    shown = re.search(r"a respiratory one, [^)]*\): \*\*(\d\d:\d\d:\d\d)–", text)
    assert shown is not None, text[:400]
    one = last_answer(demo, "what does a respiratory arousal look like?", "show me one")
    assert one.startswith(f"The human-scored events have **{len(respiratory)}** respiratory arousal events")
    first = re.search(r"^- \*\*(\d\d):(\d\d):(\d\d)–", one, re.M)
    t0 = night.recording.start_time
    seconds = (int(first[1]) * 3600 + int(first[2]) * 60 + int(first[3]) - (t0.hour * 3600 + t0.minute * 60 + t0.second)) % 86400
    assert any(abs(seconds - s) <= 1 for s in respiratory)


def test_which_rem_period_had_the_most_eye_movements(demo) -> None:
    """"which REM period had the most eye movements?" listed the eye movements."""
    from app.chat.periods import stage_periods

    night = demo[0]
    stages, _ = night.stages()
    periods = stage_periods(stages, [4], np.ones(night.n_epochs, dtype=bool))
    text = last_answer(demo, "which REM period had the most eye movements?")
    rows = re.findall(r"^\| REM period (\d+) \([^)]*\) \| ([\d.]+) \| (\d+) \| ([\d.]+) \|", text, re.M)
    assert len(rows) == len(periods), text[:300]
    for k, minutes, _, _ in rows:
        a, b = periods[int(k) - 1]
        assert float(minutes) == (stages[a:b + 1] == 4).sum() * EPOCH_SEC / 60
    rated = {k: float(rate) for k, minutes, _, rate in rows if float(minutes) >= 10}
    top, low = max(rated, key=rated.get), min(rated, key=rated.get)
    assert f"Highest rate: **REM period {top} (" in text
    fewest = last_answer(demo, "which REM period had the most eye movements?", "and the fewest?")
    assert fewest.startswith(f"Lowest rate: **REM period {low} (")


def test_hypopneas_with_neither(demo) -> None:
    """"how many hypopneas had no arousal and no desaturation?" was split in two questions,
    "... neither an arousal nor a desaturation?" counted those with a desaturation, and "how
    many had neither?" after the two counts was not understood."""
    def count(*asked: str) -> int:
        return int(re.search(r"have \*\*(\d+)\*\* hypopnea events", last_answer(demo, *asked))[1])

    total = int(re.search(r"\*\*(\d+)\*\* hypopnea events", last_answer(demo, "how many hypopneas?"))[1])
    aroused, desaturated = count("how many hypopneas had an arousal?"), count("how many hypopneas had a desaturation?")
    neither = count("how many hypopneas had no arousal and no desaturation?")
    assert neither == count("how many hypopneas had neither an arousal nor a desaturation?")
    assert neither == count("how many hypopneas had an arousal?", "and how many had a desaturation?",
                            "how many had neither?")
    assert neither <= min(total - aroused, total - desaturated)
    assert neither >= total - aroused - desaturated
    text = last_answer(demo, "how many hypopneas had no arousal and no desaturation?")
    assert "without an arousal" in text and "and without an oxygen desaturation" in text
