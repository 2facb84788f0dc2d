"""Terms that are not events, defined and then shown in the loaded night: a stage with its
minutes and longest period, a sensor with the file's channels for it."""

from __future__ import annotations

import numpy as np

from app.chat.glossary import TERMS, find_term
from app.chat.periods import stage_periods
from app.session import Session
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


def test_a_stage_is_defined_with_its_minutes_and_longest_period(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("what is N2 sleep?", engine)
    stages = night.stages()[0]
    minutes = float(np.sum(stages == STAGES.index("N2"))) * EPOCH_SEC / 60
    assert answer.text.startswith("**N2 sleep.**") and f"**{minutes:.1f} min** of N2" in answer.text
    a, b = max(stage_periods(stages, [2], np.ones(len(stages), dtype=bool)), key=lambda p: p[1] - p[0])
    assert [(h.start, h.end) for h in answer.highlights] == [
        (night.epochs.starts[a], night.epochs.starts[b] + EPOCH_SEC)]


def test_a_sensor_is_defined_with_the_files_channels(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what does the EOG record?", engine).text
    labels = [night.epochs.mapping[s] for s in ("EOG_L", "EOG_R")]
    assert text.startswith("**EOG") and all(f"**{label}**" in text for label in labels), text


def test_only_definitional_questions_are_glossary_questions() -> None:
    assert find_term("what is N2 sleep?").key == "n2"
    assert find_term("what is the N2 percentage?") is None
    assert find_term("how much N2 was there?") is None
    assert find_term("what is the EEG in REM?") is None
    assert len({t.key for t in TERMS}) == len(TERMS)


def test_why_the_chin_goes_quiet_in_rem_is_rem_atonia(demo) -> None:
    """It listed the night's REM periods."""
    night, engine = demo
    for question in ("why does the chin go quiet in REM?", "why is the body paralysed during REM "
                     "sleep?", "what is REM atonia?"):
        text = Session(night).ask(question, engine).text
        assert text.startswith("**REM atonia.**"), (question, text)
        assert f"**{night.epochs.mapping['EMG_CHIN']}**" in text, text
    # the heart in REM is another term's, not atonia's
    assert find_term("why does the heart rate rise in REM?").key == "heart_sleep"


def test_the_plots_and_the_spectrogram_are_explained(demo) -> None:
    """"how do I read the spectrogram?" and "explain the hypnogram to me" showed the views
    with the night's numbers; "what are those green lines?" was off topic."""
    night, engine = demo
    for question, title in (("how do I read the spectrogram?", "**Spectrogram.**"),
                            ("explain the hypnogram to me", "**Hypnogram.**"),
                            ("what are those green lines?", "**The night overview.**"),
                            ("what do the colours mean?", "**The night overview.**")):
        text = Session(night).ask(question, engine).text
        assert text.startswith(title), (question, text)
    assert find_term("show the spectrogram") is None


def test_the_sleep_stages_are_defined_with_each_stage_s_minutes_in_this_night(demo) -> None:
    """"what are the sleep stages?" explained spindles."""
    night, engine = demo
    stages = night.stages()[0]
    for text in ("what are the sleep stages?", "teach me about sleep stages using this night"):
        answer = Session(night).ask(text, engine)
        assert answer.text.startswith("**Sleep stages.**"), answer.text
        for code, stage in enumerate(STAGES):
            minutes = float(np.sum(stages == code)) * EPOCH_SEC / 60
            assert f"{stage} **{minutes:.0f} min**" in answer.text
        assert len(answer.highlights) == len(STAGES)
