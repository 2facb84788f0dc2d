"""Render: results -> the chat's text, the regions to highlight and the plot actions.

Every time is written as wall-clock ``HH:MM:SS`` (elapsed time when the file has no
clock) and every number comes from the result; where stages or events come from is
said plainly ("human-scored", "machine-scored (YASA, ...)").
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from dataclasses import dataclass, field, replace
from functools import singledispatch

import numpy as np
from scipy.stats import spearmanr, ttest_ind_from_stats

from app.chat import norms
from app.chat.aspects import NOT_CAUSE, Aspect
from app.chat.breakdown import sleep_halves, sums_others
from app.chat.direction import direction_lead, pooled
from app.chat.dispersion import MIN_EVENTS
from app.chat.events import NO_CAUSE, cannot_show
from app.chat.execute import AFTER_EVENT_SEC, FOCUS_WINDOW_SEC, ODI_DEPTHS, PERSISTENT_EPOCHS, THIS_NIGHT_KIND, stage_at
from app.chat.measures import column_name
from app.chat.query import EITHER_TYPE, SPAN_OXYGEN, Query
from app.chat.phenomena import article, in_text, phenomenon, plural, unmeasured_note, word_list
from app.chat.correlation import MIN_EPOCHS
from app.chat.peaks import PeakConfig, band_of
from app.chat.periods import REM_MERGE_SEC, SLEEP_CODES, stage_name
from app.chat.plan import (beyond_one_night, clock, split_night, length_text, reading_span, seconds, sleep_onset,
                           has_eeg, source_name, span_phrase, stages_guessed)
from app.chat.eeg_leads import BAND_STAGE
from sleeplm_core.scoring.microevents import SpindleConfig
from sleeplm_core.scoring.channels import is_central_eeg
from app.chat.recording import (HSAT_MIN_HOURS, MACHINE_STAGING_CHECKED, MODEL_STAGING_CHECKED, UNSURE_BELOW,
                               confidence_by_stage)
from app.chat.model_facts import SHIPPED_CHECKS
from app.chat.evidence import SLOW_WAVE_SHARE
from app.chat.stage_shortfall import NEAR_MISS_PCT
from app.chat.index_track import MIN_HOURS as MIN_TRACK_HOURS, MIN_SLEEP_MIN as MIN_TRACK_SLEEP_MIN
from app.chat.threshold_split import leading
from app.chat.significance import rate_interval, rate_ratio_interval, rate_test
from app.chat.results import (LIBRARY_SOURCE, MOMENT_SEC, StudyAdequacy, RuleMargins, SignOff, BestLead, LeadComparison, PositionNadir, ScoringMethod, StageShortfall, AhiRobustness, ChannelNeeds, ModelFacts, Restaged, StagingChannel, IndexTrack, AwakeningCauses, WhyFactor, WindowWhy, ChannelNoiseRow, NoiseReport, EpochPair, StageStability, BandRatio, Breakdown, HypopneaRules,
                              EventFree, EventRank, AgreementRow, AgreementTrack, StagerAmounts, StagerRace,
                              SpO2Recoveries, BurdenResult, EventKinds, BreakdownRow, BusiestEpochs, CheyneStokes,
                              Classification, Comparison, Context, Correlation, CycleList,
                              Definition, Description, Episode, EventList, EventSignal, Fragmentation,
                              EventInventory, EventSignals, Explanation, Findings, HeartRhythm, Item,
                              LibraryContents, Likeness, Message, Strongest, Navigation, NormCheck, PeakFrequencies, PeakRow,
                              QuizQuestion,
                              PairTest, PeriodTest, PlmSeries, Trend, PositionChanges,
                              PositionPeriods, RecordingFacts, RemTone, Retrieval, ScopedSleep,
                              SignalRuns, SignalStats, SOCoupling, ChannelEvents, SpanArchitecture, SpanColumn, EventPositions, EventGaps, SpO2Recovery, StageAgreement,
                              StageAmount, StageBreathing, StageRatio,
                              StageEvidence, StagePeriods, StageTransitions, Summary,
                              SystemOverview, View)
from app.night import SURE_NREM_REM_ODDS, LoadedNight
from app.plots import Highlight
from sleeplm_core.captions.stage_event import EVENT_NAMES
from sleeplm_core.features.brain import EEG_BAND_NAMES, EOG_SLOW_BAND, EOG_TOTAL
from sleeplm_core.scoring.margins import RuleMargin
from sleeplm_core.scoring.noise import NoiseConfig
from sleeplm_core.heads.cycles import CycleConfig
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.heads.localize import DEFAULT_THRESHOLDS, EPOCH_DEFAULTS, LocalizeConfig
from sleeplm_core.index.search import Hit
from sleeplm_core.io.patient import Patient
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.association import AssociationConfig, tied_after_sec
from sleeplm_core.scoring.intervals import runs
from sleeplm_core.scoring.desaturation import DesaturationConfig
from sleeplm_core.scoring.rhythm import RhythmConfig
from sleeplm_core.scoring.respiratory import RespiratoryConfig
from sleeplm_core.scoring.rem_atonia import RemAtonia

CAPABILITIES = (
    "I answer questions about the loaded night, with times and measured numbers:\n"
    "- **stage timing**: *when did they fall asleep?*, *when does REM first start?*, "
    "*REM latency?*, *how long did it take to reach N3?*, *final awakening?*, *how many sleep "
    "cycles?*, *how many times did they go from REM to wake?*, *the stage transition matrix*\n"
    "- **stage amounts**: *how long in REM?*, *what fraction of the night was N3?*\n"
    "- **find events**: *where are the longest apneas?*, *spindles in N2 between 1 and 2 am*, "
    "*how many hypopneas?*, *the first event of the night*, *spindle density in N2*, *REM "
    "density*, *arousal index*, *the deepest desaturation*, *any Cheyne-Stokes breathing?*, "
    "*how many hypopneas had a desaturation?*\n"
    "- **split an index**: *supine AHI?*, *AHI in REM vs NREM*, *AHI in REM*, *which hour had "
    "the most apneas?*, *are events clustered in REM?*, *what percentage of apneas were "
    "central?*, *RDI*, *did the breathing get worse toward morning?*, *a table of stages by "
    "hour*\n"
    "- **signal thresholds**: *any desaturations below 90% after 3am?*, *find tachycardia*, "
    "*breathing rate above 20*\n"
    "- **measure**: *between 2 and 3 am, how stable was the heart rate?*, *was the heart rhythm "
    "regular?*, *was there REM without atonia?*, *what was the HRV in REM?*, *which epoch has the "
    "highest delta power?*, *when was the patient on their back?*, *did the patient "
    "snore?*, *was the snoring louder on the back?*, *what is the correlation between heart rate "
    "and delta power?*, *how big were the slow waves?*, *how many times did the patient change "
    "position?*, *what's the alpha peak frequency?*, *the aperiodic slope per stage*\n"
    "- **explain**: *what is a K-complex? show me one*, *what is N2 sleep?*, *what does the EOG "
    "record?*, *how do I tell N1 from REM?*, *quiz me* (an epoch to stage, your reply marked)\n"
    "- **show and move**: *show the hypnogram*, *zoom to 3 am*, *show 3:15 to 3:45*, *next one*, "
    "*go back*\n"
    "- **the recording**: *which channels are in this file?*, *how old is the patient?*, "
    "*how confident is the staging?*, *how reliable is the AHI?*, *any bad signals?*, *what model is this?*\n"
    "- **classify**: *what stage is epoch 120?*, *classify this epoch as wake, drowsy or asleep*\n"
    "- **compare**: *compare EEG in N1 and N3*, *heart rate in REM vs N3*, *how does the first "
    "sleep cycle compare to the last?*, *were spindles faster in the second half?*\n"
    "- **a body system over the night**: *how was the breathing overall?*, *summarize the "
    "heart*, *how severe is the apnea?* (the AHI's AASM band, never a diagnosis)\n"
    "- **what stands out?** the findings against stated limits; **is this normal?** against "
    "published age norms; **summarize the night**; **similar epochs** in the library\n"
    "Follow-ups: *and in REM?*, *only the ones after 4 am*, *how many were there?*, "
    "*how many of them were in REM?*, *show me one*, *what does that mean?*, "
    "*zoom into the second one*, *what happened just before it?*, *and breathing?*, "
    "*compare with the first half*, *by position?*, *and 30 minutes later?*, *by how much?*, "
    "*how sure are you about that?*."
)
_MAX_LINES = 10


@dataclass
class Answer:
    """What the chat shows and how the plots change.

    Attributes:
        text: markdown reply.
        highlights: regions to draw on the overview and the epoch viewer (None keeps the
            ones drawn).
        jump: epoch to show in the viewer, None to stay.
        track: per-epoch calibrated score of the query, for the overview's match track.
        track_label: the query the track belongs to.
        hits: library results, for the retrieval browser.
        window: viewer width to set in seconds, None to keep it.
        items: the result list follow-ups refer to ("the second one"), None when the
            answer has none.
    """

    text: str
    highlights: list[Highlight] = field(default_factory=list)
    jump: int | None = None
    track: np.ndarray | None = None
    track_label: str = ""
    hits: list[Hit] = field(default_factory=list)
    window: float | None = None
    items: list[Item] | None = None


def _span(night: LoadedNight, item: Item) -> str:
    start, end = clock(night, item.start), clock(night, item.end)
    # A K-complex of 0.8 s starts and ends in the same clock second, and a reading of a signal is
    # one moment: one time, not a range.
    return f"**{start}**" if start == end or item.end - item.start <= MOMENT_SEC else f"**{start}–{end}**"


def _where(text: str) -> str:
    return f" {text}" if text else ""


def _highlight(item: Item) -> Highlight:
    label = f"scored {item.label}" if item.score is None and item.source != "measured" else item.label
    return Highlight(item.start, item.end, label, item.score)


def _answer(night: LoadedNight, text: str, items: list[Item], shown: list[Item] | None = None,
            **kw) -> Answer:
    """An answer that highlights ``shown`` (default: ``items``) and jumps to the first."""
    shown = items if shown is None else shown
    jump = night.epoch_at(shown[0].start) if shown else None
    return Answer(text, [_highlight(i) for i in shown], kw.pop("jump", jump), items=items, **kw)


@singledispatch
def render(result: object, night: LoadedNight) -> Answer:
    raise TypeError(f"no renderer for {type(result).__name__}")


_MESSAGES = {
    "help": CAPABILITIES,
    # one line and a few questions; the whole list is a "help" away, not repeated at every miss
    "off_topic": ("That question is not about this recording, so there is nothing in the night "
                  "I could measure for it. Ask, for example, *what stands out in this night?*, "
                  "*where are the apneas?* or *how much REM?*; type *help* for everything I answer."),
    "unknown": ("I did not understand that question about the night. Could you rephrase it? "
                "For example:\n\n" + CAPABILITIES),
    "no_reference": ("There is nothing earlier in this conversation to refer to yet. Ask a full "
                     "question first, e.g. *where are the apneas?*, then *zoom into the second "
                     "one*."),
    "no_target": "What should I look for? Name a phenomenon or describe it in words.",
    "empty": "Please type a question about the night.",
    "thanks": "You're welcome. Ask about the night again whenever you like.",
    "no_quiz": ("A staging quiz needs stages that a scorer gave, a person's or the machine "
                "scoring's; this night's stages are only the model's guess, which I do not mark "
                "a reply against. Load a night with a hypnogram, or with EEG for the machine "
                "scoring, or the bundled night."),
    "compare": ("Compare what, and where? Name a measure or an event and two parts of the night, "
                "e.g. *compare EEG in N1 and N3*, *heart rate in REM vs NREM*, *spindles in the "
                "first and second half*, *AHI supine vs lateral*."),
    "export": ("The *Exports* tab downloads the night: the events (CSV), the hypnogram (CSV), "
               "the scoring as EDF+ annotations, the study report (Markdown; *write a report* "
               "shows it here), and PNGs of the overview and of the epoch viewer. The chat itself "
               "writes no files."),
    "too_long": "That question is too long (over 2,000 characters); ask it in a sentence or two.",
    "no_sleep": "This night has no sleep epoch, so there is no change of sleep stage to count.",
    "no_sleep_span": ("The part of the night asked about lies outside the main sleep episode, so there "
                      "is no stretch of sleep there to look in."),
    "window_why_unstaged": (
        "Why a stretch stands out is read from its sleep stages and body positions against the "
        "rest of the night's; this night has no EEG to stage it and no body position channel, so "
        "there is nothing measured to set the stretch apart by."),
    "no_condition": ("Give the threshold in numbers, e.g. *SpO2 below 90%*, *heart rate above "
                     "100*, *breathing rate above 20*."),
}



_NO_REFERENCE = {
    "no_meaning": (
        "The last answer named no event or statistic that I have an explanation for; ask e.g."
        " *what is a K-complex?* or *what is the AHI?*"),
    "no_other": (
        "Different from what? I set two kinds of event side by side when both are named, e.g."
        " *how is a hypopnea different from an apnea?*, or after each was explained in turn."),
    "no_why": (
        "I can show the evidence for an epoch's stage: ask *why is this epoch N2?*, or *what "
        "stage is this?* and then *why?*; for an event or a statistic, ask *what does that "
        "mean?*"),
    "no_share": (
        "A share needs a count of events in part of the night just before it; ask e.g. *how "
        "many apneas were in REM?* and then *what percentage is that?*, or in one question "
        "*what percentage of the apneas were in REM?*"),
    "no_norm": (
        "I hold no published norm for the overnight course of body temperature or for snoring "
        "loudness, so I will not call this night's figures normal or not; the figures above are "
        "the night's own. Ask *is this normal?* for the sleep and breathing measures that have "
        "norms."),
    "no_phenomenon": (
        "The last answer named no event to find an example of; ask e.g. *what is a K-complex?"
        " show me one*."),
    "no_lead_kind": (
        "I compare the EEG leads for spindles, K-complexes and slow waves; ask e.g. *show me a K-complex* "
        "and then *which channel shows it best?*"),
    "no_method": (
        "Found how? Name the events, e.g. *which detector found the spindles?* or *how were the apneas "
        "scored here?*"),
    "no_needs": (
        "Needed for what? Name the events, e.g. *what do you need to score apneas?* or *what "
        "channels do you need to score leg movements?*"),
    "no_trend": (
        "There is no measure just before to read a trend in; ask e.g. *how does the heart "
        "rate change through the night?*, or in one question *is there a trend in the SpO2 "
        "over the night?*"),
    "no_types": (
        "The last answer listed no events of more than one type to count by type; ask e.g. "
        "*list the apneas* and then *what types were they?*, or in one question *how many of "
        "each type of apnea?*"),
    "no_comparison": (
        "A test of significance needs a comparison just before it; ask e.g. *compare heart "
        "rate in N3 and REM* and then *is that difference significant?*, or in one question "
        "*is the heart rate significantly different between N3 and REM?*"),
    "no_sides": (
        "There are no two sides just before to weigh; ask e.g. *heart rate in REM vs N3* and "
        "then *which is higher?*, or in one question *was the heart rate higher in REM or "
        "N3?*"),
    "no_search": (
        "There is no library search just before to judge; ask e.g. *find epochs like this one"
        " in the library* and then *how similar are they?*"),
    "no_time": (
        "The last question named no time of the night to move from; ask e.g. *what happened "
        "at 2 am?* and then *and 30 minutes later?*"),
    "first_period": (
        "That is the night's first period of its stage, so none comes before it; ask *compare"
        " it with the next one* instead."),
    "ends_asleep": (
        "The recording ends asleep, so there is no final awakening to look around; ask e.g. *what "
        "happened in the last 10 minutes?*"),
    "empty_list": (
        "The last answer listed nothing to pick from, so there is no such one; ask a question"
        " that finds something first."),
    "listed_all": (
        "The last answer's stretches are all marked on the plots (blue), the longest listed first; "
        "step through them with *the first one*, *next one* or *the longest one*."),
}
"""What a follow-up with nothing before it to refer to is told, by what it lacked (``Message`` detail)."""


@render.register
def _(r: Message, night: LoadedNight) -> Answer:
    if r.kind == "medical":
        facts = "\n".join(f"- {k}: **{v}**" for k, v in r.facts.items())
        return Answer((f"{r.note}\n\n" if r.note else "")
                      + "I can't diagnose or advise on treatment or medication: that is for a "
                      "clinician who knows the person and their history, not for one night's "
                      "numbers."
                      + (f" What this recording measured (events: {source_name(r.detail)}):\n"
                         + facts if facts else "")
                      + "\n\nAsk *summarize the night* or *is this normal?* for more.")
    if r.kind == "quiz_score":
        f = r.facts
        if f["answered"] == "0":
            return Answer(f"You have been asked {f['asked']} quiz question{'s' * (f['asked'] != '1')} and "
                          f"answered none yet: reply with a stage (*W*, *N1*, *N2*, *N3* or *REM*).")
        missed = f" Missed: {f['missed']}." if f["missed"] else ""
        return Answer(f"**{f['right']} of {f['answered']}** quiz replies right so far.{missed} Ask "
                      f"*quiz me* for another epoch.")
    if r.kind == "severity":
        facts = "\n".join(f"- {k}: **{v}**" for k, v in r.facts.items())
        s = night.summary()
        # the REI's events fall anywhere in the recording; the summary's count is the AHI's, in sleep
        wake = norms.rei_wake_caveat(round(s.rei * s.tib_min / 60), s.tib_min / 60, night) if "REI" in r.facts else ""
        return Answer(f"Graded by the index alone (events: {source_name(r.detail)}):\n{facts}\n\n"
                      + (f"{wake}\n\n" if wake else "") + "One night's index, not a diagnosis.")
    if r.kind == "no_reference" and r.detail in _NO_REFERENCE:
        return Answer(_NO_REFERENCE[r.detail])
    if r.kind == "no_example":
        return Answer(f"This night's stages are only the model's guess (no scoring, and no EEG for "
                      f"the machine to stage), so no epoch of it can show a class what {r.detail} looks "
                      f"like. Load a night with a hypnogram or with EEG, or the bundled night; *what "
                      f"is {r.detail} sleep?* explains the stage.")
    if r.kind == "no_library":
        return Answer("No retrieval library is loaded, so there is nothing to list; build one with "
                      "*sleeplm index build* (see the README).")
    if r.kind == "unmeasured" and (note := unmeasured_note(r.detail)):
        return Answer(f"**{note[0]}.** {note[1]}\n\nNo detector in this app reads it from the "
                      f"signals, so I cannot point to it in this night or count it; I would "
                      f"only be guessing.")
    if r.kind == "unmeasured":
        return Answer(f"I cannot measure {r.detail} in this app: no detector or feature reads it "
                      f"from the signals, so I would only be guessing. " + _MESSAGES["help"].split(
                          "\n")[0])
    if r.kind == "empty_scope":
        return Answer(f"No epoch is {r.detail or 'in that scope'}, so there is nothing to look at.")
    if r.kind == "no_period":
        return Answer(f"No {r.detail} period begins {r.facts['way']} the epoch on screen "
                      f"({r.facts['at']}) in the {r.facts['source']} hypnogram; ask *when were the "
                      f"{r.detail} periods?* for all of them.")
    if r.kind == "same_groups":
        return Answer(f"Both sides of that comparison are {r.detail}, so there is no difference "
                      f"to show; name the other part, e.g. *compare it with REM* or *compare it "
                      f"with the second half*.")
    if r.kind == "not_scored":
        name = r.detail if r.detail.isupper() else r.detail.capitalize()
        return Answer(f"**{name} events were not scored on this night**, so I "
                      f"cannot {r.facts.get('cannot', 'split them')}: {r.facts['why']}.")
    if r.kind == "library_caption":
        return Answer(f"The library's caption of epoch {r.facts['epoch']} of **{r.facts['recording']}** (stage "
                      f"{r.facts['stage']}; written from that recording's own scoring and signals): "
                      f"{r.facts['caption']}")
    if r.kind == "library_hit":
        return Answer(f"{r.detail}{'e' if r.detail else 'E'}poch {r.facts['epoch']} of **{r.facts['recording']}** (stage "
                      f"{r.facts['stage']}), another recording in the library, so this night's "
                      f"viewer cannot show it. The same search in the *Library* tab plots each "
                      f"match's signal; or load that recording to explore it.")
    if r.kind == "no_valid_spo2":
        return Answer(f"The SpO2 channel has no valid reading (50-100 %) in the "
                      f"{DesaturationConfig().baseline_sec:.0f} s before the {r.detail} or during "
                      f"it, so its fall and recovery cannot be read there.")
    if r.kind == "guessed_stages":
        return Answer(f"This recording has no EEG, so its sleep cannot be staged by the AASM "
                      f"rules, and I do not count {r.detail} in the model's guess of its stages: "
                      f"they would count the guess's flicker, not the sleeper's. Ask about the "
                      f"breathing, the oxygen or the heart instead.")
    if r.kind == "no_lead":
        return Answer(f"This file has no usable EEG lead {r.detail} to stage on; its EEG: {r.facts['leads']}. Ask e.g. "
                      f"*stage it using {r.facts['leads'].split(', ')[-1]}*.")
    if r.kind == "no_signal" and r.detail == "heart rate variability":
        # a pulse or oximeter rate is averaged over beats: variability needs each beat's time
        return Answer("This recording has no ECG, so no heart rate variability: HRV (RMSSD here) needs "
                      "the time of each beat, which a pulse or oximeter rate averages away. Ask *what was "
                      "the heart rate?* for the rate it has.")
    if r.kind == "no_signal":
        return Answer(f"This recording has no {r.detail} channel or measurement, so I cannot "
                      f"answer that from it.")
    if r.kind == "too_slow":
        return Answer(f"I cannot measure the {r.detail} on this recording: {r.facts['channels']}, too "
                      f"slow to follow single breaths or beats (a channel sampled this slowly carries an "
                      f"envelope, not the waveform). *Which sensors are missing?* lists what the file lacks.")
    if r.kind == "unread_position":
        return Answer(f"I cannot read body position on this recording: its {r.detail}. The app "
                      f"reads integer codes (0 right, 1 left, 2 supine, 3 prone, 4 upright, as "
                      f"SHHS and Compumedics write them); re-export the channel in those codes (from "
                      f"Python, `position_codes` in `sleeplm_core.io.montage.map_montage` maps "
                      f"other levels).")
    if r.kind == "uncalibrated":
        return Answer(f"I cannot answer that from this recording. {r.detail}. Check the file's "
                      f"calibration of that channel (its physical minimum and maximum).")
    if r.kind == "no_atonia":
        return Answer(f"I cannot read chin tone in REM on this night: {r.detail}. The rule needs "
                      f"a chin EMG and scored (or machine-scored) REM and NREM sleep.")
    if r.kind == "no_rhythm":
        return Answer(f"I cannot read the heart rhythm on this night: {r.detail}. The rhythm needs "
                      f"an ECG with detectable beats (a pulse-rate channel has no beat timing).")
    if r.kind == "no_slow_waves":
        return Answer(f"YASA's detector finds no slow wave (75 µV or more peak to peak) in "
                      f"{r.detail} of this night, so there is no slow-wave phase to read the "
                      f"spindle band against.")
    if r.kind == "no_spontaneous":
        return Answer(f"**Cannot tell** which of the {r.facts['n']} arousals were spontaneous: an arousal is "
                      f"spontaneous when no breathing event or leg movement is tied to it, and on this "
                      f"night not every cause could be looked for ({r.detail}). *What caused the "
                      f"arousals?* gives the causes that could be.")
    if r.kind == "no_agreement":
        return Answer(f"There are no two stagings of this night to compare: {r.detail}.")
    if r.kind == "no_measure":
        return Answer(f"I can compare or measure heart rate, HRV, SpO2, breathing rate, snoring "
                      f"loudness, EEG band "
                      f"powers ({', '.join(EEG_BAND_NAMES)}), EOG and chin EMG; none matches "
                      f"“{r.detail}”.")
    return Answer(_MESSAGES[r.kind])


ABOUT_HALF = 0.05
"""A part of the events within this share of one half reads "about half", not "mostly"."""
MACHINE_K_COMPLEX_F1 = 0.38
"""By-event F1 (IoU >= 0.3) of the machine's K-complexes against the true ones of four 3-h
synthetic nights (seeds 9201-9204, stop 42); no real night here has K-complexes scored."""


def _wake_the_model_reads_asleep(r: StagePeriods, night: LoadedNight) -> str:
    """On a machine staging, how many of its wake runs the model's zero-shot stages read mostly
    as sleep (seed 11728: a 5.5-min "awakening" at 02:52 was REM in the truth and the model);
    "" otherwise."""
    if (check := night.model_check()) is None or not r.periods:
        return ""
    asleep = np.asarray(check.stages()[0]) >= STAGES.index("N1")
    read = sum(asleep[night.epoch_at(p.start):night.epoch_at(p.end - 1.0) + 1].mean() > 0.5 for p in r.periods)
    if not read:
        return ""
    return (f" The model's zero-shot staging reads **{read}** of these {len(r.periods)} as mostly sleep: "
            f"{'that one is' if read == 1 else 'those are'} not settled.")


RATED_SLEEP_MIN = 10.0
"""Minutes asleep a group needs before its rate can be the highest of a split."""
RATED_HOUR_SLEEP_MIN = 30.0
"""The same for a clock hour, which is whole everywhere but at the recording's two ends."""


def _lone_wake_epochs(source: str, periods: list[Item]) -> str:
    """On a machine staging, how many awakenings are a single 30-s epoch of wake, which YASA
    mostly calls inside REM (measured on two synthetic nights, seeds 10920 and 11324: 32 of
    43 such epochs were REM by their true scoring, 8 N1 and 2 wake), and the count without them."""
    if not source.startswith("machine"):
        return ""
    lone = sum(p.duration <= EPOCH_SEC for p in periods)
    if not lone:
        return ""
    return (f" **{lone}** of them are a single 30-s epoch: the machine staging calls many brief REM or N1 "
            f"stretches wake (on two synthetic nights, 2 of 43 such epochs were truly wake), so "
            f"counting wake runs of a minute or more, **{len(periods) - lone}** awakenings.")


_BREATHING_LABELS = ("obstructive apnea", "central apnea", "mixed apnea", "hypopnea")


def _breathing_first(kinds: Counter, where: str) -> str:
    """"how many events in the first 2 hours?": the apneas and hypopneas an index counts first,
    then the other kinds, "" where no kind is a breathing event or every kind is (probe O: "152
    scored events" led, 46 desaturations and 45 arousals among them, where the hour's table had
    counted 61 breathing events)."""
    breathing = sum(kinds.get(k, 0) for k in _BREATHING_LABELS)
    others = [(k, n) for k, n in kinds.most_common() if k not in _BREATHING_LABELS]
    if not breathing or not others:
        return ""
    rest = ", ".join(f"{n} {k}{'s' * (n != 1)}" for k, n in others)
    return (f"**{breathing}** apneas and hypopneas{where}, the events a breathing index counts; with the other "
            f"scored kinds ({rest}), **{breathing + sum(n for _, n in others)}** events in all.")


@render.register
def _(r: EventList, night: LoadedNight) -> Answer:
    where = _where(r.where)
    parts = []
    if r.scored:
        durations = np.array([i.duration for i in r.scored])
        shown = r.scored[:r.shown]
        head = (f"The {source_name(r.events_source)} events have **{len(r.scored)}** "
                f"{_events(r.name, len(r.scored))}{_depth(r)}{where} (mean "
                f"{seconds(durations.mean())}, total "
                f"{durations.sum() / 60:.1f} min)")
        ranked = f"the {len(shown)} {r.order}"
        if len(shown) == 1 and (m := re.fullmatch(r"(.+), (number \d+ in that order)", r.order)):
            # "the second longest apnea": the ranking, then this one's place in it
            ranked = f"{m[1]} first, this one {m[2]}"
        if r.how_many:
            head += f"; {ranked} (blue):" if shown else "."
        else:
            head += f"; {ranked} (blue on the plots):"
        if r.order == "earliest" and shown and (onset := sleep_onset(night)) is not None:
            after = (shown[0].start - onset) / 60
            head = head[:-1] + (f"; it starts **{after:.1f} min after sleep onset** "
                                f"({clock(night, onset)}):" if after >= 0 else
                                f"; it starts before sleep onset ({clock(night, onset)}):")
        by_stage = ", ".join(f"{s} {n}" for s, n in sorted(
            Counter(i.stage for i in r.scored).items(), key=lambda kv: -kv[1]))
        parts.append(head + "\n" + "\n".join(
            f"- {_span(night, i)} ({seconds(i.duration)}, {i.label}"
            + (f", drop {i.value:.1f} % from baseline" if i.unit == "%" and i.value is not None
               else "") + (f", {i.value:.1f} Hz" if i.unit == "Hz" else "")
            + (f", {i.value:.0f} µV peak to peak" if i.unit == "µV" else "")
            + f", stage {i.stage})" for i in shown) + f"\n\nBy stage{_guessed(night)}: {by_stage}.")
        if woke := sum(i.stage == "W" for i in r.scored if "spindles_detect" in (i.source or "")):
            # a spindle in true wake is a false detection: on synthetic night 11324 (stop 75) none
            # of the 170 in YASA's W epochs overlapped a true spindle (111 were in true wake)
            parts[-1] += (f" The {woke} in epochs staged W are the least sure: the detector searches all but "
                          f"sustained wake (a wake run of {SpindleConfig().wake_epochs // 2} min or more), "
                          f"since restricting it to machine-scored N1-N3 lost true spindles on DREAMS, but "
                          f"on a synthetic night none of 170 such was a true spindle. Spindle densities "
                          f"count those in sleep alone.")
        if not r.per:   # a rate says it with the rate, first
            parts[-1] += _spindle_lead(r)
        if r.tied == "arousal" and r.events_source not in ("scored", "none"):
            parts[-1] += _MACHINE_AROUSAL_TIE
        if any("sw_detect in N2" in (i.source or "") for i in r.scored):
            parts[-1] += (" These machine K-complexes are the slow waves YASA's sw_detect finds in "
                          "machine-scored N2, as YASA's author suggests; no validated K-complex "
                          f"detector is used (against synthetic nights' true ones: by-event F1 "
                          f"{MACHINE_K_COMPLEX_F1:.2f}).")
        kinds = Counter(i.label for i in r.scored)
        if r.how_many and r.name.lower() == "scored event" and (lead := _breathing_first(kinds, where)):
            parts.insert(0, lead)
        if len(kinds) > 1 and Aspect.BY_TYPE in r.asks and Aspect.COMMONEST not in r.asks:
            # "what types were they?", "how many of each type?": the types first
            parts.insert(0, f"By type{where}: " + ", ".join(f"**{n}** {k}{'s' * (n != 1)}" for k, n in kinds.most_common())
                         + f" ({len(r.scored)} in all).")
        elif len(kinds) > 1:
            parts[-1] += " By type: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) + "."
            if Aspect.COMMONEST in r.asks:
                # "what kind of breathing events dominate?": the commonest kind first
                (top, n), total = kinds.most_common(1)[0], len(r.scored)
                parts.insert(0, f"**{_events(top, n).capitalize()}** are the commonest: **{n}** "
                                f"of the {total} ({100 * n / total:.0f} %){where}.")
        verdict = ""
        if Aspect.MOSTLY in r.asks and (r.share_of or r.share):
            # "are the apneas mostly central?": yes when the part is more than half
            part = kinds.get(r.share, 0) if r.share and r.share not in ("tie", "scope") and not r.share_of \
                else len(r.scored)
            whole = r.share_of or len(r.scored)
            share = part / whole if whole else 0.0
            # a part within five points of half is neither "mostly" nor not
            verdict = ("**About half**: " if abs(share - 0.5) <= ABOUT_HALF else "**Yes**: "
                       if share > 0.5 else "**No**: ")
        if r.share_of and r.share == "tie":
            # "what percentage of hypopneas had a desaturation?": of those in scope
            parts.insert(0, f"**{len(r.scored)}** of the {r.share_of} {_events(r.name)} "
                            f"(**{100 * len(r.scored) / r.share_of:.0f} %**) are those{where} "
                            f"({source_name(r.events_source)}).")
        elif r.share_of:
            parts.insert(0, f"**{len(r.scored)}** of the night's {r.share_of} {_events(r.name)} "
                            f"(**{100 * len(r.scored) / r.share_of:.0f} %**) are{where} "
                            f"({source_name(r.events_source)}).")
        elif r.share:
            n = kinds.get(r.share, 0)
            untyped = kinds.get("hypopnea", 0) if r.share.endswith("apnea") else 0
            parts.insert(0, f"**{n}** of the {len(r.scored)} {_events(r.name)}{where} "
                            f"(**{100 * n / len(r.scored):.0f} %**) are {r.share}s "
                            f"({source_name(r.events_source)})."
                            + (f" The {untyped} hypopneas among them are not typed obstructive "
                               f"or central here, so they count as neither." if untyped else ""))
        if verdict:
            parts[0] = verdict + parts[0]
        if r.shown == 1 and not r.how_many and (lead := _one_ranked(night, r, where)):
            parts.insert(0, lead)
        if Aspect.DURATION in r.asks:
            # "what is the median apnea duration?": the lengths first
            parts.insert(0, f"{_events(r.name).capitalize()}{where}, length: mean "
                            f"**{seconds(durations.mean())}**, median "
                            f"**{seconds(float(np.median(durations)))}** (SD "
                            f"{seconds(float(durations.std()))}, {seconds(durations.min())}-"
                            f"{seconds(durations.max())}) over {len(r.scored)}.")
        if r.measured_on and (measured := _frequency(r) or _amplitude(r) or _depths(r)):
            # "how big were the slow waves?", "how fast were the spindles?": that first
            first = Aspect.PROPERTY in r.asks and Aspect.DURATION not in r.asks
            parts.insert(0 if first else len(parts), measured)
    elif r.unscored:
        # "in N1": a detector that reads some stages only skipped the scope asked about
        parts.append(f"**{r.name.capitalize()} events were not scored{where} on this night**, so I "
                     f"cannot list or count them: the machine scoring skipped them ({r.unscored}).")
    elif r.events_source != "none" and not r.blind:
        parts.append(f"The {source_name(r.events_source)} events have **0** "
                     f"{_events(r.name)}{_depth(r)}{where}.")
    if r.scored and r.min_depth is not None and r.tst_h and r.recorded:
        # a home test without EEG: every desaturation per hour recorded, as its REI
        parts.append(f"That is **{len(r.scored) / r.tst_h:.1f} per hour** recorded (ODI {r.min_depth:g} %, "
                     f"every one of them over the {r.tst_h:.1f} h recorded: without EEG sleep is only guessed).")
    elif r.scored and r.min_depth is not None and r.tst_h:
        # The ODI counts the desaturations that start in sleep, as the summary's does.
        asleep = _in_sleep(r)
        parts.append(f"That is **{asleep / r.tst_h:.1f} per hour** of total sleep (ODI "
                     f"{r.min_depth:g} %, from the {asleep} that start in sleep).")
    if r.per and r.events_source != "none" and not r.unscored:
        parts.insert(0, _rate(r))   # "arousals per hour?", "OAHI": the rate asked for first
    if (norm := _DENSITY_NORMS.get(r.name)) and Aspect.NORM in r.asks:
        if r.name == "central apnea" and r.sleep_min > 0 and not r.recorded:
            # "is that high?" after the central apnea index: where it stands, then the rule
            index = _in_sleep(r) / (r.sleep_min / 60)
            side = "above" if index >= norms.CENTRAL_APNEA_INDEX else "below"
            norm = (f"This night's **{index:.1f}/h** is **{side}** the {norms.CENTRAL_APNEA_INDEX:g}/h. "
                    + norm)
        parts.insert(1 if r.per else 0, norm)   # after the density it qualifies
    if r.periodic is not None:
        # "PLM index", "any periodic limb movements?": the periodic ones first, the rate of
        # all leg movements (the LM index) after them
        parts.insert(0 if Aspect.PERIODIC in r.asks else len(parts), _periodic(r))
        if Aspect.NORM in r.asks or Aspect.SIGNIFICANCE in r.asks or Aspect.CLINICAL in r.asks:
            # "is the PLMS index clinically significant?", "a normal PLMS index?": its threshold,
            # and where this night's index stands against the one for the sleeper's age
            parts.insert(1 if Aspect.PERIODIC in r.asks else 0,
                         _plms_verdict(r, night) + _PLMS_NORM)
    if r.causes and (cause := r.counted_cause) is not None:
        # "how many arousals were spontaneous?": that cause's count and share first; "were not
        # respiratory?": every other cause's
        ruled_out = cause[len(NOT_CAUSE):] if cause.startswith(NOT_CAUSE) else None
        n = (sum(k for c, k in r.causes.items() if c != ruled_out) if ruled_out else r.causes.get(cause, 0))
        blind = _cause_unseen("spontaneous" if ruled_out else cause, r.cause_gaps)
        lead = (f"**Cannot tell**: {blind}, so none of the {len(r.scored)} arousals could be tied to that cause. "
                if blind else f"**{n}** of the {len(r.scored)} arousals (**"
                              f"{100 * n / max(len(r.scored), 1):.0f} %**) were **{cause}**{'' if ruled_out else ' arousals'}. ")
        parts.insert(0, lead + _causes(r))
    elif r.causes and Aspect.CAUSE in r.asks:
        # "what caused most of the arousals?": the causes first, the largest named
        top, n = max(r.causes.items(), key=lambda kv: kv[1])
        lead = (f"**No cause could be looked for**: none of the {len(r.scored)} arousals has one. "
                if set(r.causes) == {NO_CAUSE} else
                f"Most of the {len(r.scored)} arousals were **{top}** ({n}, "
                f"{100 * n / max(len(r.scored), 1):.0f} %). ")
        parts.insert(0, lead + _causes(r))
    elif r.causes:
        parts.append(_causes(r))
    if r.strongest is not None:
        parts.append(_strongest_text(night, r.strongest, r.where))
    if r.model or r.track is not None:
        parts.append(_model_text(night, r))
        if r.name.startswith("“") and r.model and not r.scored:
            # "is there paradoxical breathing?": words no scorer or detector here looks for, which
            # the model matched at p = 0.94 (probe O): its guesses, said to be no finding
            parts[-1] += (f"\n\nThese are the model's zero-shot matches for the words {r.name}, which no "
                          f"scoring or validated detector here looks for: places to look at, not findings. "
                          f"Read the signals there before naming it.")
    if r.blind:
        parts.append(f"⚠️ This recording has none of the {r.blind} channels, so {r.name} cannot "
                     f"be found in it; I show no model matches, which could only be noise.")
    elif r.cannot_show and r.scored:
        parts.append(f"⚠️ This recording cannot show {plural(r.name)}: {r.cannot_show}. The ones listed come "
                     f"from the {source_name(r.events_source)} events that came with it, scored on channels this "
                     f"file does not hold, so its traces will not show them; I show no model matches, which could "
                     f"only be noise.")
    elif r.cannot_show and r.events_source == "scored":
        parts.append(f"⚠️ This recording cannot show {plural(r.name)}: {r.cannot_show}. So the scoring's "
                     f"silence on them is no finding; I show no model matches, which could only be noise.")
    measured = r.strongest.items if r.strongest is not None else []
    shown = r.scored[:r.shown] + measured + r.model
    return _answer(night, "\n\n".join(parts), r.scored or measured or r.model, shown, track=r.track,
                   track_label=r.track_label)


def _model_stage_apart(night: LoadedNight, at: float, shown: str | None = None) -> str:
    """"; the model's zero-shot staging reads that epoch REM, so its stage is not settled" where a
    machine staging nobody checked and the model's stages differ at ``at`` (s); "" otherwise
    (seed 11829: YASA put the night's nadir and longest apnea in W, the truth and the model REM)."""
    if (check := night.model_check()) is None:
        return ""
    stages, i = night.stages()[0], night.epoch_at(at)
    model = int(check.stages()[0][i])
    said = shown or (STAGES[int(stages[i])] if 0 <= int(stages[i]) < len(STAGES) else "")
    if not 0 <= model < len(STAGES) or STAGES[model] == said:
        return ""
    return f"; the model's zero-shot staging reads that epoch **{STAGES[model]}**, so its stage is not settled"


def _one_ranked(night: LoadedNight, r: EventList, where: str) -> str:
    """The one event a ranked question asked for, by what ranked it ("how long was her longest
    apnea?": its length; "the deepest desaturation": its drop) and whether another ties it;
    "" for other ranks."""
    top = r.scored[0]
    if r.order in ("longest", "shortest"):
        tied = sum(abs(i.duration - top.duration) < 0.5 for i in r.scored[1:])
        size, shared = f"lasted **{seconds(top.duration)}**", f"length, **{seconds(top.duration)}** (to the half second)"
    elif r.order == "deepest" and top.unit == "%" and top.value is not None:
        tied = sum(i.value is not None and abs(i.value - top.value) < 0.05 for i in r.scored[1:])
        size, shared = f"fell **{top.value:.1f} %** below its baseline", f"drop, **{top.value:.1f} %**"
    else:
        return ""
    one = (f"{_span(night, top)} ({top.label}, {seconds(top.duration)}, stage {top.stage})"
           f"{_model_stage_apart(night, top.start, top.stage)}")
    if tied:
        # "where is the clearest spindle?" on a night of 2-s spindles: no one of them stands out
        return (f"**{tied + 1}** of the {len(r.scored)} {_events(r.name)}{where} share the {r.order} "
                f"{shared}; one of them: {one}.")
    return f"The {r.order} {_events(r.name, 1)}{where} {size}: {one}."


def _strongest_text(night: LoadedNight, s: Strongest, where: str) -> str:
    """Where a band share measures highest, against its median in each stage."""
    lines = "\n".join(f"- {_span(night, i)} ({i.value:.1f} %, stage {i.stage})" for i in s.items)
    medians = ", ".join(f"{stage} {m:.1f} %" for stage, m in s.medians.items())
    share = (f"share of the EOG's {EOG_TOTAL[0]:g}-{EOG_TOTAL[1]:g} Hz power in {EOG_SLOW_BAND[0]:g}-{EOG_SLOW_BAND[1]:g} Hz"
             if s.measure.startswith("EOG") else "share of the 0.5-30 Hz EEG power")
    return (f"Measured{_where(where)}: the {len(s.items)} epochs with the most {s.measure} ({share}; blue on "
            f"the plots):\n{lines}\n\nIts median by stage ({source_name(s.stages)}): "
            f"{medians}. An epoch well above its stage's median has more of the rhythm than usual "
            f"for that stage.")


def _events(name: str, n: int = 2) -> str:
    """"apnea" -> "apnea events" ("apnea event" for ``n`` = 1); "respiratory event" ->
    "respiratory events"; "slow waves" -> "slow wave events"."""
    if name.endswith("event"):
        return name if n == 1 else f"{name}s"
    if name.endswith("s") and not name.endswith("ss"):
        name = name[:-1]   # "slow waves", "rapid eye movements": a plural title
    return f"{name} event" if n == 1 else f"{name} events"


def _frequency(r: EventList) -> str:
    freqs = np.array([i.value for i in r.scored if i.unit == "Hz"])
    if not len(freqs):
        return ""
    slow = int(np.sum(freqs < 12.0))
    return (f"Frequency on {r.measured_on} (median instantaneous frequency in 11-16 Hz): mean **{freqs.mean():.1f} Hz** (SD "
            f"{freqs.std():.1f}, {freqs.min():.1f}-{freqs.max():.1f}); {slow} of {len(freqs)} "
            f"are slow spindles (under 12 Hz).")


def _depths(r: EventList) -> str:
    drops = np.array([i.value for i in r.scored if i.unit == "%" and i.value is not None])
    if not len(drops):
        return ""
    deep = int(np.sum(drops >= 4.0))
    return (f"Depth on {r.measured_on} (SpO2 fall below the pre-event baseline): mean "
            f"**{drops.mean():.1f} %** (SD {drops.std():.1f}, {drops.min():.1f}-{drops.max():.1f}); "
            f"{deep} of {len(drops)} reach 4 %, the threshold of the ODI 4 %.")


WAVE_LEAST_UV = 75.0
"""Peak-to-peak µV a slow wave needs by the AASM rule, and the usual least K-complex (Bremer et al. 1970)."""


def _wave_rule(name: str) -> str:
    """Whose least amplitude :data:`WAVE_LEAST_UV` is, for a slow wave or a K-complex."""
    return ("the AASM's least slow-wave amplitude" if name.startswith("slow")
            else "the usual least K-complex amplitude (Bremer et al. 1970)")


def _wave_size_rule(label: str, own: Item) -> str:
    """For one slow wave or K-complex's amplitude: whether it reaches the size that counts it
    ("" for anything else)."""
    if own.unit != "µV" or not label.replace("-", " ").startswith(("k complex", "slow wave")):
        return ""
    verdict = "reaches" if own.value >= WAVE_LEAST_UV else "falls short of"
    return f" It {verdict} {WAVE_LEAST_UV:g} µV, {_wave_rule(label)}."


def _amplitude(r: EventList) -> str:
    amps = np.array([i.value for i in r.scored if i.unit == "µV"])
    if not len(amps):
        return ""
    large = int(np.sum(amps >= WAVE_LEAST_UV))
    rule = _wave_rule(r.name)
    return (f"Amplitude on {r.measured_on} (peak to peak, in the wave's band): mean "
            f"**{amps.mean():.0f} µV** (SD {amps.std():.0f}, {amps.min():.0f}-{amps.max():.0f}); "
            f"{large} of {len(amps)} reach {WAVE_LEAST_UV:g} µV, {rule}.")


_CAUSE_RULE = ("respiratory: starting during an apnea or hypopnea or within 5 s of its end; limb "
               "movement: within 0.5 s of a leg movement, the AASM rule; spontaneous: neither")
"""How an arousal's cause is read (``sleeplm_core.scoring.association``), in words."""


def _causes(r: EventList) -> str:
    # per hour of sleep: the arousals that start asleep, as the arousal index counts them
    per_hour = (", per hour of sleep " + ", ".join(f"{c} {r.causes_asleep.get(c, 0) / r.tst_h:.1f}"
                                                   for c in r.causes)
                if r.tst_h else "")
    text = ("By cause: " + ", ".join(f"**{n}** {c}" for c, n in r.causes.items()) + per_hour
            + f" ({_CAUSE_RULE}).")
    if r.cause_gaps:
        text += f" Not every cause could be looked for: {r.cause_gaps}."
    return text


def _cause_unseen(cause: str, gaps: str) -> str:
    """Why arousals of ``cause`` could not be sought ("" when they could): its events went
    unscored (a spontaneous arousal needs breathing and leg movements both scored)."""
    names = {"respiratory:": "breathing events", "limb movements:": "leg movements"}
    heads = {"respiratory": ("respiratory:",), "limb movement": ("limb movements:",),
             "spontaneous": ("respiratory:", "limb movements:")}.get(cause, ())
    found = [part.strip() for part in gaps.split(";") if part.strip().startswith(heads)] if heads else []
    return "; ".join(f"{names[head]} could not be scored ({part[len(head):].strip()})"
                     for part in found for head in names if part.startswith(head))


def _periodic(r: EventList) -> str:
    text = (f"**{r.periodic}** of the leg movements in sleep{_where(r.where)} belong to periodic "
            f"series (4 or more, onsets 5-90 s apart; movements tied to breathing events or "
            f"arousals are not excluded here)")
    if r.sleep_min > 0:
        index = "PLMS arousal index" if r.tied == "arousal" else "PLMS index"
        # per hour of the sleep in scope ("PLMs in REM": per hour of REM), as the rate is computed
        text += f": a {index} of **{r.periodic / (r.sleep_min / 60):.1f}/h** of sleep{_where(r.where)}"
    if r.periodic_wake:
        # probe P, seed 13445 unscored: 38 leg movements in machine-staged wake, where the truth had none
        text += (f". **{r.periodic_wake}** more leg movements of the same series fall in epochs the machine staged "
                 f"wake, which the index leaves out; a series rarely runs through wake, so those epochs may be "
                 f"sleep the stager missed, and the index counts neither those movements nor that time")
    return text + "."


def _plms_verdict(r: EventList, night: LoadedNight) -> str:
    """"This night's 18.5/h is above the 5/h for a child. " when the index and an age (the
    question's child or the file's header) are known, else ""."""
    age = night.recording.patient.age
    child = Aspect.CHILD in r.asks or (age is not None and age < norms.ADULT_AGE)
    if r.sleep_min <= 0 or (age is None and not child) or r.tied == "arousal":
        return ""
    index = r.periodic / (r.sleep_min / 60)
    limit = norms.PLMS_CHILD if child else norms.PLMS_ADULT
    return (f"This night's **{index:.1f}/h** is **{'above' if index > limit else 'not above'}** the "
            f"{limit:g}/h set for {'a child' if child else 'an adult'}. ")


_SPINDLE_NORMS = (
    "There is no single normal spindle density to read this against: published densities differ "
    "several-fold with the detector, the lead and the scorer (experts themselves agree only "
    "moderately on which bursts are spindles, Warby et al. 2014), and they fall with age "
    "(Purcell et al. 2017, 11,630 sleepers). Compare densities measured the same way: this "
    "night's halves or stages (*were spindles denser in the first half?*), or other nights "
    "scored by the same detector.")
_REM_DENSITY_NORMS = (
    "There is no single normal REM density to read this against: it is counted as eye movements "
    "per minute of REM, as the share of 2- or 3-s mini-epochs of REM that hold one, or on a "
    "0-8 scale per minute, by detectors and leads that differ, so published healthy values are "
    "not on one scale. Within a night it is lowest in the first REM period and rises toward "
    "morning, and it is higher in major depression. Compare densities measured the same way: "
    "this night's REM periods (*is REM density higher in later REM periods?*) or other nights "
    "scored by the same detector.")
_CENTRAL_NORM = (
    f"A central apnea index of {norms.CENTRAL_APNEA_INDEX:g}/h or more, with central events more than "
    "half of all the apneas and hypopneas, is the ICSD-3's polysomnographic threshold for central "
    "sleep apnea (ask *what share of the apneas are central?*); a diagnosis also weighs the symptoms "
    "and the causes (heart failure, opioids, altitude), so the index grades the events, not a disorder.")
_DENSITY_NORMS = {"sleep spindle": _SPINDLE_NORMS, "rapid eye movements": _REM_DENSITY_NORMS,
                  "central apnea": _CENTRAL_NORM}
_PLMS_NORM = (
    f"A PLMS index over {norms.PLMS_ADULT:g}/h in an adult (over {norms.PLMS_CHILD:g}/h in a child) "
    "is the ICSD-3's threshold for "
    "periodic limb movement disorder, which also asks for a sleep complaint or daytime "
    "impairment that nothing else explains; the index rises with age, and many older adults "
    "pass the threshold without any complaint, so it grades the movements, not a disorder.")
"""Why no one norm fits the density of a detected microevent, by the event's name."""
_BREATHING_INDEX_RE = re.compile(r"\b(?:o?ahi|rdi|rei|apn\w*|hypopn\w*|respiratory)", re.I)
# the indices the REM-related and positional apnea rules are stated for
_AHI_LIKE_RE = re.compile(r"o?ahi|rdi|rei|respiratory(?: event)?", re.I)
_MACHINE_AROUSALS_LOW = (" The arousals are machine-scored, and on 14 synthetic nights the detector found 17-96 % "
                         "of the true ones while 68-100 % of those it found were true, so the index may read low, "
                         "or high; ask *how reliable is that?*")
"""Said with a machine-scored arousal index (stop 77's study: the misses are faint arousals; probe
P's seed 13546, a random montage, 17 of 100; probe Q's seed 13748 read 10.6/h for a true 8.1)."""
_MACHINE_AROUSAL_TIE = (" The arousals are machine-scored, and on 14 synthetic nights the detector found 17-96 % of "
                        "the true ones, so a count of events with an arousal may read low.")
"""Said with events tied to machine-scored arousals (probe P: 4 central apneas with an arousal,
of a true 48)."""


def _spindle_lead(r: EventList) -> str:
    """Said with machine spindles found on a lead that is not central: spindles are largest
    over the centre, and on synthetic seed 13142 (Sleep-EDF montage, 3.63 true spindles per
    minute of N2) YASA found 0.22/min on Fpz-Cz and 0.37/min on Pz-Oz (stop 78); on seed 13748
    (the same montage, probe Q) 3.37 against a true 3.96."""
    leads = {(i.source or "").rpartition(", ")[2].rstrip(")") for i in r.scored
             if "spindles_detect" in (i.source or "")}
    off = sorted(lead for lead in leads if lead and not is_central_eeg(lead))
    if not off and leads:
        # on a central lead too the detector misses faint spindles: on seven synthetic nights
        # (seeds 13041, 13243, 13344, 13445, 13546, 201, 202; stop 79) its density in its own N2
        # was 41-84 % of the true one in the true N2
        return (" These spindles are machine-scored: on seven synthetic nights with a central lead the "
                "detector's density in N2 read 41-84 % of the true one (median 74 %), so the count may read low.")
    if not off:
        return ""
    return (f" These spindles were detected on {' and '.join(off)}, not a central lead (C3, C4 or Cz): "
            f"spindles are largest over the centre of the head, and on two synthetic nights with a "
            f"Sleep-EDF montage the detector's density read 6 % and 85 % of the true one, so this "
            f"count may read low, on some nights far low; compare it only with counts on the same lead.")


def _rate(r: EventList) -> str:
    if r.recorded and r.sleep_min > 0:
        # a home test without EEG: every event in scope per hour recorded, as its REI
        n = len(r.scored)
        rate = n / (r.sleep_min if r.per == "minute" else r.sleep_min / 60)
        return (f"**{rate:.2f} per {r.per}** recorded{_where(r.where)}: {n} {_events(r.name, n)} in "
                f"{r.sleep_min:.1f} min recorded (no EEG: sleep is only guessed, so events count "
                f"wherever they fall, as the REI does).")
    if r.sleep_min <= 0:
        return f"There is no sleep{_where(r.where)}, so no rate per {r.per} of sleep."
    n = _in_sleep(r)
    rate = n / (r.sleep_min if r.per == "minute" else r.sleep_min / 60)
    # every leg movement, periodic or not, is the LM index, not the PLM index
    lm = ((" (all of them, periodic or not)" if r.tied else " (all leg movements: the LM index)")
          if r.periodic is not None else "")
    awake = len(r.scored) - n
    left = (f" (the {awake} that start{'s' * (awake == 1)} in wake {'is' if awake == 1 else 'are'} not "
            f"counted)" if awake else "")
    # the machine's arousal count runs low where an arousal's alpha is faint (stop 77's study):
    # said with the index, not only when its reliability is asked
    low = (_MACHINE_AROUSALS_LOW if r.events_source not in ("scored", "none")
           and r.name.lower().startswith("arousal") else _spindle_lead(r))
    return (f"**{rate:.2f} per {r.per}** of sleep{_where(r.where)}{lm}: {n} "
            f"{_events(r.name, n)} starting in sleep in {r.sleep_min:.1f} min asleep{left}.{low}")


def _in_sleep(r: EventList) -> int:
    """The listed events that start asleep: what a rate per time asleep counts (an arousal
    index's own rule)."""
    return sum(i.stage in STAGES[1:] for i in r.scored)


def _depth(r: EventList) -> str:
    return (f" of {r.min_depth:g} % or more (SpO2 fall below the pre-event baseline, measured "
            f"from the SpO2 channel)" if r.min_depth is not None else "")


def _model_text(night: LoadedNight, r: EventList) -> str:
    if not r.model:
        return f"The model finds no match for {r.name}{_where(r.where)}."
    cfg = r.search or LocalizeConfig(EPOCH_DEFAULTS.calibration, DEFAULT_THRESHOLDS["zscore"],
                                     EPOCH_DEFAULTS.min_duration)
    dense = cfg.calibration == "probability"
    if r.weak:
        rivals = "".join(f" without reading more as {rival}" for rival in r.rivals)
        rule = (f"no moment reaches the model's event probability of {cfg.threshold:.2f}{rivals}"
                if dense else f"no stretch of {cfg.min_duration:.0f} s or more reaches z ≥ "
                              f"{cfg.threshold:.0f}")
        tail = f" are weak ({rule}); the strongest (orange):"
    else:
        how = ("p = the model's probability that the moment holds it" if dense
               else "z-score against this night")
        tail = f" ({len(r.model)}, {how}; orange):"
    head = f"The model's best matches for {r.name}{_where(r.where)}" + tail
    return head + "\n" + "\n".join(f"- {_span(night, i)} ({seconds(i.duration)}, {i.score_name} = "
                                   f"{i.score:.2f}, stage {i.stage})" for i in r.model)


_EVENT_WORDS = {"onset": "Sleep onset (the first sleep epoch)",
                "final_wake": "The final awakening (the end of the last sleep epoch)"}




_WINDOW_NAMES = {"midpoint": "the midpoint of sleep", "period": "the sleep period time"}


def _window_text(r: StagePeriods, night: LoadedNight, src: str, where: str, ends_asleep: bool) -> str:
    """The midpoint of sleep or the sleep period time, both read from sleep onset to the final
    awakening; neither exists when the recording ends asleep."""
    onset, final = r.moment, r.final_wake
    if ends_asleep:
        # the final awakening came after the recording stopped: only a bound can be given
        bound = (f"at least **{(final - onset) / 60:.1f} min**, from sleep onset at {clock(night, onset)} to the "
                 f"recording's end" if r.window_asked == "period" else
                 f"at or after **{clock(night, (onset + final) / 2)}**, halfway from sleep onset at "
                 f"{clock(night, onset)} to the recording's end")
        return (f"{src}: the recording ends asleep, at **{clock(night, final)}**, before any final awakening, "
                f"so {_WINDOW_NAMES[r.window_asked]} is {bound}.")
    ends = f"sleep onset at {clock(night, onset)} to the final awakening at {clock(night, final)}"
    if r.window_asked == "midpoint":
        return (f"{src}: the midpoint of sleep{where} is at **{clock(night, (onset + final) / 2)}**, "
                f"halfway from {ends} ({(final - onset) / 3600:.1f} h apart; wake inside the night "
                f"included), the marker of sleep timing that chronotype questionnaires report."
                f"{_first_sleep_outside(night, r)}")
    asleep = sum(min(p.end, final) - max(p.start, onset) for p in r.periods
                 if p.end > onset and p.start < final)
    span = final - onset
    return (f"{src}: the sleep period time{where} is **{span / 60:.1f} min** ({span / 3600:.1f} h), "
            f"from {ends}: **{asleep / 60:.1f} min** asleep and {(span - asleep) / 60:.1f} min awake "
            f"(the WASO), a sleep maintenance efficiency of {100 * asleep / span:.1f} %."
            f"{_first_sleep_outside(night, r)}")


def _guessed(night: LoadedNight) -> str:
    """" (the model's guess: no EEG)" after a stage a night without EEG only guesses, "" when
    its stages are scored."""
    return " (the model's guess: no EEG)" if stages_guessed(night, night.stages()[1]) else ""


def stage_caveat(night: LoadedNight, source: str) -> str:
    """A warning for stages the model guessed on a night without EEG, or a scoring file's stages
    on one ("" otherwise)."""
    if source == "scored" and not has_eeg(night):
        # a home test loaded with a scoring file that holds stages: scored from signals this
        # recording does not have, so nothing here can bear them out
        return ("\n\n⚠️ This recording has no EEG, yet its scoring file holds sleep stages: they were scored "
                "from signals this file does not hold (or entered by hand), so they are read as given and "
                "cannot be checked against this recording.")
    if not stages_guessed(night, source):
        return ""
    return ("\n\n⚠️ This recording has no EEG, so its sleep cannot be staged by the AASM rules: "
            "the stages here are the model's guess from the other signals, and every figure per "
            "hour or minute of sleep rests on that guess.")


LONE_REM_MIN = 1.0
"""Minutes of REM at most that a machine-staged first REM run may last to be pointed out as lone:
a REM latency resting on one or two epochs a stager may have misread."""
STEADY_REM_MIN = 2.5
"""Minutes a REM run needs to be counted as the first steady one, against a lone first one."""


def _lone_first_rem(r: StagePeriods, night: LoadedNight) -> str:
    """On machine-scored stages, when the first REM (the REM latency's end, or the first REM
    asked for) is a lone run of one or two epochs: that run with the machine's REM probability
    there, and where the first steadier REM run starts ("" otherwise)."""
    if r.stages != ("REM",) or r.moment is None or r.event not in ("latency", "first"):
        return ""
    return (_lone_rem_note(night, r.source, r.moment, r.latency_min if r.event == "latency" else None)
            + _model_rem_before(night, r.source))


MODEL_SURE_REM = 0.9
"""The model's probability of REM from which its REM runs before a machine staging's first REM are named."""
MISSED_REM_ODDS = 0.2
"""The machine staging's own REM probability a model REM run must reach somewhere to be named as REM
the staging may have missed: a run it gave no odds of REM at all is the model's error (on SC4001 the
model's two sure runs before YASA's first REM had YASA odds 0.00, both W/N1/N2/N3 to the expert;
on a synthetic night whose first REM YASA called N2, its odds there reached 0.38)."""


def _model_rem_before(night: LoadedNight, source: str) -> str:
    """On a machine staging, the model's sure REM runs (a minute or more at
    :data:`MODEL_SURE_REM`) between sleep onset and the staging's first REM epoch: a first REM
    period the staging may have missed ("" where there is none)."""
    if source == "scored" or stages_guessed(night, source) or night.predicted is None or night.confidence is None:
        return ""
    stages = night.stages()[0]
    asleep, rem = np.flatnonzero(stages > 0), np.flatnonzero(stages == STAGES.index("REM"))
    if not len(asleep):
        return ""
    first = int(rem[rem > asleep[0]][0]) if np.any(rem > asleep[0]) else len(stages)
    sure = (night.predicted == STAGES.index("REM")) & (night.confidence >= MODEL_SURE_REM)
    found = [(a, b) for a, b in runs(sure) if asleep[0] <= a and b <= first and b - a >= 2
             and _machine_saw_rem(night, a, b)]
    if not found:
        return ""
    where = "; ".join(f"**{clock(night, night.epochs.starts[a])}** ({(b - a) * EPOCH_SEC / 60:.1f} min, staged "
                      f"{'/'.join(dict.fromkeys(STAGES[c] for c in stages[a:b]))})" for a, b in found[:3])
    latency = (found[0][0] - asleep[0]) * EPOCH_SEC / 60
    return (f" ⚠️ Before the staging's first REM the model reads REM at {where}: a first REM period the staging "
            f"may have missed, which would put the REM latency at **{latency:.1f} min**. Check the EOG and the chin "
            f"there before taking either figure: {MODEL_STAGING_CHECKED}.")


def _machine_saw_rem(night: LoadedNight, first: int, stop: int) -> bool:
    """Whether the machine staging gave REM :data:`MISSED_REM_ODDS` or more somewhere in epochs
    ``first`` to ``stop`` (True without its probabilities: nothing to rule the run out)."""
    proba = night.machine_proba(slice(first, stop))
    if proba is None or not np.isfinite(proba).any():
        return True
    return bool(np.nanmax(proba[:, STAGES.index("REM")]) >= MISSED_REM_ODDS)


def _lone_rem_note(night: LoadedNight, source: str, moment: float, latency_min: float | None,
                   lead: str = "That first REM is") -> str:
    """The lone-first-REM caveat for the REM run starting at ``moment`` (seconds), its sentence
    opened by ``lead``; with ``latency_min`` (the REM latency to it) the latency to the
    steadier run as well."""
    if source == "scored" or stages_guessed(night, source):
        return ""
    stages = night.stages()[0]
    rem = stages == STAGES.index("REM")
    # one epoch of another stage between REM epochs does not end the run: a scorer reads through a
    # single misstaged epoch (probe O, seed 13243 unscored: REM, W, REM at 23:59:30 was called lone
    # and the latency pointed 6 h on; the scorer had 2.5 min of REM there)
    rem[1:-1] |= rem[:-2] & rem[2:]
    rem_runs = [(a, b) for a, b in runs(rem) if night.epochs.starts[a] >= moment]
    if not rem_runs:
        return ""
    if (rem_runs[0][1] - rem_runs[0][0]) * EPOCH_SEC / 60 > LONE_REM_MIN:
        return _unsure_first_rem(night, rem_runs[0][0])
    a, b = rem_runs[0]
    proba = night.machine_proba(slice(a, b))
    sure = (f" (the staging's REM probability there {np.nanmean(proba[:, STAGES.index('REM')]):.0%})"
            if proba is not None else "")
    steady = next(((c, d) for c, d in rem_runs if (d - c) * EPOCH_SEC / 60 >= STEADY_REM_MIN), None)
    later = ("" if steady is None else
             f"; the first REM run of {STEADY_REM_MIN:g} min or more starts at **{clock(night, night.epochs.starts[steady[0]])}**")
    if steady is not None and latency_min is not None:
        later += f", {latency_min + (night.epochs.starts[steady[0]] - moment) / 60:.1f} min after sleep onset"
    what = "the latency may be the later figure" if latency_min is not None else "REM may first come then"
    return (f" ⚠️ {lead} a lone {(b - a) * EPOCH_SEC / 60:.1f}-min run{sure}{later}; a scorer may not "
            f"score the lone run REM, so {what}.")


def _doubt_at(night: LoadedNight, epoch: int, stage: str) -> str:
    """"REM 43 %, N2 40 %": the machine staging's odds of ``stage`` and of its likeliest rival at
    model ``epoch``, where it is unsure of ``stage`` there ("" when sure, or without probabilities)."""
    proba = night.machine_proba(slice(epoch, epoch + 1))
    if proba is None or not np.isfinite(proba[0]).all() or proba[0, STAGES.index(stage)] >= UNSURE_BELOW:
        return ""
    odds = proba[0]
    rival = max((i for i in range(len(STAGES)) if STAGES[i] != stage), key=lambda i: odds[i])
    return f"{stage} {odds[STAGES.index(stage)]:.0%}, {STAGES[rival]} {odds[rival]:.0%}"


def _unsure_first_rem(night: LoadedNight, epoch: int) -> str:
    """A steady first REM run whose first epoch the machine staging was unsure of: its odds
    there, since the latency rests on that epoch ("" when sure, or without probabilities)."""
    if not (odds := _doubt_at(night, epoch, "REM")):
        return ""
    return (f" ⚠️ The staging was unsure of the first REM epoch, **{clock(night, night.epochs.starts[epoch])}** "
            f"({odds}): a scorer may place REM's start "
            f"elsewhere, so the figure may be off by minutes; ask *how sure are you?* for its evidence.")


def _onset_doubt(night: LoadedNight) -> str:
    """Sleep onset resting on a first sleep epoch the machine staging was unsure of ("" else)."""
    stages, source = night.stages()
    asleep = np.flatnonzero(stages > 0)
    if source == "scored" or stages_guessed(night, source) or not len(asleep):
        return ""
    first = int(asleep[0])
    if not (odds := _doubt_at(night, first, STAGES[stages[first]])):
        return ""
    return (f" ⚠️ Sleep onset, **{clock(night, night.epochs.starts[first])}**, rests on an epoch the staging was "
            f"unsure of ({odds}): the sleep latency and the sleep efficiency move with it.")


def _summary_lone_rem(night: LoadedNight, s) -> str:
    """The lone-first-REM caveat for a whole night's summary, whose REM latency ends at the
    night's first REM epoch after sleep onset ("" where there is none or it is no lone run)."""
    rem = np.flatnonzero(night.stages()[0] == STAGES.index("REM"))
    if not len(rem) or s.rem_latency_min != s.rem_latency_min:
        return ""
    at = float(night.epochs.starts[rem[0]])
    return _lone_rem_note(night, s.source, at, s.rem_latency_min,
                          lead=f"The REM latency ends at the first REM epoch, {clock(night, at)}:")


def _onset_apart(r: StagePeriods) -> str:
    """On a machine staging nobody checked, the model's sleep onset where it lies
    ``LATENCY_APART_MIN`` or more from the staging's ("" otherwise)."""
    if r.event != "onset" or r.other_latency is None or r.latency_min is None or (
            abs(r.other_latency - r.latency_min) < LATENCY_APART_MIN):
        return ""
    return (f" **Not settled**: the model's zero-shot staging puts sleep onset **{r.other_latency:.1f} min** "
            f"after the recording started, {abs(r.other_latency - r.latency_min):.1f} min apart; look at the "
            f"signals between the two (*where do the stagers disagree?*).")


def _sleep_apart(night: LoadedNight, s) -> dict[str, str]:
    """On a machine staging nobody checked, each of total sleep, efficiency and WASO that the
    model's zero-shot staging puts ``SLEEP_APART_MIN`` (or its share of 8 h) or more from ``s``'s,
    as its statistic's key -> the model's figure in words ("total sleep **364.5 min**")."""
    model = night.model_check()
    if model is None:
        return {}
    theirs = model.summary()
    return {key: f"{name} **{mine:.1f}{unit}**" for key, name, mine, yours, unit, cut in (
        ("tst", "total sleep", theirs.tst_min, s.tst_min, " min", SLEEP_APART_MIN),
        ("se", "efficiency", theirs.se_pct, s.se_pct, " %", SLEEP_APART_MIN / 480 * 100),
        ("waso", "WASO", theirs.waso_min, s.waso_min, " min", SLEEP_APART_MIN)) if abs(mine - yours) >= cut}


def _summary_apart(night: LoadedNight, s) -> str:
    """On a machine staging nobody checked, the model's total sleep, efficiency and WASO where
    each lies ``SLEEP_APART_MIN`` (or its share of 8 h) or more from the summary's, and its sleep
    onset and REM latencies where each lies ``LATENCY_APART_MIN`` or more ("" otherwise): seed 12435's summary
    gave YASA's REM latency of 3.5 min from a lone epoch that was N1, and the model's 60.5 min
    was the truth; seed 12738's gave YASA's sleep onset latency of 40.5 min, the model's and the
    truth 15.0."""
    model = night.model_check()
    if model is None:
        return ""
    theirs = model.summary()
    notes = []
    if apart := list(_sleep_apart(night, s).values()):
        # seed 12839 (Sleep-EDF montage): YASA called 115 of 172 REM epochs wake, and gave total
        # sleep 289 min, efficiency 64.2 % and WASO 148 min; the model's and the truth were 364.5
        # min, 81.0 % and 70.5 min
        notes.append(f" The model's zero-shot staging reads {', '.join(apart)}, so {'these are' if len(apart) > 1 else 'that is'} "
                     f"**not settled**; ask *where do the stagers disagree?*.")
    if abs(theirs.sol_min - s.sol_min) >= LATENCY_APART_MIN:
        notes.append(f" The model's zero-shot staging puts sleep onset **{theirs.sol_min:.1f} min** after the "
                     f"recording started, so the sleep onset latency is **not settled**; ask *sleep onset latency?*.")
    if abs(theirs.rem_latency_min - s.rem_latency_min) >= LATENCY_APART_MIN:   # False when either is NaN
        notes.append(f" The model's zero-shot staging puts the first REM **{theirs.rem_latency_min:.1f} min** after "
                     f"its sleep onset, so the REM latency is **not settled**; ask *REM latency?* for both.")
    return "".join(notes)


def _persistent_onset(r: StagePeriods, night: LoadedNight, src: str, where: str) -> Answer:
    """"Latency to persistent sleep": the start of the first 10 min of unbroken sleep, against
    sleep onset (the first sleep epoch)."""
    length = f"{PERSISTENT_EPOCHS * EPOCH_SEC / 60:g} min"
    if r.moment is None:
        return Answer(f"{src}: no {length} of unbroken sleep{where}, so there is no persistent sleep "
                      f"to time; ask *what was the longest stretch of sleep?*")
    onset = night.summary().sol_min
    return _answer(night, f"{src}: the latency to persistent sleep is **{r.latency_min:.1f} min**, from the "
                   f"start of the recording ({clock(night, 0.0)}, taken as lights off) to **{clock(night, r.moment)}**, "
                   f"where the first {length} of unbroken sleep begin{where}. Sleep onset, the first sleep epoch, "
                   + ("is the same epoch: sleep held from its first epoch." if abs(onset - r.latency_min) < 0.01 else
                      f"came after {onset:.1f} min; the {r.latency_min - onset:.1f} min between the two are sleep "
                      f"broken by wake before it settled."),
                   [], [Item(r.moment, r.moment + PERSISTENT_EPOCHS * EPOCH_SEC, "persistent sleep", r.source)],
                   jump=night.epoch_at(r.moment))


@render.register
def _(r: StagePeriods, night: LoadedNight) -> Answer:
    answer = _stage_periods(r, night)
    if r.soremp:
        return answer
    return _led_by_guess(answer, night, r.source, set(r.stages) <= {"W"} or r.event in _EVENT_WORDS)


def _led_by_guess(answer: Answer, night: LoadedNight, source: str, sleep_wake: bool) -> Answer:
    """``answer`` led by "Not measured" where its stages are a home test's guess: of sleep
    against wake (``sleep_wake``) or of the stages themselves, each with how far it held up."""
    if not stages_guessed(night, source):
        return answer
    lead = _GUESS_LEAD.format(hours=night.recording.duration / 3600) if sleep_wake else _STAGE_GUESS_LEAD
    return replace(answer, text=lead + answer.text[0].lower() + answer.text[1:])


def _stage_periods(r: StagePeriods, night: LoadedNight) -> Answer:
    stages = "/".join(r.stages)
    src = f"From the {source_name(r.source)} hypnogram"
    where = _where(r.where)
    if r.persistent:
        return _persistent_onset(r, night, src, where)
    if r.moment is None:
        return Answer(f"{src}: there is no {stages}{where} in this night.")
    if r.event == "final_wake" and r.moment >= night.epochs.starts[-1] + EPOCH_SEC - 1e-6:
        # The last epoch is sleep: the recording stopped before any final awakening.
        # (nothing listed: "what woke her?" then has no awakening to read)
        return _answer(night, f"{src}: the recording ends asleep, at **{clock(night, r.moment)}**; "
                       f"no final awakening was recorded.", [], [],
                       jump=len(night.epochs) - 1)
    if r.event in _EVENT_WORDS:
        if r.latency_asked and not r.where:
            # "what was the sleep onset latency?": the duration first; the recording's start
            # stands for lights off, as in the summary (inside a span it is no latency)
            text = (f"{src}: the sleep onset latency is **{r.latency_min:.1f} min**, from the "
                    f"start of the recording ({clock(night, 0.0)}, taken as lights off) to the "
                    f"first sleep epoch at **{clock(night, r.moment)}**.")
        else:
            text = f"{src}: {_EVENT_WORDS[r.event]}{where} is at **{clock(night, r.moment)}**"
            # "what was the first stage after sleep onset?": the stage that epoch holds
            text += (f", {r.latency_min:.1f} min after the recording started; that epoch is "
                     f"**{stage_at(night, r.moment)}**{_guessed(night)}." if r.event == "onset" else
                     f", then **{(night.epochs.starts[-1] + EPOCH_SEC - r.moment) / 60:.1f} min** to the end of the "
                     f"recording ({clock(night, float(night.epochs.starts[-1]) + EPOCH_SEC)}), awake or unscored.")
        text += _first_sleep_outside(night, r) + _onset_apart(r)
        ends_asleep = r.final_wake is not None and r.final_wake >= night.epochs.starts[-1] + EPOCH_SEC - 1e-6
        if r.window_asked and r.final_wake is not None:
            # the midpoint or the sleep period time first: onset and awakening are its ends
            text = _window_text(r, night, src, where, ends_asleep)
        elif ends_asleep:
            text += (f" The recording ends asleep, at **{clock(night, r.final_wake)}**, so no final "
                     f"awakening was recorded.")
        elif r.final_wake is not None:
            text += (f" The final awakening (the end of the last sleep epoch) is at "
                     f"**{clock(night, r.final_wake)}**, {(r.final_wake - r.moment) / 3600:.1f} h "
                     f"after sleep onset.")
        text += _episode_note(r.episode, night)  # a nap hours before the night is no onset
        jump_item = Item(r.moment, r.moment + 30.0, r.event, r.source)
        return _answer(night, text, r.periods, [jump_item], jump=night.epoch_at(r.moment))
    n = len(r.periods)
    limit = min(r.shown, n) if r.shown else _MAX_LINES
    lines = "\n".join(f"- {_span(night, p)} ({p.duration / 60:.1f} min)" for p in r.periods[:limit])
    if r.event == "latency":
        head = (f"{src}: {stages} latency{where} is **{r.latency_min:.1f} min** (sleep onset to the first "
                f"{stages} epoch, which starts at **{clock(night, r.moment)}**).")
        if r.soremp and stages_guessed(night, r.source):
            head = (f"**Cannot be told** without EEG: a sleep-onset REM period (SOREMP) is REM within "
                    f"{SOREMP_MIN:g} min of sleep onset (ICSD-3, nocturnal PSG), and REM cannot be told "
                    f"from NREM without EEG. The model's guessed stages, which agreed with the true stages "
                    f"of six synthetic home tests at κ {HOME_TEST_STAGE_KAPPA:.2f}, put the first REM "
                    f"{r.latency_min:.1f} min after the guessed sleep onset; that is no finding.")
        elif r.soremp:
            within = r.latency_min <= SOREMP_MIN
            caveat = (" Short REM latencies also follow sleep deprivation, apnea and some "
                      "medications; this is not a narcolepsy diagnosis." if within else "")
            verdict = "**Yes**" if within else "**No**"
            if r.other_latency is not None and (r.other_latency <= SOREMP_MIN) != within:
                # the two stagings fall on either side of the cut: no verdict from either alone
                verdict = "**Not settled**"
                caveat += (f" The model's zero-shot staging puts the first REM **{r.other_latency:.1f} min** "
                           f"after its sleep onset, {'within' if r.other_latency <= SOREMP_MIN else 'beyond'} "
                           f"the {SOREMP_MIN:g} min, so the verdict turns on which epoch is the first REM: "
                           f"look at the signals from sleep onset on (*what stage is the first REM epoch?*).")
            head = (f"{verdict}: a sleep-onset REM period (SOREMP) is "
                    f"REM within {SOREMP_MIN:g} min of sleep onset (ICSD-3, nocturnal PSG); "
                    f"{head[0].lower()}{head[1:]}{caveat}")
        if (not r.soremp and r.other_latency is not None and r.latency_min is not None
                and abs(r.other_latency - r.latency_min) >= LATENCY_APART_MIN):
            head += (f" **Not settled**: the model's zero-shot staging puts the first {stages} "
                     f"**{r.other_latency:.1f} min** after its sleep onset, "
                     f"{abs(r.other_latency - r.latency_min):.1f} min apart; look at the signals of the two "
                     f"first epochs (*where do the stagers disagree?*).")
        head += _lone_first_rem(r, night)
        focus = r.periods[:1]
    elif r.event == "last":
        last = r.periods[-1]
        head = (f"{src}: the last {stages} period{where} runs {_span(night, last)} "
                f"({last.duration / 60:.1f} min); it starts at **{clock(night, last.start)}** "
                f"and ends at **{clock(night, last.end)}**.")
        focus = [last]
    elif r.event == "awakenings":
        head = (f"{src}: **{n}** awakening{'s' * (n != 1)}{where} (wake periods after sleep onset "
                f"and before the last sleep epoch), {sum(p.duration for p in r.periods) / 60:.1f} "
                f"min in total.") + _lone_wake_epochs(r.source, r.periods) + _wake_the_model_reads_asleep(r, night)
        focus = r.periods
    elif r.event == "longest":
        best = r.periods[0]
        bout = " (after sleep onset, before the final awakening)" if r.stages == ("W",) else ""
        head = (f"{src}: the {'shortest' if best.duration < r.periods[-1].duration else 'longest'}"
                f"{'' if r.stages == ('REM',) else ' uninterrupted'} {stages} period{bout}{where} runs {_span(night, best)} "
                f"(**{best.duration / 60:.1f} min**).")
        focus = [best]
    elif r.event == "first":
        first = r.periods[0]
        head = (f"{src}: {stages} first starts at **{clock(night, first.start)}**{where} "
                f"(a period of {first.duration / 60:.1f} min).") + _lone_first_rem(r, night)
        focus = [first]
    else:
        minutes = np.array([p.duration / 60 for p in r.periods])
        # "what's the mean REM period duration?": the periods' lengths summed up first
        lengths = (f": mean **{minutes.mean():.1f} min**, median {np.median(minutes):.1f} min "
                   f"({minutes.min():.1f}-{minutes.max():.1f} min)" if n > 1 else "")
        head = f"{src}: {stages}{where} in {n} period{'s' * (n != 1)}{lengths}.{_stage_total(r, night)}"
        if r.trend_asked and n >= 2:
            head = _period_trend(r.trend_asked, stages, minutes) + "\n\n" + head
        focus = r.periods
    merged = " (REM runs less than 15 min apart count as one period)" if r.stages == ("REM",) else ""
    order = ("shortest" if r.periods and r.periods[0].duration < r.periods[-1].duration
             else "longest")
    listed = (f"The only {stages} period" if n == 1 else
              f"The {limit} {order} of the {n} {stages} periods" if r.shown and limit < n
              else f"All {n} {stages} periods")
    text = head + f"\n\n{listed}{where}{merged}:\n" + lines
    if n > limit and not r.shown:
        text += f"\n- … and {n - limit} more"
    return _answer(night, text + _episode_note(r.episode, night) + stage_caveat(night, r.source),
                   r.periods, focus)


def _stage_total(r: StagePeriods, night: LoadedNight) -> str:
    """" **62.5 min** in all, 19.2 % of sleep." after a whole night's periods of sleep stages
    ("N3?" alone asks where N3 is, and a technician reads its share first); "" otherwise."""
    codes, source = night.stages()
    if r.where or source != r.source or "W" in r.stages:
        return ""
    codes = np.asarray(codes)
    asleep = np.isin(codes, [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")])
    held = np.isin(codes, [STAGES.index(s) for s in r.stages])
    if not asleep.any():
        return ""
    return (f" **{held.sum() * EPOCH_SEC / 60:.1f} min** in all, {100 * held.sum() / asleep.sum():.1f} % of "
            f"sleep.")


def _period_trend(asked: str, stages: str, minutes: np.ndarray) -> str:
    """"did REM get longer through the night?": the last period against the first, then every
    length in order and how steady the change is (Spearman's ρ of order and length, from three
    periods on)."""
    first, last = minutes[0], minutes[-1]
    order = ", ".join(f"{m:.1f}" for m in minutes)
    if abs(last - first) <= EPOCH_SEC / 60:   # one epoch: the scoring's own resolution
        return (f"**Not clearly**: the last {stages} period ({last:.1f} min) is about as long as the "
                f"first ({first:.1f} min); in order: {order} min.")
    way = "longer" if last > first else "shorter"
    steady = ""
    if len(minutes) > 2:
        rho = float(spearmanr(np.arange(len(minutes)), minutes).statistic)
        steady = (f"; Spearman's ρ of order and length {rho:+.2f}, "
                  f"{'a steady' if abs(rho) >= 0.8 else 'not a steady'} trend")
    return (f"**{'Yes' if way == asked else 'No'}**: the last {stages} period ({last:.1f} min) was "
            f"{way} than the first ({first:.1f} min); in order: {order} min{steady}.")


@render.register
def _(r: StageAmount, night: LoadedNight) -> Answer:
    stages = "/".join(r.stages)
    where = _where(r.where)
    span = " in that span" if r.where else " in the night"
    # Wake, or all of sleep, is no share of sleep: it is read against the time scored.
    whole = r.stages == ("W",) or set(r.stages) == {"N1", "N2", "N3", "REM"}
    share = (f"**{r.pct_scope:.1f} %** of the {r.scope_min:.1f} min scored{span}"
             if whole else
             f"**{r.pct_sleep:.1f} %** of the {r.sleep_min:.1f} min of sleep and "
             f"{r.pct_scope:.1f} % of the {r.scope_min:.1f} min scored{span}")
    amount = (f"**{round(r.minutes * 60 / EPOCH_SEC)} epochs** of 30 s ({r.minutes:.1f} min)"
              if r.epochs_asked else f"**{r.minutes:.1f} min**")
    text = (f"From the {source_name(r.source)} hypnogram: {amount} of {stages}"
            f"{where}, {share}; {len(r.periods)} period{'s' * (len(r.periods) != 1)}.")
    if r.night_min is not None:
        # "what share of N3 was in the first third?": of the stage's own minutes, first
        text = (f"**{100 * r.minutes / r.night_min if r.night_min else 0:.0f} %** of the night's "
                f"{r.night_min:.1f} min of {stages} fell{where} ({r.minutes:.1f} min). " + text)
    if r.other is not None and _minutes_apart(r.minutes, r.other[0]):
        # on an unscored night YASA's minutes may be far from the truth: the model's beside them
        text += (f" The {source_name(r.other[2])} staging reads **{r.other[0]:.1f} min** "
                 f"({r.other[1]:.1f} % of its sleep), {abs(r.minutes - r.other[0]):.1f} min apart, so this "
                 f"amount is **not settled**; ask *where do the stagers disagree?* for the epochs.")
    longest = sorted(r.periods, key=lambda p: -p.duration)[:5]
    if longest:
        # "how much deep sleep was there, and when?": the when, longest first (blue).
        text += " The longest (blue): " + ", ".join(
            f"{_span(night, p)} ({p.duration / 60:.1f} min)" for p in longest[:3]) + "."
    return _led_by_guess(_answer(night, text + stage_caveat(night, r.source), r.periods, longest),
                         night, r.source, whole)


@render.register
def _(r: PlmSeries, night: LoadedNight) -> Answer:
    where = _where(r.where)
    rule = "4 or more leg movements in a row, onsets 5-90 s apart"
    if not r.series:
        return Answer(f"No periodic series of leg movements{where} ({rule}) among the {r.total} "
                      f"{source_name(r.source)} leg movements of the night.")
    held = int(sum(i.value or 0 for i in r.series))
    shown = r.series[:_MAX_LINES]
    lines = "\n".join(
        f"- {_span(night, i)} ({(i.end - i.start) / 60:.1f} min, {int(i.value or 0)} leg "
        f"movements, one every {gap:.0f} s on average, mostly {i.stage})"
        for i, gap in zip(shown, r.intervals))
    more = f"\n- … and {len(r.series) - len(shown)} more" if len(r.series) > len(shown) else ""
    order = "longest first" if r.order == "longest" else "in time order"
    text = (f"**{len(r.series)}** periodic series of leg movements{where} ({rule}), holding "
            f"**{held}** of the night's {r.total} {source_name(r.source)} leg movements; "
            f"{order} (blue):\n{lines}{more}")
    return _answer(night, text, r.series, shown)


def _stage_set(stages: tuple[str, ...]) -> str:
    return "NREM" if stages == ("N1", "N2", "N3") else "/".join(stages)


@render.register
def _(r: StageRatio, night: LoadedNight) -> Answer:
    top, bottom = r.top, r.bottom
    a, b = _stage_set(top.stages), _stage_set(bottom.stages)
    where = _where(top.where)
    head = f"From the {source_name(top.source)} hypnogram{where}: "
    if bottom.minutes == 0:
        text = (f"{head}no {b} was scored, so the {a} to {b} ratio has no value; there were "
                f"**{top.minutes:.1f} min** of {a}.")
    else:
        ratio = top.minutes / bottom.minutes
        # below 1 the inverse reads better: "1 : 8.2" rather than "0.12 min for each minute"
        plain = (f"{ratio:.2f} min of {a} for each minute of {b}" if ratio >= 1 else
                 f"1 : {1 / ratio:.1f}" if top.minutes else f"no {a}")
        text = (f"{head}**{top.minutes:.1f} min** of {a} and **{bottom.minutes:.1f} min** of {b} "
                f"({top.pct_sleep:.1f} % and {bottom.pct_sleep:.1f} % of the {top.sleep_min:.1f} "
                f"min of sleep): the {a} to {b} ratio is **{ratio:.2f}** ({plain}).")
    longest = [p for side in (top, bottom) for p in sorted(side.periods, key=lambda p: -p.duration)[:2]]
    if longest:
        text += " The longest period of each (blue): " + ", ".join(
            f"{p.label} {_span(night, p)}" for p in longest) + "."
    return _answer(night, text + stage_caveat(night, top.source), top.periods + bottom.periods,
                   longest)


@render.register
def _(r: SignalRuns, night: LoadedNight) -> Answer:
    c = r.condition
    what = f"{r.label} {'below' if c.op == '<' else 'above'} {c.value:g} {r.unit}"
    rule = (f" ({r.definition}: {what}" + (f" for at least {r.min_duration:.0f} s" if
                                          r.min_duration else "") + ")") if r.definition else (
        f" lasting at least {r.min_duration:.0f} s" if r.min_duration else "")
    where = _where(r.where)
    if not r.runs:
        extreme = "lowest" if c.op == "<" else "highest"
        at = f" at **{clock(night, r.extreme_at)}**" if r.extreme_at is not None else ""
        text = (f"No stretch of {what}{rule}{where}: the {extreme} value was "
                f"**{r.extreme:.1f} {r.unit}**{at} (measured from {r.source} over {r.scope_min:.0f} min).")
        if r.extreme_at is None:
            return Answer(text)
        # "bradycardia?", then "when?" or "during an apnea?": that reading is what they ask of
        moment = Item(r.extreme_at, r.extreme_at + MOMENT_SEC, f"{extreme} {r.label}", "measured")
        return _answer(night, text, [moment], [Item(r.extreme_at, r.extreme_at + 30.0, moment.label, "measured")])
    shown = r.runs[:r.shown]
    extreme = "lowest" if c.op == "<" else "highest"
    share = f", {100 * r.total_min / r.scope_min:.1f} % of the {r.scope_min:.0f} min measured" \
        if r.scope_min else ""
    # a home test's sleep is the model's guess: its share of the time recorded stands alone
    in_sleep = None if r.in_sleep is not None and stages_guessed(night, r.in_sleep[2]) else r.in_sleep
    if in_sleep is not None and in_sleep[1] < r.scope_min - 0.5:
        runs_min, sleep_min, stages = in_sleep
        share += (f"; **{100 * runs_min / sleep_min:.1f} % of sleep** ({runs_min:.1f} of "
                  f"{sleep_min:.0f} min asleep, stages {source_name(stages)})")
    bridged = (f"; breaks under {seconds(r.bridged)} are bridged, as the signal hovers about the "
               f"line" if r.bridged else "")
    lead = ""
    if r.time_asked:
        # "what's the T90?": the time past the line first, as a share of sleep when there is sleep
        # (its minutes are those asleep when it is a share of sleep, so both figures agree)
        name = f"T{c.value:g}" if r.label == "SpO2" and c.op == "<" else f"Time with {what}"
        if in_sleep is not None and in_sleep[1]:
            awake = (f" ({r.total_min:.1f} min in all the time measured)"
                     if round(r.total_min, 1) != round(in_sleep[0], 1) else "")
            lead = (f"{name}{where}: **{in_sleep[0]:.1f} min** asleep, **{100 * in_sleep[0] / in_sleep[1]:.1f} "
                    f"% of {'the sleep in it' if where else 'sleep'}**{awake}.\n\n")
        else:
            recorded = f", **{100 * r.total_min / r.scope_min:.1f} % of the time recorded**" if r.scope_min else ""
            lead = f"{name}{where}: **{r.total_min:.1f} min**{recorded}.\n\n"
    if r.split:
        lead = _split_lead(r, what, night) + "\n\n"
    text = lead + (f"**{len(r.runs)}** stretches of {what}{rule}{where}, **{r.total_min:.1f} min** in "
            f"total{share} (measured from {r.source}{bridged}); the {len(shown)} with the {extreme} "
            f"values:\n"
            + "\n".join(f"- {_span(night, i)} ({length_text(i.duration)}, {extreme} {i.value:.1f} "
                        f"{i.unit}, stage {i.stage})" for i in shown))
    return _answer(night, text, r.runs, shown)


def _split_lead(r: SignalRuns, what: str, night: LoadedNight) -> str:
    """"T90 by stage": the group with the most time past the line, the one where it takes the
    largest share of sleep, and a row per group."""
    by = _BY_WORDS.get(r.by, r.by)
    stages = f", stages {source_name(r.in_sleep[2])}" if r.in_sleep is not None else ""
    found = leading(r.split)
    if found is None:
        head = f"No sleep time with {what} in any {by}{stages}."
    else:
        most, highest = found
        head = (f"Time with {what} in sleep, by {by}{stages}: the most in **{most.group}**, "
                f"**{most.past_min:.1f} min** ({most.share_pct:.1f} % of its {most.measured_min:.0f} "
                f"min of measured sleep)")
        if highest is not most:
            head += (f"; the largest share of its sleep in **{highest.group}**, "
                     f"**{highest.share_pct:.1f} %** ({highest.past_min:.1f} of "
                     f"{highest.measured_min:.0f} min)")
        head += "."
    past = f"min {'below' if r.condition.op == '<' else 'above'} {r.condition.value:g} {r.unit}"
    table = (f"| {by} | min asleep, measured | {past} | % of it |\n|---|---|---|---|\n"
             + "\n".join(f"| {row.group} | {row.measured_min:.1f} | {row.past_min:.1f} | "
                         f"{row.share_pct:.1f} |" for row in r.split))
    return head + "\n\n" + table


_DIP_ORDINALS = ("first", "second", "third", "fourth", "fifth")
"""How the dips of a signal's extremes are counted ("the second lowest SpO2")."""

_DECIMALS = {"°C": 2}
"""Decimals of a measured unit other than one: a body temperature moves by hundredths of a degree."""


@render.register
def _(r: SignalStats, night: LoadedNight) -> Answer:
    where = r.where or "over the whole night"
    steady = ("steady" if r.cv_pct < 5 else "moderately variable" if r.cv_pct < 10
              else "highly variable")
    d = _DECIMALS.get(r.unit, 1)
    text = (f"{r.label[0].upper() + r.label[1:]}, {where} ({clock(night, r.span[0])}–"
            f"{clock(night, r.span[1])}, measured from {r.source}): mean **{r.mean:.{d}f} {r.unit}**, "
            f"sd {r.sd:.{d}f} {r.unit} (coefficient of variation {r.cv_pct:.1f} %, {steady}), "
            f"lowest **{r.low:.{d}f} {r.unit}** at {clock(night, r.low_at)}, highest "
            f"**{r.high:.{d}f} {r.unit}** at {clock(night, r.high_at)}; the one-minute means vary "
            f"with sd {r.minute_sd:.{d}f} {r.unit}.")
    if r.quartiles is not None:
        # "the median heart rate in REM", "and its interquartile range?": those first
        q1, median, q3 = r.quartiles
        text = (f"Median **{median:.{d}f} {r.unit}**, interquartile range **{q1:.{d}f}–{q3:.{d}f} {r.unit}** "
                f"({r.n} samples).\n\n" + text)
    if r.change and r.smooth_low is not None and r.start_mean is not None:
        # "how much did the temperature drop?": from the start of sleep to the lowest 30-min mean
        (start, at), (extreme, centre) = r.start_mean, r.smooth_low
        moved = "fell" if extreme < start else "rose"
        text = (f"**{r.label[0].upper() + r.label[1:]} {moved} {abs(extreme - start):.{d}f} {r.unit}**: "
                f"from a mean of {start:.{d}f} {r.unit} over the first 30 min of sleep (from "
                f"{clock(night, at)}) to the {'lowest' if r.change == 'drop' else 'highest'} 30-min mean, "
                f"**{extreme:.{d}f} {r.unit}**, centred at **{clock(night, centre)}** (30-min means, "
                f"which one reading's noise cannot set).\n\n" + text)
    if r.focus:  # "when was the lowest saturation?": when, and in which stage
        at = r.low_at if r.focus == "lowest" else r.high_at
        text += (f"\n\nThe {r.focus} value falls at **{clock(night, at)}** (epoch "
                 f"{night.epoch_at(at)}), in **{stage_at(night, at)}**{_guessed(night)}"
                 f"{_model_stage_apart(night, at)}.")
    if len(r.dips) > 1:
        # "and the second lowest?": the next dip, not the reading a second beside the nadir
        word = "dip" if r.focus == "lowest" else "peak"
        text += (f"\n\nThe {r.focus} reading of each separate {word}, the {len(r.dips)} most extreme "
                 f"first (blue; *the second one* goes to the next):\n" + "\n".join(
                     f"- **{i.value:.{d}f} {i.unit}** at {_span(night, i)}, in {i.stage}" for i in r.dips))
    if r.focus == "lowest" and r.unit == "°C":
        if r.smooth_low is not None:
            text += (f" The lowest 30-min mean, which one reading's noise cannot set, is "
                     f"**{r.smooth_low[0]:.2f} °C**, centred at **{clock(night, r.smooth_low[1])}**.")
        text += (" A core (rectal) temperature's low point marks the circadian low, usually 1-3 h "
                 "before habitual waking; sleep and lying still lower it too, so one night's low "
                 "places the circadian low only roughly, and a skin probe's not at all.")
    if len(r.top) > 1:
        text += (f" The {len(r.top)} epochs with the {r.focus} values (blue):\n" + "\n".join(
            f"- {_span(night, i)} (epoch {night.epoch_at(i.start)}, {i.value:.1f} {i.unit}, "
            f"stage {i.stage})" for i in r.top))
        return _answer(night, text, r.top)
    if r.rest is not None:
        diff = r.mean - r.rest[0]
        text += (f"\n\nAgainst the rest of sleep (mean {r.rest[0]:.{d}f} {r.unit}) that is "
                 f"**{diff:+.{d}f} {r.unit}** ({100 * diff / r.rest[0]:+.{d - 1}f} %)." if r.rest[0] else "")
    # drawn an epoch wide, to be seen on the overview
    marks = [Item(r.low_at, r.low_at + 30.0, f"lowest {r.label}", "measured"),
             Item(r.high_at, r.high_at + 30.0, f"highest {r.label}", "measured")]
    span = Item(r.span[0], r.span[1], r.label, "measured")
    # "where was the heart rate highest?": the viewer goes there.
    jump = night.epoch_at(r.low_at if r.focus == "lowest" else r.high_at) if r.focus else None
    # The follow-ups ("when?", "what happened before it?") point at the extremes, each the moment
    # it was read at (no 30 s that "lasted"), and at the one asked for alone
    moments = [Item(m.start, m.start + MOMENT_SEC, m.label, "measured") for m in marks]
    if 0 < r.nth < len(r.dips):
        # "second lowest SpO2": that dip's reading leads, and the viewer goes there
        dip = r.dips[r.nth]
        text = (f"The {_DIP_ORDINALS[r.nth]} {r.focus} {r.label}, the {r.focus} reading of a separate "
                f"{'dip' if r.focus == 'lowest' else 'peak'}: **{dip.value:.{d}f} {dip.unit}** at "
                f"**{clock(night, dip.start)}**, in **{dip.stage}**.\n\n" + text)
        jump = night.epoch_at(dip.start)
    picks = (r.dips if len(r.dips) > 1 else moments if not r.focus
             else moments[:1] if r.focus == "lowest" else moments[1:])
    # each dip drawn an epoch wide, as the extremes are
    dips = [Item(i.start, i.start + 30.0, i.label, "measured") for i in r.dips[1:]]
    return _answer(night, text, picks, [span, *marks, *dips], jump=jump)


SLEEP_APART_MIN = 30.0
"""Minutes of total sleep or WASO two stagings must put apart for the summary to call the
figure not settled (an efficiency, the same over an 8-h night: 6.25 points)."""
LATENCY_APART_MIN = 15.0
"""Minutes by which two stagings' latencies of one stage must differ before the figure is called
not settled: a scorer's placing of a stage's first epoch moves it by a few minutes at most."""
SOREMP_MIN = 15.0
"""A REM latency this short (minutes) is a sleep-onset REM period (ICSD-3, on nocturnal PSG)."""

LISTED = 5
"""Runs, stretches and pauses listed in a Cheyne-Stokes, REM-atonia or rhythm answer (all
are drawn)."""


@render.register
def _(r: CheyneStokes, night: LoadedNight) -> Answer:
    rule = ("the AASM scores Cheyne-Stokes breathing for 3 or more consecutive central events "
            "with a cycle of 40 s or more, 5 or more of them per hour of sleep, over at least 2 h")
    verdict = "**meet the event side of the rule**" if r.met else "**do not meet the rule**"
    text = (f"Cheyne-Stokes breathing{_where(r.where)}: the {source_name(r.source)} central "
            f"apneas {verdict} ({rule}). **{len(r.runs)}** run{'s' * (len(r.runs) != 1)} of 3 or "
            f"more consecutive central apneas with 40-120 s cycles; **{r.in_runs}** central "
            f"apneas in them during sleep, **{r.rate:.1f} per hour** of the {r.sleep_h:.1f} h "
            f"asleep, over {r.hours:.1f} h recorded.")
    if r.runs:
        text += "\n\n" + "\n".join(
            f"- {_span(night, i)} ({i.label}, cycle {c:.0f} s, stage {i.stage})"
            for i, c in list(zip(r.runs, r.cycles))[:LISTED])
        if len(r.runs) > LISTED:
            text += f"\n- … and {len(r.runs) - LISTED} more"
    text += ("\n\nThe events are read, not the breathing between them: the rule also asks for a "
             "crescendo-decrescendo change in breathing amplitude, which I do not measure"
             + ("; check the airflow at these times." if r.runs else ".")
             + " Central hypopneas are not told apart from obstructive ones here, so only "
             "apneas count.")
    return _answer(night, text, r.runs, r.runs[:LISTED])


@render.register
def _(r: RemTone, night: LoadedNight) -> Answer:
    a = r.atonia
    idx = a.epochs[r.mask]
    sustained, transient = a.sustained[r.mask], a.transient[r.mask]
    either = sustained | transient
    n = len(idx)
    text = (f"Chin tone in REM{_where(r.where)} ({a.source}; {n} REM epochs, "
            f"{source_name(r.stages)} stages): **{either.sum()}** ({100 * either.mean():.0f} %) "
            f"meet the AASM's REM-without-atonia rule, **{sustained.sum()}** by sustained "
            f"activity and **{transient.sum()}** by transient bursts. The REM level is "
            f"{a.rem_level:.1f} µV against {a.nrem_level:.1f} µV in NREM (lowest NREM level "
            f"{a.nrem_minimum:.1f} µV{_sure_reference(a)}); {100 * a.phasic_share:.0f} % of the "
            f"night's REM 3-s mini-epochs hold a burst.")
    text += ("\n\nHow the rule is read: an epoch is sustained when its median chin amplitude "
             "(rectified EMG over 10 Hz, 0.1-s average) exceeds the 5th percentile of the NREM "
             "epochs'; transient when 5 of its 10 three-second mini-epochs hold a 0.1-5 s burst "
             "four times the night's REM level. These are our numbers for the manual's words. "
             "REM sleep behaviour disorder is a clinical diagnosis that also needs the history "
             "and video; this is not one.")
    if r.stages != "scored":
        text += ("\n\nThese REM epochs are the machine's, which nobody has checked: an N1 epoch it "
                 "took for REM brings N1's chin tone and reads as REM without atonia, so the share "
                 "tends to run high. On nine synthetic nights with scoring it ran from 2 points "
                 "below to 28 above the scored share (median 8 above). Review the flagged epochs "
                 "before reporting it.")
    if r.stretches:
        text += "\n\nThe longest stretches:\n" + "\n".join(
            f"- {_span(night, p)} ({p.duration / 60:.1f} min)" for p in r.stretches[:LISTED])
    return _answer(night, text, r.epochs, r.stretches[:LISTED])


def _sure_reference(a: RemAtonia) -> str:
    """Which NREM epochs set the lowest NREM level, where a machine staging narrowed them."""
    if a.nrem_reference == a.nrem_epochs:
        return ""
    return (f", over the {a.nrem_reference} of {a.nrem_epochs} NREM epochs the machine gave REM "
            f"odds under {SURE_NREM_REM_ODDS:g}, so that REM it staged NREM does not lower it")


@render.register
def _(r: HeartRhythm, night: LoadedNight) -> Answer:
    if r.sides:
        return Answer(_rhythm_sides(r))
    s = r.summary
    per_hour = s.ectopic / s.hours if s.hours else 0.0
    stretches = [Item(a, b, f"irregular rhythm ({100 * share:.0f} % of intervals)", "measured")
                 for a, b, share in s.stretches]
    pauses = [Item(a, a + d, f"RR pause {d:.1f} s", "measured", value=d, unit="s")
              for a, d in s.pauses]
    if stretches or pauses:
        lead = (f"By its beat timing the rhythm has **{len(stretches)} irregular "
                f"stretch{'es' * (len(stretches) != 1)}** and **{len(pauses)} "
                f"pause{'s' * (len(pauses) != 1)}** to review.")
    else:
        lead = (f"By its beat timing the rhythm looks **regular**: no irregular stretch "
                f"({_STRETCH_RULE}) and no pause ({_PAUSE_RULE}).")
    text = (f"{lead} Beat to beat from the ECG ({r.source}; {s.n_beats:,} beats over {s.hours:.1f} h"
            f"{_where(r.where)}): regular intervals average **{s.mean_hr:.0f} bpm**, RMSSD "
            f"{s.rmssd_ms:.0f} ms, pNN50 {s.pnn50_pct:.0f} %. **{s.irregular_pct:.1f} %** of "
            f"intervals change by more than 20 % from the one before (Malik's rule), and "
            f"**{s.ectopic}** beats read as ectopic ({per_hour:.1f} per hour; Kubios method).")
    if stretches or pauses:
        text += "\n\n" + _listed(night, stretches, "irregular stretch", "irregular stretches",
                                 _STRETCH_RULE)
        text += "\n\n" + _listed(night, pauses, "pause", "pauses", _PAUSE_RULE)
    if not pauses:
        text += (f" The longest RR interval is {s.longest_rr[1]:.2f} s at "
                 f"{clock(night, s.longest_rr[0])}.")
    text += ("\n\nThis reads beat timing, not the waveform: an irregular stretch may be ectopic "
             "beats, atrial fibrillation or artefact, and a pause may be a lead problem. Look at "
             "the ECG at the marked times; this is not a rhythm diagnosis.")
    items = sorted(stretches + pauses, key=lambda i: i.start) or [
        Item(s.longest_rr[0], s.longest_rr[0] + s.longest_rr[1], "longest RR interval",
             "measured", value=s.longest_rr[1], unit="s")]
    return _answer(night, text, items)


_POSITION_PHRASES = {"supine": "on the back (supine)", "prone": "on the stomach (prone)",
                   "left": "on the left side", "right": "on the right side",
                   "upright": "upright", "left/right": "on either side"}


@render.register
def _(r: PositionPeriods, night: LoadedNight) -> Answer:
    name = _POSITION_PHRASES.get("/".join(r.positions), "/".join(r.positions))
    where = _where(r.where)
    if not r.periods:
        return Answer(f"The position channel never reads the sleeper {name}{where}.")
    share = (f", {100 * r.asleep_min / r.sleep_min:.0f} % of sleep" if r.sleep_min else "")
    longest = sorted(r.periods, key=lambda i: -i.duration)
    lines = "\n".join(f"- {_span(night, p)} ({p.duration / 60:.1f} min, starts in {p.stage})"
                      for p in longest[:_MAX_LINES])
    more = f"\n- … and {len(longest) - _MAX_LINES} more" if len(longest) > _MAX_LINES else ""
    text = (f"Lying {name}{where}: **{len(r.periods)}** period{'s' * (len(r.periods) != 1)}, "
            f"**{r.total_min:.1f} min** in total, {r.asleep_min:.1f} min of it asleep{share} "
            f"(position channel; stages from the {source_name(r.stages)} hypnogram). The "
            f"longest first:\n{lines}{more}")
    return _answer(night, text, r.periods)


@render.register
def _(r: PositionChanges, night: LoadedNight) -> Answer:
    where = _where(r.where)
    if not r.changes:
        return Answer(f"The position channel reads no change of body position{where}.")
    rate = (f", {r.in_sleep / r.sleep_h:.1f} per hour of sleep" if r.sleep_h else "")
    lines = "\n".join(f"- **{clock(night, c.start)}** {c.label} ({c.stage})"
                      for c in r.changes[:_MAX_LINES])
    more = f"\n- … and {len(r.changes) - _MAX_LINES} more" if len(r.changes) > _MAX_LINES else ""
    text = (f"**{len(r.changes)}** change{'s' * (len(r.changes) != 1)} of body position{where}, "
            f"**{r.in_sleep}** of them in sleep{rate} (position channel, read per 30-s epoch, so "
            f"turns less than an epoch apart count once; stages from the "
            f"{source_name(r.stages)} hypnogram):\n{lines}{more}")
    return _answer(night, text, r.changes)


@render.register
def _(r: PeakFrequencies, night: LoadedNight) -> Answer:
    band = f"{r.band} " if r.band else ""
    how = (f"Mean spectrum of {r.channel} over up to {PeakConfig().max_epochs} epochs per stage "
           f"(stages from the {source_name(r.source)} hypnogram), split by FOOOF (Donoghue et al. "
           f"2020) into its 1/f background and the peaks above it.")
    if r.slope_asked:
        slopes = ", ".join(f"{row.stage} **{row.exponent:.2f}**" for row in r.rows)
        lead = (f"The EEG's aperiodic (1/f) exponent{_where(r.where)}: {slopes} (power falls as "
                f"1/f to that power; it grows from wake to deep sleep and tracks arousal level: "
                f"Lendner et al. 2020).")
    elif len(r.rows) == 1:
        lead = _peak_sentence(r.rows[0], band, r.where)
    else:
        lead = f"Per stage{_where(r.where)}, the strongest {band}rhythm above the 1/f background:"
    if r.band == "alpha":
        how += (" An adult's alpha peak lies near 10 Hz (8-12 Hz) in relaxed wake with the eyes "
                "closed and slows with age and drowsiness (Klimesch 1999).")
    # five narrow columns: the chat panel is a third of the screen
    rows = "\n".join(
        f"| {row.stage} | {row.epochs} | {_peak_cell(row)} | "
        f"{' '.join(f'{hz:.1f}' for hz in row.peaks) or 'none'} | {row.exponent:.2f} |"
        for row in r.rows)
    table = (f"| stage | epochs | {band}peak, Hz (x background) | all peaks, Hz | 1/f exponent |\n"
             f"|---|---|---|---|---|\n" + rows)
    raw = sorted(row.raw_max_hz for row in r.rows)
    fits = sorted(row.r_squared for row in r.rows)
    how += (f" The raw spectrum's maximum lies at {_range_text(raw[0], raw[-1])} Hz; the model fits "
            f"each spectrum with R² {_range_text(fits[0], fits[-1], '.2f')}.")
    return Answer(f"{lead}\n\n{table}\n\n{how}")


_LEAD_TOPOGRAPHY = ("Across the scalp, alpha is largest over the back of the head (Pz-Oz, O1/O2: "
                    "the AASM reads wake there), slow waves frontally (Fpz, F3/F4: N3 is read there) "
                    "and 12-15 Hz spindles centrally (C3/C4); a lead whose beta or delta stands out "
                    "against this may carry muscle or movement artefact (ask *which channel is noisiest?*).")


@render.register
def _(r: LeadComparison, night: LoadedNight) -> Answer:
    bands = [b for b in r.rows[0].sleep]
    head = "| channel | " + " | ".join(bands) + " | " + " | ".join(
        f"{band} in {stage}" for band, stage in BAND_STAGE.items() if band in r.rows[0].in_stage)
    extra = [band for band in BAND_STAGE if band in r.rows[0].in_stage]
    rows = "\n".join(f"| {row.label} | " + " | ".join(f"{row.sleep.get(b, float('nan')):.1f}" for b in bands)
                     + "".join(f" | {row.in_stage.get(b, float('nan')):.1f}" for b in extra) + " |" for row in r.rows)
    table = f"{head} |\n|" + "---|" * (1 + len(bands) + len(extra)) + f"\n{rows}"
    # the band whose share differs most between the leads, in % points
    spread = {b: max(row.sleep[b] for row in r.rows) - min(row.sleep[b] for row in r.rows)
              for b in bands if all(b in row.sleep for row in r.rows)}
    widest = max(spread, key=spread.get)
    high = max(r.rows, key=lambda row: row.sleep[widest])
    low = min(r.rows, key=lambda row: row.sleep[widest])
    lead = (f"**{len(r.rows)} EEG leads compared**{_where(r.where)}, mean band power (% of the EEG power per "
            f"epoch) over {r.sleep_epochs} sleep epochs ({source_name(r.source)} stages): they differ most in "
            f"**{widest}**, {high.sleep[widest]:.1f} % on **{high.label}** against {low.sleep[widest]:.1f} % on "
            f"{low.label}.")
    return Answer(f"{lead}\n\n{table}\n\n{_LEAD_TOPOGRAPHY} For spindles or slow waves counted on each "
                  f"lead, ask *spindles on each channel*.")


@render.register
def _(r: PositionNadir, night: LoadedNight) -> Answer:
    asked = next((row for row in r.rows if row.position == r.asked.split(",")[0]), None)
    lead = (f"**Lowest SpO2 {_POSITION_PHRASE.get(asked.position, asked.position)}{_where(r.where)}: {asked.lowest:.1f} %** "
            f"at {clock(night, asked.at)}, over {asked.minutes:.0f} min there." if asked is not None else
            f"This night has no {r.asked} epochs{_where(r.where)} to read; each position's lowest SpO2:" if r.asked else
            f"**Lowest SpO2 by body position**{_where(r.where)}:")
    table = "\n".join(f"| {row.position} | {row.lowest:.1f} | {clock(night, row.at)} | {row.minutes:.0f} |"
                      for row in r.rows)
    return Answer(f"{lead}\n\n| body position | lowest SpO2 (%) | at | minutes |\n|---|---|---|---|\n{table}\n\n"
                  f"The lowest sample in each position, read on {r.source}, not the per-epoch "
                  f"means a split by position reads.", highlights=[Highlight(
                      (asked or r.rows[0]).at - 15.0, (asked or r.rows[0]).at + 15.0, "lowest SpO2")])


_POSITION_PHRASE = {"supine": "on the back (supine)", "prone": "on the front (prone)", "left": "on the left side",
                    "right": "on the right side", "upright": "upright"}


def _asked_lead(r: ChannelEvents, name: str, stages: str) -> str:
    """"spindles on Pz-Oz": that lead's count first, or that the night has no such lead ("" when
    the question named none)."""
    if not r.asked:
        return ""
    key = re.sub(r"[\s-]+", "-", r.asked.lower())
    row = next((row for row in r.rows if key in row.label.lower().replace(" ", "-")), None)
    if row is None:
        return f"This recording has no usable EEG lead {r.asked}; its own leads:\n\n"
    return (f"**{row.label}**: **{row.events}** {name} over {r.minutes:.1f} min of {stages}, "
            f"**{row.per_minute:.2f}/min**.\n\n")


@render.register
def _(r: ChannelEvents, night: LoadedNight) -> Answer:
    spindles = r.kind == "spindle"
    value, unit = ("mean frequency", "Hz") if spindles else ("mean amplitude, peak to peak", "µV")
    name = "spindles" if spindles else "slow waves"
    stages = "/".join(r.stages)
    rows = "\n".join(f"| {row.label} | {row.sfreq:g} | {row.events} | {row.per_minute:.2f} | "
                     + (f"{row.mean_duration:.2f} s | {row.mean_value:.1f} {unit} |" if row.events else "— | — |")
                     for row in r.rows)
    top = max(r.rows, key=lambda row: row.per_minute)
    lead = (f"**{name.capitalize()} per minute of {stages}** on each EEG channel{_where(r.where)}, over "
            f"{r.minutes:.1f} min of {stages} ({source_name(r.source)} stages): most on **{top.label}**, "
            f"**{top.per_minute:.2f}/min** ({top.events})."
            if len(r.rows) > 1 else
            f"The night has one usable EEG channel, **{top.label}**: **{top.per_minute:.2f} {name} per minute** "
            f"of {stages} ({top.events} over {r.minutes:.1f} min, {source_name(r.source)} stages).")
    lead = _asked_lead(r, name, stages) + lead
    text = (f"{lead}\n\n| channel | Hz | {name} | per minute | mean length | {value} |\n"
            f"|---|---|---|---|---|---|\n{rows}\n\nEach channel read by YASA "
            f"{'spindles_detect' if spindles else 'sw_detect'} with the settings of the machine scoring, "
            f"which itself reads only the first channel listed. Counts differ across the scalp: "
            + ("spindles of 12-15 Hz are largest over the centre of the head, slower ones frontally."
               if spindles else "slow waves are largest frontally."))
    if r.skipped:
        text += " Left out: " + "; ".join(r.skipped) + "."
    return Answer(text)


@render.register
def _(r: SOCoupling, night: LoadedNight) -> Answer:
    c = r.coupling
    o = c.overall
    per = "; ".join(f"{stage} {s.waves} waves, {s.phase_deg:+.0f}°, R {s.vector_length:.2f}"
                    for stage, s in c.by_stage.items())
    consistency = (f"consistency {o.vector_length:.2f}: the mean resultant length, 0 for no "
                   f"preferred phase, 1 for one phase; Rayleigh p {_p_text(o.rayleigh_p)}")
    phase = (f"peaks at a mean slow-wave phase of **{o.phase_deg:+.0f}°** (0° is the slow wave's "
             f"positive peak, the up-state; ±180° its trough; {consistency})"
             if o.rayleigh_p < COUPLED_P else
             f"has **no preferred slow-wave phase** ({consistency}; its mean, {o.phase_deg:+.0f}° "
             f"from the up-state, means little)")
    return Answer(
        f"Slow-oscillation–spindle coupling on {c.channel}{_where(r.where)}: over **{o.waves}** "
        f"slow waves, the spindle band (12-16 Hz) {phase}. **{o.coupled}** of them ({100 * o.coupled / o.waves:.0f} %) pass the ndPAC threshold "
        f"(p < 0.05; mean ndPAC {o.mean_ndpac:.2f}). By stage: {per}.\n\n"
        f"In young adults spindles peak on or just after the up-state; with age they drift "
        f"earlier in the slow wave and the coupling loosens (Helfrich et al. 2018, Neuron "
        f"97:221). This reads the amplitude of the spindle band, not detected spindles, as YASA's "
        f"author advises ({c.source}, stages from the {source_name(r.source)} hypnogram).")


COUPLED_P = 0.05
"""Rayleigh p under which the slow waves' sigma peaks are said to share a phase."""


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _peak_cell(row: PeakRow) -> str:
    """"**13.3** sigma x3.3": the strongest peak, its band and its height over the background."""
    if row.peak_hz is None:
        return "none"
    return f"**{row.peak_hz:.1f}** {band_of(row.peak_hz)} x{row.peak_ratio:.1f}"


def _range_text(lo: float, hi: float, fmt: str = ".1f") -> str:
    """"1.0" when both ends read the same, else "1.0-1.2"."""
    a, b = format(lo, fmt), format(hi, fmt)
    return a if a == b else f"{a}-{b}"


def _peak_sentence(row: PeakRow, band: str, where: str) -> str:
    """One stage's peak in words, with the raw maximum that a "dominant frequency" may mean."""
    stage = "" if row.stage in where else f" in {row.stage}"
    raw = (f" The raw spectrum itself is highest at {row.raw_max_hz:.1f} Hz: sleep EEG's power "
           f"piles up at the lowest frequencies.")
    if row.peak_hz is None:
        return (f"No {band}rhythm stands above the 1/f background{stage}{_where(where)} "
                f"({row.epochs} epoch{'s' if row.epochs != 1 else ''}).{raw}")
    return (f"The strongest {band}rhythm above the 1/f background{stage}{_where(where)} is at "
            f"**{row.peak_hz:.1f} Hz** ({band_of(row.peak_hz)} band, {row.peak_ratio:.1f} times the "
            f"background's power there; {row.epochs} epoch{'s' if row.epochs != 1 else ''}).{raw}")


@render.register
def _(r: BurdenResult, night: LoadedNight) -> Answer:
    what = ("The hypoxic burden (Azarbarzin et al. 2019) is the total area of the SpO2 dips tied "
            "to apneas and hypopneas, each read against its own baseline (the highest SpO2 in the "
            "100 s before the event ends) over a window taken from the dip of the SpO2 averaged "
            "over all the events; in cohort studies it predicted cardiovascular death better "
            "than the AHI.")
    b = r.burden
    if b is None:
        return Answer(f"**The hypoxic burden cannot be computed on this night**: {r.why}. {what}")
    per = "hour recorded (a home test without EEG: its sleep is only guessed)" if r.per_recorded \
        else "hour of sleep"
    judged = ("**No clinical cut-off is set for the hypoxic burden**: the cohorts that introduced it "
              "(Azarbarzin et al. 2019) found cardiovascular mortality rising across its quintiles, "
              "not above one line, and no body has adopted a normal range, so it cannot be called "
              "high or normal on its own; set it beside the same night's ODI and T90, which have "
              "customary limits.\n\n") if r.norm_asked else ""
    return Answer(judged + f"Hypoxic burden: **{b.per_hour:.1f} %·min per {per}**, from {b.events} apneas "
                  f"and hypopneas ({source_name(r.events_source)}) on {r.channel}. The SpO2 "
                  f"averaged over them falls {b.ensemble_dip:.1f} points, from {b.window[0]:+.0f} "
                  f"to {b.window[1]:+.0f} s around their end, the window each event's area is "
                  f"read over. {what} Computed here from the paper's description (no maintained "
                  f"library implements it), so compare it with published values as a close "
                  f"reading, not the authors' own software.")


@render.register
def _(r: HypopneaRules, night: LoadedNight) -> Answer:
    index = "REI" if r.recorded else "AHI"
    per = "hour recorded (no EEG: sleep is only guessed)" if r.recorded else "hour of sleep"

    def row(rule: str, hypopneas: int) -> str:
        n = r.apneas + hypopneas
        rate = n / r.hours if r.hours > 0 else float("nan")
        return f"| {rule} | {hypopneas} | {n} | **{rate:.1f}/h** | {norms.graded(rate, night).split(' (')[0]} |"

    rows = [row("as scored", r.hypopneas),
            *(row(f"tied to a ≥{drop:g} % desaturation" + (" (AASM 1B, CMS)" if drop == 4 else
                                                         " (the oxygen part of AASM 1A)"), n)
              for drop, n in r.with_drop.items())]
    return Answer(f"{index} by hypopnea rule, per {per} ({r.apneas} apneas in every row; "
                  f"{source_name(r.source)} events, desaturation falls measured on {r.channel}):\n\n"
                  f"| hypopneas | counted | apneas + hypopneas | {index} | AASM adult band |\n"
                  f"|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
                  "The AASM recommends rule 1A (a ≥3 % desaturation *or* an arousal); rule 1B, "
                  "which Medicare uses, asks for a ≥4 % desaturation and no arousal counts. A "
                  "hypopnea is tied to a desaturation that starts during it or within 30 s of "
                  "its end. " + (f"The machine scoring here scored hypopneas by {r.machine_rule}: the "
                                 "\"as scored\" row." if r.machine_rule else
                                 "The scoring's own hypopnea rule is not recorded in the file."))


def _spread(index: str, rates: list[float]) -> str:
    """"Across these readings the AHI runs from 29.5 to 33.2/h", or its one value."""
    if max(rates) - min(rates) < 0.05:
        return f"Under every reading the {index} is **{rates[0]:.1f}/h**"
    return f"Across these readings the {index} runs from **{min(rates):.1f}** to **{max(rates):.1f}/h**"


@render.register
def _(r: AhiRobustness, night: LoadedNight) -> Answer:
    index = "REI" if r.recorded else "AHI"
    first = r.readings[0]
    per = "recording (no EEG, so sleep is only guessed)" if r.recorded else "sleep"
    rates = [x.rate for x in r.readings if np.isfinite(x.rate)]
    bands = list(dict.fromkeys(norms.band_name(rate, night) for rate in rates))
    rows = "\n".join(f"| {x.label} | {x.events} | {x.hours:.1f} | **{x.rate:.1f}/h** | "
                     f"{norms.band_name(x.rate, night)} |" for x in r.readings)
    spread = (f"stays **{bands[0]}** under every reading" if len(bands) == 1 else
              f"moves between **{' and '.join(bands)}**, so its band depends on those choices")
    return Answer(f"**{index} {first.rate:.1f}/h** as reported: {first.events} apneas and "
                  f"hypopneas over {first.hours:.1f} h of {per}; {source_name(r.source)} events, "
                  f"{source_name(r.stage_source)} stages. Re-read with each choice it rests on "
                  f"changed:\n\n| reading | apneas + hypopneas | hours | {index} | AASM adult band |"
                  f"\n|---|---|---|---|---|\n{rows}\n\n{_spread(index, rates)} and {spread}. "
                  + (f"{norms.rei_wake_caveat(first.events, first.hours, night)} " if r.recorded else "")
                  + f"{r.checked}. One "
                  f"night's index, not a diagnosis; *how confident is the staging?* shows the "
                  f"sleep it is divided by.")


_MARGIN_NAMES = {"duration": "length", "apnea_flow": "apnea airflow", "hypopnea_flow": "hypopnea airflow",
                 "effort": "central or obstructive", "desaturation": "desaturation depth",
                 "tie_desaturation": "hypopnea's desaturation", "tie_arousal": "hypopnea's arousal"}


def _margin_line(m: RuleMargin, night: LoadedNight) -> str:
    """One event near one cut: what was measured against what the rule asks, and the other side."""
    e = m.event
    head = f"**{clock(night, e.onset)}** {e.type.replace('_', ' ')} ({seconds(e.duration)}, {stage_at(night, e.onset)})"
    reading = {
        "duration": f"lasted **{m.measured:.1f} s** against the {m.cut:g} s the rule asks",
        "apnea_flow": f"airflow at **{m.measured:.0f} %** of the breaths before, against the {m.cut:.0f} % an "
                      f"apnea is scored under (the scorer's cut for a 90 % drop); above it, a hypopnea",
        "hypopnea_flow": f"airflow at **{m.measured:.0f} %** of the breaths before, against the {m.cut:.0f} % "
                         f"(a 30 % drop) a hypopnea needs",
        "effort": f"effort absent for **{m.measured:.0f} %** of it, against the {m.cut:.0f} % that types an "
                  f"apnea central; on the other side, {m.otherwise}",
        "desaturation": f"fell **{m.measured:.1f} points**, against the {m.cut:g} the rule asks",
        "tie_desaturation": f"its only tie is a desaturation of **{m.measured:.1f} points**, against the "
                            f"{m.cut:g} the rule asks",
        "tie_arousal": f"its only tie is an arousal starting **{m.measured:.1f} s** after it ended, of the "
                       f"{m.cut:g} s the rule allows",
    }[m.rule]
    return f"- {head}: {reading}"


def _margins_text(r: RuleMargins, night: LoadedNight) -> str:
    index = "REI" if r.recorded else "AHI"
    if not r.margins:
        return (f"None of the night's {r.judged} {r.kinds} ({source_name(r.source)} events) lies near the "
                f"cut of the rule that scores it, as the machine scorer measures them.")
    events = len({id(m.event) for m in r.margins})
    nearest = sorted(r.margins, key=lambda m: m.closeness)[:8]
    by_cut = Counter(_MARGIN_NAMES[m.rule] for m in r.margins)
    text = (f"**{events}** of the night's {r.judged} {r.kinds} "
            f"({source_name(r.source)} events) {'lies' if events == 1 else 'lie'} near the cut of the rule that scores them, each "
            f"measured as the machine scorer measures it. The nearest:\n"
            + "\n".join(_margin_line(m, night) for m in nearest)
            + "\n\nBy cut: " + ", ".join(f"{name} {n}" for name, n in by_cut.most_common()) + ".")
    if r.hours > 0 and r.counted:
        kept = r.counted - r.dropped
        before, after = r.counted / r.hours, kept / r.hours
        bands = (norms.band_name(before, night), norms.band_name(after, night))
        verdict = (f"**{bands[0]}** either way" if bands[0] == bands[1]
                   else f"from **{bands[0]}** to **{bands[1]}**: the band hangs on these events")
        text += (f"\n\n{index} **{before:.1f}/h** as counted ({r.counted} over {r.hours:.1f} h); without the "
                 f"{r.dropped} that the other side of their cut would not score, **{after:.1f}/h**, "
                 f"{verdict}.")
    return text


@render.register
def _(r: RuleMargins, night: LoadedNight) -> Answer:
    return _answer(night, _margins_text(r, night), _margin_items(r, night))


def _margin_items(r: RuleMargins, night: LoadedNight) -> list[Item]:
    seen: dict[int, Item] = {}
    for m in sorted(r.margins, key=lambda m: m.closeness):
        e = m.event
        seen.setdefault(id(e), Item(e.onset, e.offset, e.type.replace("_", " "), e.source or r.source,
                                    stage_at(night, e.onset)))
    return list(seen.values())


@render.register
def _(r: SignOff, night: LoadedNight) -> Answer:
    events = (_margins_text(r.events, night) if isinstance(r.events, RuleMargins)
              else render(r.events, night).text)
    items = _margin_items(r.events, night) if isinstance(r.events, RuleMargins) else []
    if r.in_wake and isinstance(r.events, RuleMargins) and r.events.hours > 0:
        with_them = (r.events.counted + len(r.in_wake)) / r.events.hours
        starts = ", ".join(f"**{clock(night, e.onset)}**" for e in r.in_wake[:5])
        events += (f"\n\n**{len(r.in_wake)}** apneas and hypopneas start in epochs the staging calls wake "
                   f"({'at' if len(r.in_wake) == 1 else 'the first at'} {starts}), so the AHI leaves them out; with them, over the same hours, it would read "
                   f"**{with_them:.1f}/h**. "
                   f"Breathing events in wake often mark sleep staged as wake: check those epochs.")
        items += [Item(e.onset, e.offset, e.type.replace("_", " "), e.source or r.events.source, "W")
                  for e in r.in_wake]
    figures = (_onset_doubt(night) + _summary_lone_rem(night, night.summary())
               + _model_rem_before(night, night.stages()[1])).strip()
    figures = f"\n\nFigures that rest on one doubtful epoch: {figures}" if figures else ""
    text = (f"Before signing off, check these two things first.\n\n**1. The staging.** "
            f"{_scoring_text(r.facts, night)}{figures}\n\n**2. Events near their rule's cut.** {events}\n\n"
            f"Also worth a look: *which channel is the noisiest?* (signal quality) and *how reliable is "
            f"the AHI?* (the index under the other choices it rests on).")
    return _answer(night, text, r.facts.items + items)


@render.register
def _(r: BandRatio, night: LoadedNight) -> Answer:
    name = f"{r.top.capitalize()}/{r.bottom} ratio"
    bands = " over ".join(f"{b} ({lo:g}-{hi:g} Hz)" for b, (lo, hi) in r.edges.items())
    where = _where(r.where)
    stages = ", ".join(f"{stage} **{ratio:.2f}** ({n})" for stage, ratio, n in r.by_stage)
    return Answer(f"{name}{where}: **{r.ratio:.2f}** over {r.n} epochs (per-epoch median "
                  f"{r.median:.2f}, quartiles {r.q1:.2f}-{r.q3:.2f}); EEG {r.channel}, the mean "
                  f"power of {bands}.\n\nBy {source_name(r.source)} stage (ratio, epochs): "
                  f"{stages}.")


@render.register
def _(r: EventKinds, night: LoadedNight) -> Answer:
    kinds = (r.first, r.second)
    names = [_events(k.name) for k in kinds]

    def row(label: str, cell) -> str:
        return f"| {label} | " + " | ".join(cell(k) for k in kinds) + " |"

    def length(k, read) -> str:
        return seconds(float(read(k.durations))) if k.durations else "—"

    lines = [f"| | {names[0]} | {names[1]} |", "|---|---|---|",
             row("count", lambda k: str(len(k.durations))),
             row("per hour of sleep", lambda k: f"{len(k.durations) / r.sleep_h:.1f}" if r.sleep_h
                 else "—"),
             row("mean length", lambda k: length(k, np.mean)),
             row("median length", lambda k: length(k, np.median)),
             row("longest", lambda k: length(k, np.max)),
             row("in REM", lambda k: f"{k.stages.count('REM')} ({100 * k.stages.count('REM') / len(k.stages):.0f} %)"
                 if k.stages else "—")]
    text = (f"{names[0].capitalize()} against {names[1]}{_where(r.where)} "
            f"({source_name(r.first.source)}):\n\n" + "\n".join(lines))
    if all(len(k.durations) > 1 for k in kinds):
        cells = [(float(np.mean(k.durations)), float(np.std(k.durations, ddof=1)), len(k.durations))
                 for k in kinds]
        text += (f"\n\nLength{_event_difference(cells, 's', 'events')[1:]}, the {names[0]} "
                 f"against the {names[1]}.")
    if r.lengths_asked and all(k.durations for k in kinds):
        # "which one lasts longer?": the longer kind first
        means = [float(np.mean(k.durations)) for k in kinds]
        i = int((means[1] > means[0]) == (r.lengths_asked == "longer"))
        way = "last longer" if r.lengths_asked == "longer" else "are shorter"
        text = (f"**{names[i][0].upper()}{names[i][1:]} {way}** on average: mean "
                f"**{seconds(means[i])}** against {seconds(means[1 - i])} for the {names[1 - i]}.\n\n"
                + text)
    return Answer(text)


@render.register
def _(r: AwakeningCauses, night: LoadedNight) -> Answer:
    n = len(r.awakenings)
    by = ", ".join(f"**{k}** {_CAUSE_WORDS.get(c, c)}" for c, k in r.causes.items())
    text = (f"From the {source_name(r.source)} hypnogram: **{n}** awakening{'s' * (n != 1)}"
            f"{_where(r.where)}. By what came with each ({source_name(r.event_source)}): {by}. An "
            f"awakening is tied to an apnea or hypopnea, else to a leg movement, that overlaps its "
            f"first wake epoch or the {r.lead_sec:g} s before it; the hypnogram's 30-s epochs "
            f"cannot time the waking closer, and a tie is timing, not proof of cause.")
    if lone := _lone_wake_epochs(r.source, r.awakenings):
        # probe O: 23 of 34 machine awakenings "with a breathing event", where the scorer had 2 of
        # 15; most of the 34 were single wake epochs the machine put inside sleep
        longer = Counter(a.label for a in r.awakenings if a.duration > EPOCH_SEC)
        text += lone[:-1] + (", of which " + ", ".join(f"**{longer.get(c, 0)}** {_CAUSE_WORDS.get(c, c)}"
                                                       for c in r.causes) + ".")
    if r.gaps:
        text += f" Not every cause could be looked for: {r.gaps}."
    if r.arousals_asked:
        text = f"{_arousals_into_awakenings(r)}\n\n{text}"
    elif r.arousals and not r.arousal_gap:
        text += f" {_arousals_into_awakenings(r)}"
    tied = [a for a in r.awakenings if a.label != "spontaneous"] or r.awakenings
    lines = "\n".join(f"- {_span(night, a)} ({a.duration / 60:.1f} min): {a.label}"
                      for a in tied[:_MAX_LINES])
    more = f"\n- … and {len(tied) - _MAX_LINES} more" if len(tied) > _MAX_LINES else ""
    head = "The awakenings with a tie" if tied is not r.awakenings else "The awakenings"
    return _answer(night, f"{text}\n\n{head}:\n{lines}{more}" + stage_caveat(night, r.source),
                   r.awakenings, tied)


def _arousals_into_awakenings(r: AwakeningCauses) -> str:
    """How many arousals led into one of the awakenings, or why that cannot be said."""
    if r.arousal_gap:
        return f"Arousals could not be scored on this night: {r.arousal_gap}."
    if not r.arousals:
        return f"No arousal was scored{_where(r.where)} ({source_name(r.arousal_source)})."
    return (f"**{r.arousals_led}** of the {r.arousals} {source_name(r.arousal_source)} arousals"
            f"{_where(r.where)} ({100 * r.arousals_led / r.arousals:.0f} %) led into an "
            f"awakening, starting in its first wake epoch or the {r.lead_sec:g} s before it; the "
            f"other {r.arousals - r.arousals_led} ended in sleep.")


_CAUSE_WORDS = {"respiratory": "with a breathing event", "limb movement": "with a leg movement",
                "spontaneous": "with neither (spontaneous)"}


@render.register
def _(r: Fragmentation, night: LoadedNight) -> Answer:
    where = _where(r.where)
    bouts = np.array(r.bout_sec) / 60
    n, count = len(r.periods), len(bouts)

    def counted(parts: dict[str, int]) -> str:
        return ", ".join(f"{s} {k}" for s, k in sorted(parts.items(), key=lambda kv: -kv[1]))

    text = (f"From the {source_name(r.source)} hypnogram: {r.stage}{where} comes in **{count}** "
            f"unbroken bout{'s' * (count != 1)} (mean **{bouts.mean():.1f} min**, median "
            f"{np.median(bouts):.1f}, longest {bouts.max():.1f}; **{r.short_bouts}** shorter than "
            f"2 min)")
    if r.stage == "REM":
        # REM runs close together are one period: what breaks a period is the fragmentation
        broken = sum(r.breaks.values())
        text += (f" within {n} REM period{'s' * (n != 1)} (REM runs less than 15 min apart count "
                 f"as one period), " + (f"interrupted **{broken}** times ({counted(r.breaks)})."
                                        if broken else "none of them interrupted."))
    else:
        text += "."
    if r.exits:
        text += f" Each bout gave way to: {counted(r.exits)}."
    if r.arousal_rate is not None:
        text += (f" Arousals in {r.stage}: **{r.arousal_rate:.1f} per hour** of {r.stage} "
                 f"({source_name(r.arousal_source)}).")
    if r.other is not None and r.other.bout_sec:
        other = np.array(r.other.bout_sec) / 60
        text += (f"\n\nThe model's zero-shot staging reads {r.stage}{where} as **{len(other)}** bout"
                 f"{'s' * (len(other) != 1)} (longest {other.max():.1f} min; **{r.other.short_bouts}** shorter "
                 f"than 2 min), so how broken {r.stage} was rests on which staging holds: look at the "
                 f"signals where they differ (*where do the stagers disagree?*).")
    lines = "\n".join(f"- {_span(night, p)} ({p.duration / 60:.1f} min)" for p in r.periods[:_MAX_LINES])
    more = f"\n- … and {n - _MAX_LINES} more" if n > _MAX_LINES else ""
    label = f"The {r.stage} periods" if r.stage == "REM" else f"The {r.stage} bouts"
    return _answer(night, f"{text}\n\n{label}:\n{lines}{more}" + stage_caveat(night, r.source),
                   r.periods)


@render.register
def _(r: EventFree, night: LoadedNight) -> Answer:
    """"the longest stretch without an apnea?": that stretch, its sleep, and the next longest."""
    where = _where(r.where)
    span = f"{clock(night, r.span[0])}–{clock(night, r.span[1])}"
    if not r.events:
        return _answer(night, f"The {source_name(r.source)} events have no {_events(r.name)} in the "
                              f"main sleep episode{where} ({span}): all of it is free of them.",
                       r.stretches[:1])
    top = r.stretches[0]
    lines = "\n".join(f"- {_span(night, e)} ({(e.end - e.start) / 60:.1f} min, {e.value:.1f} min asleep)"
                      for e in r.stretches)
    kind = _events(r.name) if r.name.endswith("event") else f"{_events(r.name, 1).removesuffix(' event')}s"
    return _answer(night, f"The longest stretch without {kind}"
                          f"{where}: {_span(night, top)}, **{(top.end - top.start) / 60:.1f} min** "
                          f"({top.value:.1f} min of it asleep), between the {r.events} "
                          f"{source_name(r.source)} {_events(r.name, r.events)} of the main sleep "
                          f"episode ({span}). The {len(r.stretches)} longest:\n{lines}", r.stretches)


@render.register
def _(r: EventRank, night: LoadedNight) -> Answer:
    """"is that long?" with one event shown: its length among the night's events of its kind."""
    place = ("the longest" if r.rank == 1 else "the shortest" if r.shorter == 0 and r.n > 1
             else f"number {r.rank} by length")
    q1, q3 = r.quartiles
    return Answer(f"The {r.label} at **{clock(night, r.start)}** lasted **{r.length:.0f} s**: {place} "
                  f"of the night's {r.n} {_events(r.name, r.n)} ({source_name(r.source)}), longer than "
                  f"**{100 * r.shorter / r.n:.0f} %** of them. They last a median **{r.median:.0f} s** "
                  f"(quartiles {q1:.0f}-{q3:.0f} s, {r.extremes[0]:.0f}-{r.extremes[1]:.0f} s); this "
                  f"one runs {r.length / r.median:.1f} times the median." + _depth_place(r))


def _depth_place(r: EventRank) -> str:
    if r.depth is None:
        return ""
    depth, deeper, median = r.depth
    place = "the deepest" if deeper == 0 else f"number {deeper + 1} by depth"
    return (f" Its fall, **{depth:.1f} points** below its baseline, is {place} of the {r.n} (median "
            f"fall {median:.1f} points).")


def _clustering(r: BusiestEpochs) -> str:
    """"are the apneas clustered?": the verdict of the index of dispersion, before the busiest
    stretches; "" when not asked."""
    d = r.dispersion
    if not r.clustered:
        return ""
    if d is None:
        return (f"Too few {_events(r.name)} or too little sleep{_where(r.where)} to tell clustering "
                f"from chance (it takes {MIN_EVENTS} events over an hour of sleep or "
                f"more).\n\n")
    if d.p_clustered < 0.01:
        verdict = "**Yes, clustered**"
        how = "far more unevenly than events falling at random would"
    elif d.p_even < 0.01:
        verdict = "**No: more evenly than chance**"
        how = "more regularly than events falling at random would"
    else:
        verdict = "**Not clearly**"
        how = "about as unevenly as events falling at random would"
    chance = _p_value(d.p_clustered) if d.ratio >= 1 else f"{_p_value(d.p_even)} for so even a spread"
    return (f"{verdict}: the {d.events} {_events(r.name, d.events)} spread over the {d.stretches} "
            f"stretches of {d.minutes:g} min of {d.over}{_where(r.where)} {how} (variance of the "
            f"counts per stretch **{d.ratio:.1f}** times their mean, against 1 for events at "
            f"random; {chance}); the busiest {d.top} stretches hold **{100 * d.top_share:.0f} %** "
            f"of them. Clustering may follow the stages, the body position or the hour: ask *by "
            f"stage* or *by position* to see which.\n\n")


@render.register
def _(r: BusiestEpochs, night: LoadedNight) -> Answer:
    where = _where(r.where)
    if not r.epochs:
        return Answer(f"The {source_name(r.source)} events have no {r.name}{where}.")
    top = r.epochs[0]
    if r.share:
        # "what percentage of REM epochs had rapid eye movements?"
        lead = (f"**{r.with_any}** of the {r.scope_epochs} epochs{where} (**"
                f"{100 * r.with_any / max(r.scope_epochs, 1):.0f} %**) hold at least one "
                f"{_events(r.name, 1)} ({source_name(r.source)}, counted by where each starts; "
                f"{r.total} in all).")
        return _answer(night, lead, r.epochs)
    if r.window:
        # "the worst 10 minutes": the stretch, its count and its rate per hour
        minutes = r.window / 60
        lines = "\n".join(f"- {_span(night, e)} (mostly {e.stage}): {e.value:.0f}, "
                          f"{e.value * 60 / minutes:.0f}/h" for e in r.epochs)
        return _answer(night, _clustering(r) + f"The {minutes:g}-min stretch{where} with the most "
                              f"{_events(r.name)}: {_span(night, top)}, **{top.value:.0f}** "
                              f"events ({top.value * 60 / minutes:.0f} per hour; "
                              f"{source_name(r.source)}, {r.total} in all, counted by where each "
                              f"starts). The {len(r.epochs)} busiest that do not overlap:\n{lines}",
                       r.epochs)
    if top.value == 1:
        return Answer(f"No epoch holds more than one {_events(r.name, 1)}{where}: the {r.total} "
                      f"{source_name(r.source)} ones each lie in an epoch of their own.")
    lines = "\n".join(f"- {_span(night, e)} ({e.label}, {e.stage}): {e.value:.0f}"
                      for e in r.epochs)
    return _answer(night, f"**{top.label.capitalize()}** ({clock(night, top.start)}, {top.stage}) "
                          f"holds the most {_events(r.name)}{where}: **{top.value:.0f}** "
                          f"({source_name(r.source)}; {r.total} in {r.with_any} epochs, counted by "
                          f"where each starts). The {len(r.epochs)} busiest:\n{lines}", r.epochs)


OXIMETER_LAG_SEC = (20.0, 40.0)
"""Usual seconds from a breathing event's end to the finger oximeter's nadir: the lung-to-finger
circulation time and the oximeter's own averaging."""


def _lag_judged(r: SpO2Recoveries) -> str:
    """"Is that normal?" after the SpO2 recoveries: the median lag to the nadir against the
    usual delay, or why the recovery time itself has no norm to read it against."""
    lo, hi = OXIMETER_LAG_SEC
    if not r.nadir_asked or not r.nadir_lags:
        lag = "" if not r.nadir_lags else (
            f" The lag from each event's end to the nadir, which has one, was a median "
            f"{np.median(r.nadir_lags):.0f} s against the usual {lo:.0f}-{hi:.0f} s.")
        return ("**No agreed norm**: how fast SpO2 returns to its baseline after an event has no "
                "published normal range; a slow return follows deeper and longer events." + lag)
    mid = float(np.median(r.nadir_lags))
    if mid > hi:
        return (f"**Longer than usual**: a median lag of {mid:.0f} s against the usual {lo:.0f}-{hi:.0f} s "
                f"from the end of an event to the finger's nadir. Slow circulation (as in heart failure), "
                f"a cold hand or an oximeter that averages over a long window all lengthen it.")
    if mid < lo:
        return (f"**Shorter than usual**: a median lag of {mid:.0f} s against the usual {lo:.0f}-{hi:.0f} s; "
                f"an ear probe or an oximeter with a short averaging window reads sooner than a finger.")
    return (f"**Within the usual range**: a median lag of {mid:.0f} s against the usual {lo:.0f}-{hi:.0f} s "
            f"from the end of an event to the finger's nadir (the lung-to-finger circulation time and the "
            f"oximeter's averaging).")


@render.register
def _(r: SpO2Recoveries, night: LoadedNight) -> Answer:
    names = f"{r.name}s" if r.n != 1 else r.name
    if not r.seconds:
        return Answer(f"No {r.name} of sleep{_where(r.where)} ({source_name(r.source)}) had SpO2 "
                      f"that came back within {r.rule.tolerance:g} point of its baseline"
                      + (f": {r.not_back} did not within {r.rule.recovery_max:.0f} s." if r.n else
                         ": none was found with valid SpO2 around it."))
    q1, median, q3 = np.percentile(r.seconds, [25, 50, 75])
    text = (f"After the {r.n} {names} of sleep{_where(r.where)} ({source_name(r.source)}), SpO2 "
            f"was back within {r.rule.tolerance:g} point of its baseline a median **{median:.0f} s** "
            f"after the nadir (quartiles {q1:.0f}-{q3:.0f} s, {len(r.seconds)} that came back)")
    text += (f"; **{r.not_back}** had not come back {r.rule.recovery_max:.0f} s after the nadir."
             if r.not_back else ".")
    if r.nadir_asked and r.nadir_lags:
        # "how long after apneas does the oxygen bottom out?": the lag first
        lo, mid, hi = np.percentile(r.nadir_lags, [25, 50, 75])
        text = (f"SpO2 reached its nadir a median **{mid:.0f} s** after each {r.name} ended "
                f"(quartiles {lo:.0f}-{hi:.0f} s, {len(r.nadir_lags)} {names}): a finger oximeter "
                f"reads the blood 20-40 s after the lungs. {text}")
    items = []
    if r.slowest is not None and r.slowest_found is not None:
        f = r.slowest_found
        slowest = (f"The slowest: the {r.name} at {_span(night, r.slowest)}, from {f.nadir:.1f} % "
                   f"back to {f.baseline:.1f} % in {f.recovered_at - f.nadir_at:.0f} s.")
        # "what's the slowest recovery?": that one first (and shown)
        text = f"{slowest}\n\n{text}" if r.lead == "slowest" else f"{text} {slowest}"
        items = [r.slowest]
    if r.lead == "normal":
        text = f"{_lag_judged(r)}\n\n{text}"
    if r.lead == "mean":
        # "how long does it take on average?": the mean, beside the median it is read against
        text = (f"On average **{np.mean(r.seconds):.0f} s** from the nadir back to baseline (mean of "
                f"{len(r.seconds)}; median {median:.0f} s).\n\n{text}")
    text += (f"\n\nThe baseline is the highest SpO2 of the {DesaturationConfig().baseline_sec:.0f} s "
             f"before each event; the nadir is looked for up to {r.rule.nadir_lag:.0f} s after it "
             f"ends. Ask *show me the longest {r.name}* and then *how long until the sat "
             f"recovered?* for one event.")
    return _answer(night, text, items, items)


@render.register
def _(r: SpO2Recovery, night: LoadedNight) -> Answer:
    f, rule = r.found, r.rule
    lag = f.nadir_at - r.item.end
    when = ("as it ended" if abs(lag) < 1.0 else f"{lag:.0f} s after it ended" if lag > 0
            else f"{-lag:.0f} s before it ended")
    text = (f"Around the {r.item.label} at {_span(night, r.item)}: SpO2 fell from its baseline "
            f"of **{f.baseline:.1f} %** (the highest of the {DesaturationConfig().baseline_sec:.0f} s"
            f" before it) to **{f.nadir:.1f} %** at **{clock(night, f.nadir_at)}**, {f.fall:.1f} "
            f"points down, {when}.")
    marks = [Item(f.nadir_at, f.nadir_at + 1.0, f"SpO2 nadir {f.nadir:.1f} %", "measured")]
    if f.recovered_at is not None:
        text += (f" It was back within {rule.tolerance:g} point of the baseline at "
                 f"**{clock(night, f.recovered_at)}**: **{f.recovered_at - f.nadir_at:.0f} s** after "
                 f"the nadir, {f.recovered_at - r.item.end:.0f} s after the event ended.")
        marks.append(Item(f.recovered_at, f.recovered_at + 1.0, "SpO2 recovered", "measured"))
    else:
        text += (f" It had **not come back** within {rule.tolerance:g} point of the baseline "
                 f"{rule.recovery_max:.0f} s after the nadir (it read {f.last:.1f} % then).")
    if f.fall < 3.0:
        text += (" That fall is under the 3 points of a desaturation, so there was little to "
                 "recover from.")
    text += (f"\n\nThe nadir is looked for up to {rule.nadir_lag:.0f} s after the event ends: a "
             f"finger oximeter reads the blood 20-40 s after the lungs.")
    return _answer(night, text, marks, [r.item, *marks])


@render.register
def _(r: StageTransitions, night: LoadedNight) -> Answer:
    where = _where(r.where)
    total = sum(r.counts.values())
    src = (f"stages from the {source_name(r.stages)} hypnogram; sleep period {r.period}, "
           f"unscored epochs skipped")
    if not total:
        return Answer(f"No change of stage{where} between sleep onset and the final awakening "
                      f"({src}).")
    if not r.origin and not r.target:
        return Answer(_transition_table(r, total, where, src))
    asked = f"{_side(r.origin)} to {_side(r.target)}"
    rate = f", {len(r.items) / r.sleep_h:.1f} per hour of sleep" if r.sleep_h else ""
    lines = "\n".join(f"- **{clock(night, i.start)}** {i.label}" for i in r.items[:_MAX_LINES])
    more = f"\n- … and {len(r.items) - _MAX_LINES} more" if len(r.items) > _MAX_LINES else ""
    text = (f"**{len(r.items)}** transition{'s' * (len(r.items) != 1)} from {asked}{where}"
            f"{rate}, of {total} changes of stage ({src}).")
    for side, of in ((0, r.origin), (1, r.target)):
        if of and (split := _transition_split(r, side, of)):
            text += "\n\n" + split
    if r.items:
        text += f"\n\nEach at the first epoch of the new stage:\n{lines}{more}"
    return _answer(night, text + stage_caveat(night, r.stages), r.items)


def _side(stages: tuple[str, ...]) -> str:
    if not stages:
        return "any stage"
    if set(stages) == {"N1", "N2", "N3", "REM"}:
        return "sleep"
    return " or ".join(stages)


def _transition_split(r: StageTransitions, side: int, stages: tuple[str, ...]) -> str:
    """Where the changes out of (side 0) or into (side 1) the named stages went or came from."""
    other: Counter[str] = Counter()
    for pair, n in r.counts.items():
        # "from light sleep to deep sleep": N1 -> N2 neither leaves nor enters light sleep
        if pair[side] in stages and pair[1 - side] not in stages:
            other[pair[1 - side]] += n
    n = sum(other.values())
    if not n:
        return ""
    parts = ", ".join(f"{s} **{k}** ({100 * k / n:.0f} %)" for s, k in other.most_common())
    return (f"Out of {_side(stages)} ({n} changes), to: {parts}." if side == 0 else
            f"Into {_side(stages)} ({n} changes), from: {parts}.")


def _transition_table(r: StageTransitions, total: int, where: str, src: str) -> str:
    """All changes as a from-by-to table, with the most common first in words."""
    names = list(STAGES)
    head = "| from \\ to | " + " | ".join(names) + " | out of |\n|---|" + "---|" * (len(names) + 1)
    rows = []
    for a in names:
        out = sum(n for (x, _), n in r.counts.items() if x == a)
        cells = " | ".join("–" if a == b else str(r.counts.get((a, b), 0)) for b in names)
        rows.append(f"| **{a}** | {cells} | {out} |")
    top = sorted(r.counts.items(), key=lambda kv: -kv[1])[:3]
    common = "; ".join(f"{a} → {b} {n} ({100 * n / total:.0f} %)" for (a, b), n in top)
    rate = f", {total / r.sleep_h:.1f} per hour of sleep" if r.sleep_h else ""
    return (f"**{total}** changes of stage{where}{rate} ({src}). Most common: {common}.\n\n"
            + head + "\n" + "\n".join(rows))


_TYPE_NAMES = {"obstructive_apnea": "obstructive apnea", "central_apnea": "central apnea",
               "mixed_apnea": "mixed apnea", "hypopnea": "hypopnea", "rera": "RERA"}


@render.register
def _(r: SystemOverview, night: LoadedNight) -> Answer:
    lines = (_breathing_lines if r.system == "respiratory" else _heart_lines)(r, night)
    name = "The breathing" if r.system == "respiratory" else "The heart"
    ask = ("*where are the apneas?*, *is the apnea worse when supine?*, *AHI in REM vs NREM*, "
           "*any desaturations below 85%?*" if r.system == "respiratory" else
           "*was the heart rhythm regular?*, *any pauses?*, *was the heart rate high during "
           "REM?*, *what did the heart do during the apneas?*")
    marks = [Item(st.low_at, st.low_at + 30.0, f"lowest {st.label}", "measured")
             for st in (r.spo2, r.heart_rate) if st is not None]
    over = f" {span_phrase(r.where)}" if r.where else " over the whole night"
    text = (f"{name}{over}:\n\n" + "\n".join(f"- {line}" for line in lines)
            + f"\n\nFor more, ask e.g. {ask}." + stage_caveat(night, r.summary.source))
    if r.judged and (lead := _against_limits(r, night)):
        text = f"{lead}\n\n{text}"
    return _answer(night, text, marks)


BREATHING_RATE_ADULT = (12.0, 20.0)
"""Breaths per minute usual for an adult at rest (the textbook vital-sign range); asleep the
rate sits in its lower part and steadies in NREM."""
BRADYCARDIA_BPM, TACHYCARDIA_BPM = 40.0, 90.0
"""The AASM's adult limits for the heart rate in sleep (Scoring Manual 2.6, cardiac rules:
sinus bradycardia below 40 bpm, sinus tachycardia above 90 bpm, each sustained)."""


def _against_limits(r: SystemOverview, night: LoadedNight) -> str:
    """"is the heart rate normal?": the night's extremes against the AASM's limits; "is the
    breathing normal?": the AHI's band and the time under 90 % SpO2. Never a diagnosis."""
    if r.system == "heart":
        hr = r.heart_rate
        if hr is None:
            return ""
        outside = []
        if hr.low < BRADYCARDIA_BPM:
            outside.append(f"below {BRADYCARDIA_BPM:g} bpm")
        if hr.high > TACHYCARDIA_BPM:
            outside.append(f"above {TACHYCARDIA_BPM:g} bpm")
        verdict = ("it went " + " and ".join(outside) + " at least once; ask *find tachycardia* "
                   "or *any bradycardia?* for how long") if outside else "it stayed within them"
        return (f"Against the AASM's adult limits for the heart rate in sleep (sinus bradycardia "
                f"below {BRADYCARDIA_BPM:g} bpm, sinus tachycardia above {TACHYCARDIA_BPM:g} bpm, "
                f"each sustained), the heart rate ran **{hr.low:.0f}-{hr.high:.0f} bpm** over the "
                f"night: {verdict}. Within the limits is not a rhythm check: the beat timing is "
                f"below.{_child_heart(night)}")
    s = r.summary
    parts = []
    home = stages_guessed(night, s.source) and s.rei is not None
    if s.ahi is not None:
        # a home test without EEG reports the REI, per hour recorded
        name, index = ("REI", s.rei) if home else ("AHI", s.ahi)
        parts.append(f"the {name} of **{index:.1f}/h** is {norms.graded(index, night)} (healthy-sleeper "
                     f"studies usually report below 5/h)")
    if r.below_90 is not None and r.spo2 is not None:
        parts.insert(0 if r.judged_signal == "spo2" else len(parts),   # the signal asked, first
                     f"SpO2 fell to **{r.spo2.low:.0f} %** and spent **{r.below_90.total_min:.1f} "
                     f"min** under 90 % (healthy adults rarely spend more than a few minutes there)")
    if r.breathing is not None:
        lo, hi = BREATHING_RATE_ADULT
        side = "below" if r.breathing.mean < lo else "above" if r.breathing.mean > hi else "within"
        age = night.recording.patient.age
        where = (f"{side} the {lo:g}-{hi:g} breaths/min usual for adults at rest" if age is None
                 or age >= norms.ADULT_AGE else f"against {lo:g}-{hi:g} breaths/min in resting "
                 f"adults, a range that does not apply to a child, who breathes faster")
        parts.insert(0 if r.judged_signal == "resp" else len(parts),
                     f"the breathing rate averaged **{r.breathing.mean:.1f} breaths/min**, {where}")
    return ("Against the usual limits, " + "; ".join(parts) + ".") if parts else ""


def _no_rem_period(minutes: dict[str, float]) -> str:
    """A last cycle's missing REM period, and why its REM, if any, is not one."""
    rem = minutes.get("REM", 0.0)
    if rem < 0.5 or rem >= CycleConfig().min_rem_min:
        return "no REM period"
    return (f"no REM period: its {rem:.0f} min of REM are short of the {CycleConfig().min_rem_min:g} min "
            f"a REM period needs")


def _pair_test_text(t: PairTest) -> str:
    """"is that significant?" of two groups' events: the test's verdict, the two sides it
    read, and what it assumes."""
    a, b = (_side_place(side) for side in t.sides)
    way = (f"a Mann-Whitney test of the event lengths ({t.counts[0]} {a} against "
           f"{t.counts[1]} {b})" if t.lengths else
           f"an exact test of equal event rates per minute asleep ({a} against {b})")
    return (f"**{'Yes' if t.p < 0.05 else 'No'}**: {way} gives **p = {t.p:.3g}** "
            f"({'under' if t.p < 0.05 else 'not under'} 0.05). "
            f"It takes the events as independent, which clustered events are not, so a small p "
            f"overstates the evidence; it is a statement about this night, not about the sleeper.")



def _snoring_share(snoring: tuple[float, float, bool]) -> str:
    """"62 % of sleep", or of the time recorded on a home test whose sleep is a guess."""
    return f"{100 * snoring[0] / snoring[1]:.0f} % of {'the time recorded' if snoring[2] else 'sleep'}"


def _grade(r: SystemOverview, index: float, whole: float | None, night: LoadedNight) -> str:
    """The index's AASM band; for a part of the night, the whole night's index beside it
    instead, since the AASM grades a whole night's."""
    if r.span is None:
        return norms.graded(index, night)
    return (f"the whole night's is {whole:.1f}/h (the AASM's severity bands grade a whole night)"
            if whole is not None else "the AASM's severity bands grade a whole night")


def _breathing_lines(r: SystemOverview, night: LoadedNight) -> list[str]:
    s, lines = r.summary, []
    if s.ahi is not None and stages_guessed(night, s.source) and s.rei is not None:
        # No EEG: a home sleep test reports the REI, per hour recorded (graded on the same scale).
        lines.append(f"REI **{s.rei:.1f}/h** ({s.n_apneas_hypopneas} apneas and hypopneas per "
                     f"hour of the {s.tib_min / 60:.1f} h recorded, "
                     f"{source_name(r.events_source)}): {_grade(r, s.rei, night.summary().rei, night)}; "
                     f"the AHI against the model's guessed sleep would be {s.ahi:.1f}/h")
    elif s.ahi is not None:
        lines.append(f"AHI **{s.ahi:.1f}/h** ({s.n_apneas_hypopneas} apneas and hypopneas, "
                     f"{source_name(r.events_source)}): {_grade(r, s.ahi, night.summary().ahi, night)}")
    if s.ahi is not None:
        typed = [f"{r.counts[t]} {_TYPE_NAMES[t]}{'s' * (r.counts[t] != 1)}"
                 for t in _TYPE_NAMES if r.counts.get(t)]
        if typed:
            lines.append("by type: " + ", ".join(typed))
        if s.n_reras:
            lines.append(f"RDI {s.rdi:.1f}/h (with {s.n_reras} RERAs)")
    else:
        lines.append(f"AHI not measurable: {r.gaps.get('AHI', 'no respiratory events')}")
    if s.odi is not None and stages_guessed(night, s.source) and s.rei is not None:
        # a home test without EEG: every desaturation per hour recorded, as its REI
        n = sum(e.type == "desaturation" and (r.span is None or r.span[0] <= e.onset < r.span[1])
                for e in night.scored_events()[0])
        lines.append(f"ODI **{60 * n / s.tib_min:.1f}/h** ({n} desaturations ≥3 % per hour of the "
                     f"{s.tib_min / 60:.1f} h recorded)")
    else:
        lines.append(f"ODI **{s.odi:.1f}/h** ({s.n_desaturations} desaturations ≥3 %)" if s.odi
                     is not None else f"ODI not measurable: {r.gaps.get('ODI', 'no SpO2')}")
    # the ODI's gap may already name the channel and why
    lines += [why for why in r.unread if why.split(":")[0] not in r.gaps.get("ODI", "")]
    if r.spo2 is not None:
        lines.append(f"SpO2 mean **{r.spo2.mean:.1f} %**, lowest **{r.spo2.low:.1f} %** at "
                     f"{clock(night, r.spo2.low_at)}")
    below = r.below_90
    if below is not None and below.in_sleep is not None and stages_guessed(night, below.in_sleep[2]):
        # a home test's sleep is the model's guess: the share of the time recorded, as its REI
        if below.scope_min:
            lines.append(f"SpO2 under 90 % for {below.total_min:.1f} min, "
                         f"{100 * below.total_min / below.scope_min:.1f} % of the time recorded (T90)")
    elif below is not None and below.in_sleep is not None and below.in_sleep[1]:
        spent, asleep, _ = below.in_sleep
        lines.append(f"SpO2 under 90 % for {below.total_min:.1f} min, "
                     f"{100 * spent / asleep:.1f} % of sleep (T90)")
    if r.breathing is not None:
        lines.append(f"breathing rate mean {r.breathing.mean:.1f} breaths/min (from "
                     f"{r.breathing.source})")
    if r.snoring and r.snoring[1] > 0:
        lines.append(f"snoring {_snoring_share(r.snoring)} ({r.snoring[0]:.0f} min)")
    return lines


def _heart_lines(r: SystemOverview, night: LoadedNight) -> list[str]:
    lines = []
    hr = r.heart_rate
    lines += r.unread
    if hr is None:
        lines.append("no heart-rate channel or ECG to measure it from")
    else:
        lines.append(f"heart rate mean **{hr.mean:.1f} bpm** (from {hr.source}), lowest "
                     f"{hr.low:.0f} bpm at {clock(night, hr.low_at)}, highest {hr.high:.0f} bpm "
                     f"at {clock(night, hr.high_at)}")
    if r.heart_sleep_wake is not None:
        asleep, awake = r.heart_sleep_wake
        if asleep == asleep and awake == awake:
            lines.append(f"asleep {asleep:.1f} bpm against awake {awake:.1f} bpm "
                         f"({asleep - awake:+.1f} bpm)")
    if r.rhythm is None:
        lines.append(f"beat-to-beat rhythm not read: {r.rhythm_why}")
        return lines
    q = r.rhythm
    lines.append(f"from the ECG's beats: RMSSD {q.rmssd_ms:.0f} ms, {q.irregular_pct:.1f} % of "
                 f"intervals changing by over 20 %, {len(q.stretches)} irregular "
                 f"stretch{'es' * (len(q.stretches) != 1)}, {q.ectopic} ectopic beats, "
                 f"{len(q.pauses)} pause{'s' * (len(q.pauses) != 1)} over {RhythmConfig().pause_sec:g} s "
                 f"(a reading of beat timing, not a rhythm diagnosis)")
    return lines


def _rhythm_sides(r: HeartRhythm) -> str:
    """Two scopes' beat timing side by side."""
    rows = "\n".join(
        f"| {where} | {s.n_beats:,} | {s.mean_hr:.0f} | {s.rmssd_ms:.0f} | {s.pnn50_pct:.0f} | "
        f"{s.irregular_pct:.1f} | {s.ectopic / s.hours if s.hours else 0.0:.1f} | "
        f"{len(s.stretches)} | {len(s.pauses)} |" for where, s in r.sides)
    return (f"Beat to beat from the ECG ({r.source}), side by side:\n\n| | beats | regular bpm | "
            f"RMSSD ms | pNN50 % | irregular intervals % | ectopic per hour | irregular "
            f"stretches | pauses |\n|---|---|---|---|---|---|---|---|---|\n{rows}\n\nIrregular: "
            f"an interval changing by over 20 % (Malik's rule); a stretch: {_STRETCH_RULE}; a "
            f"pause: {_PAUSE_RULE}. Ask each side alone for the times. This reads beat timing, "
            f"not the waveform; it is not a rhythm diagnosis.")


_STRETCH_RULE = "5-min windows with over 10 % irregular intervals"
_PAUSE_RULE = "over 3 s between beats, the AASM's asystole limit"


def _listed(night: LoadedNight, items: list[Item], one: str, many: str, rule: str) -> str:
    """How many ``items`` there are under ``rule``, and the first :data:`LISTED`."""
    if not items:
        return f"No {one} ({rule})."
    lines = "\n".join(f"- {_span(night, i)} ({i.label})" for i in items[:LISTED])
    more = f"\n- … and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return f"**{len(items)}** {one if len(items) == 1 else many} ({rule}):\n{lines}{more}"


@render.register
def _(r: Comparison, night: LoadedNight) -> Answer:
    if not r.rows:
        return Answer(r.note)   # nothing measured: what each side is known by, and why
    a, b = r.groups
    lines = []
    plural = r.per + ("es" if r.per.endswith("x") else "s")
    for i, (name, unit, cells) in enumerate(r.rows):
        d = _DECIMALS.get(unit, 1)  # a body temperature moves by hundredths of a degree
        parts = [f"**{m:.{d}f}** (sd {s:.{d}f}, {n} {r.per if n == 1 else plural})" if n
                 else f"no {r.per} measured" for m, s, n in cells]
        lines.append(f"- {name} [{unit}]: {a}: {parts[0]} vs {b}: {parts[1]}")
        if r.per != "epoch" and all(n >= 2 for _, _, n in cells):
            lines[-1] += _event_difference(cells, unit, plural)
        elif all(n for _, _, n in cells):
            # "was the heart rate higher at the start or the end?": which side, by how much
            points = " points" if unit == "%" else f" {unit}"
            lines[-1] += f"; difference **{cells[0][0] - cells[1][0]:+.{d}f}{points}**"
            if r.tests is not None:
                lines[-1] += _period_test_text(r.tests[i])
    lead = f"{r.note}\n\nOn this night, mean" if r.note else "Mean"
    if r.direction and r.rows and not r.note:
        # "did her temperature drop during sleep?", "were spindles faster in the second half?":
        # the way it went, first (with no measure named, the stages' hallmarks come first and
        # no one row answers)
        name, unit, cells = r.rows[0]
        spread = "30-s epochs" if r.per == "epoch" else plural
        if verdict := direction_lead(r.direction, name, unit, (a, cells[0]), (b, cells[1]),
                                     _DECIMALS.get(unit, 2 if unit == "Hz" else 1), spread):
            lead = f"{verdict}\n\n{lead}"
    tail = ("\n\nEach test takes one mean per period (a run of consecutive epochs) of each group, "
            "since epochs of one period are not independent: a test over epochs would call "
            "almost any difference significant. Read p as a guide on one night, not as a "
            "finding about the sleeper." if r.tests is not None else "")
    return Answer(f"{lead} per {r.per}, {a} vs {b}:\n" + "\n".join(lines) + tail)


def _period_test_text(test: PeriodTest | None) -> str:
    if test is None:
        return " (too few periods on a side to test)"
    n1, n2 = test.periods
    verdict = "significant at 0.05" if test.p < 0.05 else "not significant at 0.05"
    return (f" (Welch's t-test over the {n1} and {n2} periods' means: p = {test.p:.2g}, "
            f"{verdict})")


def _event_difference(cells: list[tuple[float, float, int]], unit: str, plural: str) -> str:
    """The difference of two groups' means of an event's own value, with Welch's test."""
    (m1, s1, n1), (m2, s2, n2) = cells
    p = ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False).pvalue
    digits = 2 if unit == "Hz" else 1
    return (f"; difference **{m1 - m2:+.{digits}f} {unit}** (Welch's t-test p = {p:.2g}; {plural} of "
            f"one night are not independent, so read p as a guide)")


@render.register
def _(r: Classification, night: LoadedNight) -> Answer:
    order = np.argsort(-r.proba)
    probs = ", ".join(f"{r.labels[j]} {r.proba[j]:.0%}" for j in order)
    how = ("with your labels, through the model's text tower (zero-shot)" if r.user_labels
           else "the model's zero-shot stage")
    t = r.start
    if r.counts is not None:
        counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
        top = max(r.counts, key=r.counts.get)
        text = (f"Epochs {r.where} classified {how}: {counts} epochs; the most common is "
                f"**{top}** (its runs are highlighted).")
        if r.staged:
            staged = ", ".join(f"**{k}** {v * EPOCH_SEC / 60:g} min" for k, v in r.staged.items())
            text = (f"{r.where[:1].upper()}{r.where[1:]} ({sum(r.staged.values())} epochs), the "
                    f"{source_name(r.source)} stages: {staged}; the most common is **{next(iter(r.staged))}** "
                    f"(its runs are highlighted).{stage_caveat(night, r.source)}\n\nThe model's zero-shot stage "
                    f"there: {counts} epochs (most common {top}).")
        return _answer(night, text, r.runs)
    text = (f"Epoch {r.epoch} ({clock(night, t)}–{clock(night, t + 30.0)}), {how}: "
            f"**{r.labels[order[0]]}** ({probs}).")
    if r.scored_stage is not None and not r.user_labels and r.source == "predicted":
        # a night staged by the model alone (a home test without EEG): its stage is the answer,
        # said to be a guess, and not set beside itself as "the model agrees"
        text = (f"Epoch {r.epoch} ({clock(night, t)}–{clock(night, t + 30.0)}): **{r.scored_stage}** in "
                f"the {source_name(r.source)} staging ({probs}).{stage_caveat(night, r.source)}")
    elif r.scored_stage is not None and not r.user_labels:
        # "what stage was she in at 1 am?": the scoring's stage (a human's, else the validated
        # machine stager's) answers; the model's zero-shot reading follows it
        model = r.labels[order[0]]
        side = "agrees" if model == r.scored_stage else "disagrees"
        text = (f"Epoch {r.epoch} ({clock(night, t)}–{clock(night, t + 30.0)}): **{r.scored_stage}** in "
                f"the {source_name(r.source)} staging. The model's zero-shot stage: "
                f"{model} ({probs}), so the model {side} here.")
    elif r.scored_stage is not None:
        text += f" The {source_name(r.source)} stage is **{r.scored_stage}**."
    if r.machine is not None and not r.user_labels:
        # a scored night: the validated machine stager's reading of the epoch beside the person's
        text += f" The {source_name(r.machine[1])} stage: **{r.machine[0]}**."
    model = r.labels[order[0]]
    if (r.asked and r.scored_stage is not None and r.source.startswith("machine") and not r.user_labels
            and (r.scored_stage in r.asked) != (model in r.asked)):
        # "is the REM at 22:30 real?" on a machine staging the model reads otherwise (probe P: "Yes"
        # for YASA's REM in the recording's first epoch; the model and the truth had W)
        said = "yes" if r.scored_stage in r.asked else "no"
        text = (f"**Not settled**: {said} by the machine staging ({r.scored_stage}), "
                f"{'no' if said == 'yes' else 'yes'} by the model's zero-shot stage ({model}); nobody scored "
                f"this night, so look at the EEG, the eyes and the chin there (*why is this epoch "
                f"{r.scored_stage}?*). {text}")
    elif r.asked and r.scored_stage is not None:
        # "is this REM?", "are they awake here?": the answer to the question asked, first
        guess = " by the model's guess" if r.source == "predicted" else ""
        text = f"**{'Yes' if r.scored_stage in r.asked else 'No'}**{guess}. {text}"
    item = Item(t, t + 30.0, r.labels[order[0]], "model", r.scored_stage or "?",
                score=float(r.proba[order[0]]))
    return _answer(night, text, [item])


@render.register
def _(r: NormCheck, night: LoadedNight) -> Answer:
    who = (f"healthy {r.age}-year-olds (band {r.band}{_header_age(r)})" if r.age is not None
           else f"healthy {r.band}; give an age for a closer band, e.g. *is this normal for a "
                f"65-year-old?*")
    if r.by_age:
        return Answer(_by_age(r))
    if r.child is not None:
        return Answer(_child_norms(r))
    if r.arousal is not None:
        return Answer(_arousal_norm(r))
    if r.adult_rule and r.ahi is not None and r.header_age is not None and r.header_age < norms.ADULT_AGE:
        # "what's the adult cut-off?" of a child's night: the scale, not the adult stage norms
        return Answer(f"**AHI: {r.ahi:.1f}/h**: {norms.ahi_band(r.ahi)}. That is the adult scale; the "
                      f"file's header gives age {r.header_age:g}, and a child's breathing is judged by "
                      f"the AASM's pediatric rule instead (an obstructive AHI of "
                      f"{norms.PEDIATRIC_OAHI:g}/h or more; ask *what's the pediatric cut-off?*).")
    lead = _stated_norm(r, who) or _rebound(r) or _adult_nadir(r)
    # "is a sleep efficiency of 75 % normal?": the value asked about, then the night
    return Answer((lead + "\n\n" if lead else "") + _norm_text(r, who) + _staging_doubt(night, r.source))


def _most_off(r: NormCheck) -> str:
    """"which stage is most off?" after the norms: the rows outside their ranges, furthest
    first by :func:`norms.off_by` (probe O: an epoch was classified instead)."""
    stage_rows = set(norms.ROW_OF_STAGE.values())
    rows = [row for row in r.rows if r.asked == norms.MOST_OFF_ROW or row[0] in stage_rows]
    off = sorted((row for row in rows if norms.off_by(row[1], row[3], row[4]) > 0),
                 key=lambda row: -norms.off_by(row[1], row[3], row[4]))
    what = "stage" if r.asked == norms.MOST_OFF_STAGE else "figure"
    if not off:
        return f"**None**: every {what} read here lies within its typical range."
    said = [f"**{name}** {value:.1f} {unit}{_share_of(name, unit)}, {norms.side(value, low, high)} the typical "
            f"{low:g}–{high:g} {unit}" for name, value, unit, low, high in off[:3]]
    rest = f"; then {'; '.join(said[1:])}" if len(said) > 1 else ""
    return (f"Furthest from its range ({what}s ranked by the distance outside it, in widths of the range): "
            f"{said[0]}{rest}.")


def _staging_doubt(night: LoadedNight, source: str) -> str:
    """The machine staging's own doubt where it can move verdicts read from its stages: a fifth
    or more of its epochs unsure, or a stage other than N1 (every stager's weakest) unsure on
    average; "" for a human scoring or a sure staging."""
    machine = night.machine
    if source == "scored" or stages_guessed(night, source) or machine is None or not machine.has_stages:
        return ""
    unsure, by_stage = confidence_by_stage(machine.confidence, machine.stages)
    if not by_stage:
        return ""
    weak = [st for st, p in sorted(by_stage.items(), key=lambda kv: kv[1]) if p < UNSURE_BELOW and st != "N1"]
    if unsure < 0.2 and not weak:
        return ""
    least = weak[0] if weak else min(by_stage, key=by_stage.get)
    return (f"\n\n⚠️ No human scored this night, and the machine staging these figures rest on was unsure (under "
            f"{UNSURE_BELOW:g}) of **{unsure:.0%}** of its epochs, least sure of **{least}** (mean probability "
            f"{by_stage[least]:.2f}): the verdicts on {least} and on what it moves (sleep time, efficiency, "
            f"latencies) may be wrong. *What should I double check?* shows where.")


def _rebound(r: NormCheck) -> str:
    """"Is there REM rebound?": what one night can show of it (REM's share and latency against
    their ranges), "" when not asked or the night has neither row."""
    rows = {name: (value, unit, lo, hi) for name, value, unit, lo, hi in r.rows}
    if not r.rebound or "REM" not in rows or "REM latency" not in rows:
        return ""
    (share, _, s_lo, s_hi), (latency, _, l_lo, l_hi) = rows["REM"], rows["REM latency"]
    signs = (["REM above the typical share"] if share > s_hi else []) + (
        ["an early first REM period"] if latency < l_lo else [])
    verdict = (f"{' and '.join(signs)}, as a rebound would show; whether REM was held back before "
               f"(sleep loss, alcohol, an antidepressant stopped, the first nights on CPAP) is for "
               f"the history to say" if signs else
               "REM's share is not above its typical range nor its latency short, so nothing "
               "here points to a rebound")
    return (f"**REM rebound**, more REM than a sleeper's usual (often with an early first REM "
            f"period) after REM was held back, is judged against the same sleeper's baseline "
            f"night, which one recording does not hold. On this night REM is **{share:.1f} %** of "
            f"sleep (typical {s_lo:g}–{s_hi:g} %) and its latency **{latency:.1f} min** "
            f"(typical {l_lo:g}–{l_hi:g} min): {verdict}.")


def _stated_norm(r: NormCheck, who: str) -> str:
    """The value a question gave the asked statistic against its range, "" when none was."""
    if r.stated is None or r.asked not in norms.NORMS:
        return ""
    unit, low, high = norms.range_of(r.asked, r.age)
    share = _share_of(r.asked, unit)
    what = f"{r.asked} share" if share else r.asked
    article = "An" if re.match(r"[aeiou]|n\d", what, re.I) else "A"
    hours = f" ({r.stated / 60:.3g} h)" if unit == "min" and r.stated >= 60 else ""
    return (f"{article} {what} of **{r.stated:g} {unit}**{hours}{share} is "
            f"**{norms.side(r.stated, low, high)}** the typical {low:g}–{high:g} {unit} of {who}. The "
            f"loaded night's own follows.")


def _share_of(name: str, unit: str) -> str:
    """" of sleep" for a norm row that is a stage's share of sleep; "" for the efficiency
    (a share of the time in bed) and for every other row."""
    return " of sleep" if unit == "%" and name != "sleep efficiency" else ""


def _norm_text(r: NormCheck, who: str) -> str:
    """The night's statistics against the norms of ``who``."""
    if r.short_min is not None:
        ahi = (f" Its AHI is **{r.ahi:.1f}/h** of sleep (healthy-sleeper studies usually report "
               f"below 5/h), over so little sleep an unsteady rate." if r.ahi is not None else "")
        return (f"This recording is **{r.short_min:.0f} min** in bed, not a night: the norms "
                f"of healthy sleepers describe whole nights (I read them for "
                f"{norms.MIN_NIGHT_MIN / 60:.0f} h or more), so its total sleep, latencies "
                f"and stage shares say nothing against them." + ahi
                + " Ask *summarize the night* for what it holds.")
    lines = []
    for name, value, unit, low, high in r.rows:
        lines.append(f"- {name}: **{value:.1f} {unit}** — {norms.side(value, low, high)} the typical "
                     f"{low:g}–{high:g} {unit}{_unsettled(r, name, unit, low, high)}")
    if r.no_eeg:
        rei = (f" Its REI is **{r.ahi:.1f}/h** (apneas and hypopneas per hour recorded; "
               f"healthy-sleeper studies usually report below 5/h)." if r.ahi is not None else "")
        return ("This recording has no EEG, so sleep cannot be staged: its total sleep, "
                "efficiency, stage shares and latencies would be the model's guess, and I "
                "do not read a guess against the norms of healthy sleepers." + rei
                + " Ask *what stands out?* for what was measured.")
    over = (f", read over {r.where}, taken as lights off to lights on (so it has no sleep "
            f"onset latency of its own)," if r.where else "")
    text = (f"The {source_name(r.source)} night{over} against published norms for {who}:\n"
            + "\n".join(lines))
    if r.asked in (norms.MOST_OFF_STAGE, norms.MOST_OFF_ROW):
        text = _most_off(r) + "\n\n" + text
    if (asked := next((row for row in r.rows if row[0] == r.asked), None)) is not None:
        # "was there enough REM?": that row first, then the night's others
        name, value, unit, low, high = asked
        text = (f"**{name[0].upper()}{name[1:]}: {value:.1f} {unit}{_share_of(name, unit)}**, "
                f"{norms.side(value, low, high)} the typical {low:g}–{high:g} "
                f"{unit} of healthy sleepers{_unsettled(r, name, unit, low, high)}.\n\n{text}")
    if r.ahi is not None and r.asked == norms.BREATHING_ROW:
        # "is that normal?" after the AHI: the index first, with its AASM band
        text = (f"**AHI: {r.ahi:.1f}/h**, {'above' if r.ahi >= 5 else 'within'} the under-5/h "
                f"healthy-sleeper studies usually report: {norms.ahi_band(r.ahi)}.\n\n{text}")
    if r.odi is not None and r.asked == norms.ODI_ROW:
        # "is that normal?" after the ODI: that index first
        text = (f"**ODI: {r.odi:.1f}/h**, {'above' if r.odi >= norms.ODI_USUAL else 'within'} the "
                f"under-{norms.ODI_USUAL:g}/h healthy-sleeper studies usually report (the usual "
                f"screening cut-off of the 3 % and 4 % ODI).\n\n{text}")
    if r.ahi is not None:
        text += (f"\n- AHI: **{r.ahi:.1f}/h** (healthy-sleeper studies usually report below "
                 f"5/h)")
    if any(_unsettled(r, *row[:1], *row[2:]) for row in r.rows):
        text += (f"\n\n**Not settled** marks a verdict the model's zero-shot staging reads the other way. "
                 f"How far each has held: {MACHINE_STAGING_CHECKED}; and {MODEL_STAGING_CHECKED}. Neither "
                 f"settles it alone: look at the signals where the two differ (*where do the stagers "
                 f"disagree?*).")
    text += (f"\n\nSource: {r.citation} (approximate ranges read from its age trends). This is a "
             f"comparison with healthy sleepers, not a diagnosis.")
    return text


def _unsettled(r: NormCheck, name: str, unit: str, low: float, high: float) -> str:
    """"; **not settled**: the model's staging gives 31.0 min (within)" where the model's
    stages read the row's verdict the other way; "" otherwise."""
    value = next(v for n, v, *_ in r.rows if n == name)
    return norms.unsettled(value, r.other_rows.get(name), low, high, unit)


def _arousal_norm(r: NormCheck) -> str:
    """The arousal index against the mean of healthy sleepers of the patient's age, which
    rises with age (no agreed cut-off of an abnormal index exists)."""
    index, n, asleep = r.arousal
    group = norms.arousal_mean(r.age)
    means = "; ".join(f"{label} {mean:g}/h" for _, label, mean in norms.AROUSAL_MEANS)
    table = (f"Healthy sound sleepers' mean arousal index by age: {means} (ten sleepers per group; "
             f"source: {r.citation}). There is no agreed cut-off for an abnormal index; it rises "
             f"with age, with breathing events and with leg movements.")
    own = (f"This night's arousal index is **{index:.1f}/h** of sleep ({n} arousals in {asleep:.0f} "
           f"min asleep, {source_name(r.source)} stages)" if index is not None
           else "Arousals could not be scored on this night, so it has no arousal index of its own")
    if group is None and r.age is not None:
        # the study's youngest group is 10-19 years: a younger child's index has no mean there
        return (f"{own}. At {r.age} years it has no reference here: the study this app reads "
                f"began at {norms.AROUSAL_MEANS[0][0]} years. {table}")
    if group is None:
        return f"{own}. Give an age to read it against healthy sleepers of that age. {table}"
    label, mean = group
    if r.stated is not None:
        lead = f"An arousal index of **{r.stated:g}/h** is {_against_mean(r.stated, mean, label, r)}."
        return f"{lead} {own}.\n\n{table} This is a comparison with healthy sleepers, not a diagnosis."
    if index is None:
        return f"{own}.\n\n{table}"
    # an unscored night's arousals are the machine's, which run low where an arousal is faint
    low = _MACHINE_AROUSALS_LOW if r.source != "scored" else ""
    return (f"{own}: {_against_mean(index, mean, label, r)}{_arousal_unsettled(r, index, mean)}.{low}\n\n{table} "
            f"This is a comparison with healthy sleepers, not a diagnosis.")


def _arousal_unsettled(r: NormCheck, index: float, mean: float) -> str:
    """"; **not settled**: ..." where the model's stages put the arousal index on the other side
    of the mean (which epochs are sleep decides which arousals count: YASA's wake epochs left 37
    arousals out on seed 11526, 15.7/h against a true 23.1/h); "" otherwise."""
    if r.other_arousal is None or r.other_arousal[0] is None:
        return ""
    other, n, asleep = r.other_arousal
    if _mean_side(other, mean) == _mean_side(index, mean):
        return ""
    return (f"; **not settled**: under the model's zero-shot stages it is {other:.1f}/h ({n} arousals in "
            f"{asleep:.0f} min asleep), since arousals in epochs a staging calls wake are not counted")


def _mean_side(value: float, mean: float) -> str:
    return "close" if abs(value - mean) <= 0.1 * mean else "above" if value > mean else "below"


def _against_mean(value: float, mean: float, label: str, r: NormCheck) -> str:
    """"**above the mean of 17.8/h** of healthy sleepers aged 40-59 years (...)"."""
    way = {"close": "close to the", "above": "above the", "below": "below the"}[_mean_side(value, mean)]
    return (f"**{way} mean of {mean:g}/h** of healthy sleepers aged {label} ({r.age} years"
            f"{_header_age(r)})")


def _header_age(r: NormCheck) -> str:
    """"; the age the file's header gives", or the header's other age beside the asked one."""
    if r.header_age is None:
        return ""
    if r.age == int(r.header_age):
        return "; the age the file's header gives"
    return f"; the file's header gives {r.header_age:g} years"


def _child_norms(r: NormCheck) -> str:
    """A child's night: why the adult ranges are not read, and the pediatric breathing rule."""
    oahi, n, asleep = r.child
    # a child's age is under 18: "an" only before 8 and 11
    who = f"{'an' if r.age in (8, 11) else 'a'} {r.age}-year-old" if r.age is not None else "a child"
    if r.header_age is not None:
        who += f" ({_header_age(r)[2:]})"
    text = (f"The ranges this app holds are for adults (read from age 20 up in {r.citation}); "
            f"they do not fit {who}: children sleep longer, with more N3 and a later first REM "
            f"period, so I do not read this night's stages or latencies against them.")
    if r.rows:
        # the night's own figures, unjudged, the one asked about first
        values = sorted(r.rows, key=lambda row: row[0] != r.asked)
        said = [f"{'**' if row[0] == r.asked else ''}{row[0]} {row[1]:.1f} "
                f"{row[2]}{'**' if row[0] == r.asked else ''}" for row in values]
        text = f"This night: {', '.join(said)} ({source_name(r.source)} stages).\n\n{text}"
    sleep_time = _child_sleep_time(r)
    if oahi is None:
        breathing = ("Breathing could not be scored on this night, so the pediatric breathing rule "
                     "cannot be applied either.")
    else:
        verdict = ("at or above" if oahi >= norms.PEDIATRIC_OAHI else "below")
        breathing = (f"Breathing, by the AASM's pediatric rule: the obstructive AHI is **{oahi:.1f}/h** "
                     f"({n} obstructive or mixed apneas and hypopneas in {asleep:.0f} min asleep, "
                     f"{source_name(r.source)} stages), {verdict} the **{norms.PEDIATRIC_OAHI:g}/h** "
                     f"from which a child's breathing in sleep counts as abnormal (ICSD-3); the adult "
                     f"5/h does not apply to children. Hypopneas count whatever their cause here, "
                     f"since this app does not type them. This is a measurement, not a diagnosis.")
    # what the question asked about first: the breathing after its index, the sleep time after it
    if r.asked == norms.BREATHING_ROW:
        return f"{breathing}\n\n{text}{sleep_time}"
    if (lead := _child_nadir(r) if r.asked == norms.NADIR_ROW else _child_central(r) if r.asked == norms.CENTRAL_ROW
            else ""):
        return f"{lead}\n\n{breathing}\n\n{text}{sleep_time}"
    if r.asked == "total sleep time" and sleep_time:
        return f"{sleep_time.strip()}\n\n{text}\n\n{breathing}"
    return f"{text}{sleep_time}\n\n{breathing}"


def _adult_nadir(r: NormCheck) -> str:
    """"Is the nadir normal?" of an adult: the nadir and time under 90 %, and that no healthy-adult
    band of the nadir is held here, "" when the nadir was not asked."""
    if r.asked != norms.NADIR_ROW or r.nadir is None:
        return ""
    return (f"**SpO2 nadir {r.nadir.lowest:.1f} %**, time under 90 % **{r.nadir.below_90_min:.1f} min**. No "
            f"healthy-adult range of the nadir is held here; the oxygen is graded by the ODI (ask *ODI*), the time "
            f"under 90 % and the hypoxic burden (ask *hypoxic burden*), the breathing by the AHI below.")


def _child_nadir(r: NormCheck) -> str:
    """A child's SpO2 nadir against healthy children's (probe O: "is the nadir of 90% ok for a
    10 year old?" was "not about this recording")."""
    if r.nadir is None:
        return "**Cannot tell**: this recording has no SpO2 that reads in the physiological range."
    below = (norms.CHILD_NADIR_MEAN - r.nadir.lowest) / norms.CHILD_NADIR_SD
    side = (f"{below:.1f} sd below their mean" if below > 0 else "at or above their mean")
    return (f"**SpO2 nadir {r.nadir.lowest:.1f} %** (time under 90 %: {r.nadir.below_90_min:.1f} min): healthy "
            f"children of 1-15 years reach a nadir of **{norms.CHILD_NADIR_MEAN:g} ± {norms.CHILD_NADIR_SD:g} %** "
            f"in sleep ({norms.CHILD_BREATHING_CITATION}), so this one lies {side}"
            + ("; a lower nadir than most healthy children show, which the obstructive AHI below puts in context."
               if below >= 2 else "." if below < 1 else ", lower than most but within their spread."))


def _child_central(r: NormCheck) -> str:
    """A child's central apnea index against healthy children's."""
    if r.central is None or r.central[0] is None:
        return "**Cannot tell**: central apneas could not be scored on this night."
    index, n, asleep = r.central
    side = ("above" if index > norms.CHILD_CAI_P975 else "within")
    return (f"**Central apnea index {index:.1f}/h** ({n} central apnea{'s' * (n != 1)} in {asleep:.0f} min asleep), "
            f"{side} what healthy "
            f"children show (1-15 years: mean {norms.CHILD_CAI_MEAN:g}/h, 97.5th percentile "
            f"{norms.CHILD_CAI_P975:g}/h; {norms.CHILD_BREATHING_CITATION}). Central apneas, often after a sigh or a "
            f"movement, are common in healthy children; they are scored here by the adult rule (10 s or more), where "
            f"the AASM's pediatric rule asks 20 s, or two missed breaths with an arousal or a 3 % desaturation.")


def _child_sleep_time(r: NormCheck) -> str:
    """A child's total sleep against the AASM's recommended hours for the age, "" without both."""
    tst = next((row[1] for row in r.rows if row[0] == "total sleep time"), None)
    hours = norms.child_sleep_hours(r.age) if r.age is not None else None
    if tst is None or hours is None:
        return ""
    lo, hi = hours
    side = "short of" if tst / 60 < lo else "above" if tst / 60 > hi else "within"
    return (f" Sleep time: **{tst / 60:.1f} h** asleep this night, {side} the **{lo}-{hi} h** per 24 h the "
            f"AASM recommends at this age ({norms.CHILD_SLEEP_CITATION}); that is habitual sleep, naps "
            f"included for the young, so one night in a lab is a rough check of it.")


def _by_age(r: NormCheck) -> str:
    """"how does sleep change with age?": each statistic's typical range per age band, with
    the night's own value beside them."""
    own = {name: f"{value:.1f}" for name, value, *_ in r.rows}
    head = "| statistic | " + " | ".join(r.bands) + " | this night |"
    rows = [f"| {name} ({unit}) | " + " | ".join(f"{lo:g}–{hi:g}" for lo, hi in ranges)
            + f" | {own.get(name, '–')} |" for name, unit, ranges in r.by_age]
    return ("**How a healthy night changes with age.** With age, deep sleep (N3) shrinks most, "
            "REM a little; light sleep (N1) and wake after sleep onset grow, so sleep "
            "efficiency and total sleep fall. An older sleeper's hypnogram wakes more often, "
            "reaches N3 in fewer and shorter bouts, and its first REM comes a little sooner.\n\n"
            f"Typical ranges of healthy sleepers by age:\n\n{head}\n|{'---|' * (len(r.bands) + 2)}\n"
            + "\n".join(rows)
            + ("\n\nThis recording has no EEG, so its own stages are not read against them. "
               if r.no_eeg else f"\n\nThis night's values are {source_name(r.source)}. ")
            + f"Source: {r.citation} (approximate ranges read from its age trends); ask *is this "
              "normal for a 70-year-old?* to read the night against one band.")


@render.register
def _(r: Explanation, night: LoadedNight) -> Answer:
    parts = [r] + ([r.contrast] if r.contrast is not None else [])
    examples = [x.example for x in parts if x.example is not None]
    text = "\n\n".join(_explained(x, night) for x in parts)
    if not examples:
        return Answer(text)
    return _answer(night, text, examples, window=FOCUS_WINDOW_SEC)


def _explained(r: Explanation, night: LoadedNight) -> str:
    """A phenomenon's explanation and its example in this night, in words."""
    p = r.phenomenon
    text = f"**{p.title}.**" + ("" if r.examples_only else f" {p.explanation}")
    if r.example is None and r.unscored:
        return (text + f"\n\nThis night's {_events(p.title.lower())} could not be scored, so I have no "
                f"example to show: {r.unscored}.")
    if r.example is None:
        return text + "\n\nI found no example of it in this night."
    e = r.example
    detail = f"{seconds(e.duration)}, stage {e.stage}"
    if e.value is not None:
        detail += f", {e.value:.1f} {e.unit}"
    if e.score is not None:
        detail += f", {e.score_name} = {e.score:.2f}"
    src = source_name(e.source) if e.source not in ("model", "measured") else e.source
    if r.why:
        return (f"**Why the one shown ({src}) counts**: {_criteria(p.key, e, r.breaths)}\n\n{text}\n\n"
                f"The one shown: {_span(night, e)} ({detail}); it is drawn in the epoch viewer.")
    return text + (f"\n\nExample in this night ({r.how}, {src}): {_span(night, e)} ({detail}); "
                   f"it is drawn in the epoch viewer.")


# What makes one event of a kind count, as (measure, least, most, the rule's words): the
# duration in s, or the event's own measure (``Item.value``); None for no bound.
_CRITERIA: dict[str, tuple[tuple[str, float | None, float | None, str], ...]] = {
    "k_complex": (("duration", 0.5, None, "a K-complex lasts at least 0.5 s, AASM"),
                  ("value", 75.0, None, "75 µV peak to peak is the usual least, Bremer et al. 1970")),
    "spindle": (("duration", 0.5, None, "a spindle lasts at least 0.5 s, AASM"),
                ("value", 11.0, 16.0, "the AASM's spindle band is 11-16 Hz")),
    "slow_waves": (("value", 75.0, None, "the AASM's least slow-wave amplitude is 75 µV peak to peak"),),
    "desaturation": (("value", 3.0, None, "a drop of 3 points or more is scored, AASM"),),
    "arousal": (("duration", 3.0, None, "an arousal lasts at least 3 s, AASM"),),
    **{key: (("duration", 10.0, None, "a respiratory event lasts at least 10 s, AASM"),)
       for key in ("apnea", "obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")},
}
# The most of the breaths before (%) the airflow may keep: an apnea drops it by 90 % or more, a
# hypopnea by 30 % or more (AASM 2.6).
_FLOW_LEFT = {"hypopnea": (70.0, "a hypopnea drops it by 30 % or more")}
_APNEA_FLOW_LEFT = (10.0, "an apnea drops it by 90 % or more")


def _breathing_criteria(key: str, breaths: tuple[tuple[str, float, float, float], ...]) -> list[str]:
    """A breathing event's airflow, and an apnea type's effort, against the rule, in words."""
    said = []
    flow = next((whole for name, whole, *_ in breaths if name == "airflow"), None)
    if flow is not None:
        most, rule = _FLOW_LEFT.get(key, _APNEA_FLOW_LEFT)
        said.append(f"airflow **{flow:.0f} %** of the breaths before ({rule}): "
                    f"{'met' if flow <= most else '**not met**'}")
    kind, pattern, first, last = _belts_reading(breaths)
    if kind and key in ("obstructive_apnea", "central_apnea", "mixed_apnea"):
        said.append(f"effort **{pattern}** (the larger belt {first:.0f} % of the breaths before in the first "
                    f"third, {last:.0f} % in the last), which marks {article(kind)}: "
                    f"{'met' if kind == key.replace('_', ' ') else '**not met**'}")
    return said


def _criteria(key: str, e: Item, breaths: tuple[tuple[str, float, float, float], ...] = ()) -> str:
    """The shown event's duration and measure, and a breathing event's airflow and effort,
    against its kind's criteria, in words."""
    said = []
    for what, least, most, rule in _CRITERIA.get(key, ()):
        value = e.duration if what == "duration" else e.value
        if value is None:
            continue
        shown = (f"{seconds(value)} long" if what == "duration"
                 else f"{value:.0f} {e.unit}" if e.unit == "µV" else f"{value:.1f} {e.unit}")
        inside = (least is None or value >= least) and (most is None or value <= most)
        said.append(f"**{shown}** ({rule}): {'met' if inside else '**not met**'}")
    said += _breathing_criteria(key, breaths)
    stage = f" It falls in **{e.stage}**." if e.stage else ""
    if not said:
        return (f"the scoring marked it from its shape in the signal; I have no measure of it to "
                f"read against the definition below.{stage}")
    return "; ".join(said) + "." + stage


@render.register
def _(r: Navigation, night: LoadedNight) -> Answer:
    if r.span is not None:
        return _span_view(r, night)
    end = r.start + 30.0
    text = (f"{r.note}Epoch {r.epoch} ({clock(night, r.start)}–{clock(night, end)}), "
            f"{source_name(r.source)} stage **{r.stage}**")
    if r.events:
        text += "; events nearby: " + ", ".join(
            f"{i.label} {clock(night, i.start)}–{clock(night, i.end)}" for i in r.events)
    text += "."
    if r.missing:
        text += (f" ⚠️ This recording has no {_LEVEL_WORDS[r.missing]} channel, so the viewer has none to show "
                 f"there: only the signals it did record.")
    return Answer(text, [], r.epoch, window=r.window, items=[r.shown] if r.shown else None)


_LEVEL_WORDS = {"brain": "EEG or EOG", "heart": "ECG", "respiratory": "airflow or effort belt",
                "position_muscle": "chin EMG or position"}
"""The channels of each caption level, in words."""


def _span_view(r: Navigation, night: LoadedNight) -> Answer:
    lo, hi = r.span
    span = Item(lo, hi, "asked span", "measured")
    stages = ", ".join(f"{s} {m:.1f} min" for s, m in sorted(r.stage_minutes.items(),
                                                                key=lambda kv: -kv[1]))
    events = ", ".join(f"{n} {t}" for t, n in r.event_counts.items()) or "none"
    shown = (f"the viewer shows its middle {r.window / 60:.0f} min, centred on epoch {r.epoch}"
             if r.window < hi - lo else "the viewer shows all of it")
    text = (f"**{clock(night, lo)}–{clock(night, hi)}** ({(hi - lo) / 60:.1f} min; highlighted "
            f"on the overview, {shown}).\n\n- {source_name(r.source)} stages: {stages}\n"
            f"- {source_name(night.scored_events()[1])} events starting in it: {events}")
    return _answer(night, text, [span], jump=r.epoch, window=r.window)


def _position_verdict(r: Context) -> str:
    """"Yes. ", "No. " or "Partly. " for a yes/no question that named positions, "" otherwise."""
    if not r.position_named:
        return ""
    asked = set(r.position_named.split(","))
    held = r.positions.split(", then ")
    inside = sum(p in asked for p in held)
    return "Yes. " if inside == len(held) else "No. " if inside == 0 else "Partly. "


_READING_RE = re.compile(r".+ -?\d+(?:\.\d+)? \S+")
"""The label of one reading of a signal ("SpO2 86.1 %"): an event's label holds no number."""


def _item_facts(r: Context, night: LoadedNight) -> Answer:
    i = r.item
    stages = ", ".join(f"{s} {length_text(d)}" for s, d in r.stages) or "?"
    if len(r.stages) > 4:
        # A cycle or an hour: the minutes of each stage, not every change of stage
        minutes = Counter()
        for s, d in r.stages:
            minutes[s] += d / 60
        stages = ", ".join(f"{s} {m:.1f} min" for s, m in minutes.most_common())
    label = re.sub(r"^the\s+", "", i.label, flags=re.I)   # a span's label says "the" already
    if i.duration <= MOMENT_SEC and (label.startswith(("lowest ", "highest ")) or _READING_RE.fullmatch(label)):
        # "when?" after the lowest SpO2 (or "SpO2 86.1 %", a dip's after it): one reading has
        # a time and a stage, no length
        stages = ", ".join(s for s, _ in r.stages) or "?"
        said = f"The {label} was read at **{clock(night, i.start)}**"
    else:
        said = f"The {label} at {_span(night, i)} lasted **{length_text(i.duration)}**"
    text = f"{said}; {source_name(r.source)} stage{'s' * (len(r.stages) > 1)} {stages}."
    if r.position_asked and r.positions:
        # "what position was she in during it?": the position first; "was she on her back?"
        # is answered yes or no before it
        text = f"{_position_verdict(r)}Body position: **{r.positions}** (position channel). {text}"
    elif r.stage_asked:
        # "what stage was she in then?": the stage first
        named = r.stages[0][0] if len(r.stages) == 1 else stages
        text = f"Stage{'s' * (len(r.stages) > 1)}: **{named}** ({source_name(r.source)}). {said}."
    elif r.own is not None:
        # "how fast was it?": the event's own measure first; after "how long was it?", second
        what = {"Hz": "frequency", "µV": "amplitude (peak to peak)", "%": "depth below its baseline"}
        value = f"{r.own.value:.1f} {'points' if r.own.unit == '%' else r.own.unit}"
        own = f"Its {what.get(r.own.unit, 'value')}: **{value}**." + _wave_size_rule(r.item.label, r.own)
        text = f"{text} {own}" if r.length_asked else f"{own} {text}"
    if r.positions and not r.position_asked:
        text += f" Body position: {r.positions}."
    if i.label.startswith("periodic series") and (series := _series_lead(r)):
        text = f"{series} {text}"
    if r.cause:
        said = f"Its cause by the association rule: **{r.cause}** ({_CAUSE_RULE})."
        if r.cause_asked:
            # "is it respiratory?": yes or no first
            said = f"**{'Yes' if r.cause == r.cause_asked else 'No'}**: {said[0].lower()}{said[1:]}"
        text = f"{said} {text}" if r.cause_asked or r.cause_led else f"{text} {said}"
    elif r.cause_gap:
        gap = f"Its cause could not be looked for: {r.cause_gap}."
        text = f"{gap} {text}" if r.cause_led else f"{text} {gap}"
    if r.tied is not None:
        desat, nadir = r.tied
        text += (f"\nThe desaturation tied to it, {_span(night, desat)} ({seconds(desat.duration)}; SpO2 lags the "
                 f"breathing): down **{desat.value:.1f} points** from its baseline, to **{nadir:.1f} %**.")
    if r.asked is not None:
        # "what was the lowest saturation during it?": that figure first
        label, rank = r.asked
        row = next(m for m in r.measures if m[0] == label)
        unit, (own, low, high) = row[1], row[5:]
        value = {"lowest": low, "highest": high}.get(rank, own)
        lead = f"{(rank or 'mean').capitalize()} {label} during it: **{value:.1f} {unit}**"
        if r.tied is not None and label == "SpO2":
            lead += f"; after it, in its desaturation, **{r.tied[1]:.1f} %**"
        elif label == "SpO2" and i.label.endswith(("apnea", "hypopnea")):
            # "what was the spo2 drop?" of a hypopnea scored on its arousal: none followed it
            lead += "; no desaturation is tied to it (none starts within the AASM's 30 s of its end)"
        text = f"{lead}. {text}"
    if r.breaths and not r.cause_asked:
        untyped = (" A hypopnea is not typed obstructive or central here: the AASM reads snoring,"
                   " flattening of the flow and paradox of the belts for that, which this app does"
                   " not measure." if "hypopnea" in i.label else "")
        text = f"{_breaths_lead(r.breaths, 'apnea' in i.label)}{untyped}\n{text}"
    if r.type_asked:
        text = f"{_type_verdict(i.label, r.type_asked, _belts_kind(r.breaths))} {text}"
    if r.measures:
        text += "\nDuring it: " + "; ".join(
            f"{label} mean {own:.1f} {unit} (lowest {low:.1f}, highest {high:.1f})"
            for label, unit, *_, own, low, high in r.measures) + "."
    if r.led_by is not None:
        desat, cause = r.led_by
        text += (f"\nIt falls in the desaturation {_span(night, desat)}, which follows the {cause.label} "
                 f"{_span(night, cause)} ({seconds(cause.duration)}, ending {seconds(max(i.start - cause.end, 0.0))} "
                 f"before this reading; SpO2 lags the breathing): its likely cause.")
    if r.events:
        text += "\nOther events overlapping it: " + "; ".join(
            f"{e.label} {_span(night, e)}" for e in r.events[:6]) + _more_events(r.events[6:]) + "."
    return _answer(night, text, [i])


@render.register
def _(r: EventGaps, night: LoadedNight) -> Answer:
    """The intervals between consecutive events: their median and spread, and how many are close."""
    where = _where(r.where)
    if not r.gaps:
        return Answer(f"The {source_name(r.source)} events have fewer than two {_events(r.name)}{where}, so no "
                      f"interval between them.")
    gaps = np.asarray(r.gaps)
    q1, median, q3 = np.percentile(gaps, [25, 50, 75])
    close = int(np.sum(gaps <= r.close))
    lead = (f"**{close}** of the {len(gaps)} intervals between consecutive {_events(r.name)}{where} are "
            f"{seconds(r.close)} or shorter.\n\n" if r.close_asked else "")
    return Answer(lead + f"Time between consecutive {_events(r.name)}{where} (onset to onset, {source_name(r.source)} "
                  f"events): median **{seconds(median)}**, mean {seconds(gaps.mean())} (interquartile "
                  f"{seconds(q1)}-{seconds(q3)}, {seconds(gaps.min())}-{seconds(gaps.max())}) over the "
                  f"{len(gaps)} intervals of {len(gaps) + 1} events; **{close}** of them are {seconds(r.close)} or "
                  f"shorter.")


@render.register
def _(r: EventPositions, night: LoadedNight) -> Answer:
    """Each listed event's body position, and the events counted by the position they began in."""
    total = sum(r.counts.values())
    counts = ", ".join(f"**{n}** {pos}" for pos, n in r.counts.items())
    limit = f" {r.limit}" if r.limit else ""
    text = f"Body position during the {total} {_events(r.name, total)}{limit} (position channel): {counts}."
    if r.rows:
        text += "\n" + "\n".join(f"- {_span(night, i)} ({i.label}): {p or 'not read'}" for i, p in r.rows)
    else:
        text += " Ask *by position* for each position's rate per hour of sleep in it."
    return _answer(night, text, [i for i, _ in r.rows])


def _series_lead(r: Context) -> str:
    """A series of leg movements shown: how many it holds and how far apart their onsets are
    (probe P: "how many movements in it?" and "what was the mean interval?" were not answered)."""
    onsets = np.sort([e.start for e in r.events if e.label == "limb movement" and r.item.start <= e.start <= r.item.end])
    if len(onsets) < 2:
        return ""
    gaps = np.diff(onsets)
    return (f"**{len(onsets)}** leg movements in it, onsets one every **{gaps.mean():.0f} s** on average (median "
            f"{np.median(gaps):.0f} s, {gaps.min():.0f}-{gaps.max():.0f} s).")


def _belts_reading(breaths: tuple[tuple[str, float, float, float], ...]) -> tuple[str, str, float, float]:
    """(the apnea type the belts' effort marks, what the effort did, the larger belt's first and
    last third in % of the breaths before), by the scorer's own effort cut; ("", "", nan, nan)
    without a belt."""
    belts = [(first, last) for name, _, first, last in breaths if name != "airflow"]
    if not belts:
        return "", "", float("nan"), float("nan")
    cut = 100 * RespiratoryConfig().effort_absent_ratio
    first, last = max(b[0] for b in belts), max(b[1] for b in belts)
    if first < cut and last < cut:
        return "central apnea", "absent throughout", first, last
    if first < cut:
        return "mixed apnea", "absent at first, then resumed", first, last
    return "obstructive apnea", "present", first, last


def _belts_kind(breaths: tuple[tuple[str, float, float, float], ...]) -> str:
    """The apnea type the belts' effort marks ("central apnea"), "" without a belt."""
    return _belts_reading(breaths)[0]


def _type_verdict(label: str, asked: str, belts: str) -> str:
    """"**No**: it was scored a central apnea, not an obstructive one; its belts agree.": a
    claimed apnea type against the event's scored type, then against what its belts did."""
    kind = asked.split()[0]
    if "hypopnea" in label:
        return f"**Cannot tell**: it is a hypopnea, which is not typed {'obstructive or central' if asked == EITHER_TYPE else kind} here."
    scored = label if label in ("obstructive apnea", "central apnea", "mixed apnea") else ""
    if not scored and not belts:
        return f"**Cannot tell**: it was scored {article(label)}, with no type and no belt to read one from."
    said = scored or belts
    if asked == EITHER_TYPE:
        # "central or obstructive?": the type, with no yes or no to a type not claimed
        lead = f"It was scored **{article(scored)}**" if scored else f"By its belts, **{article(belts)}**"
        if scored and belts:
            lead += "; its belts agree" if belts == scored else f"; its belts read more like {article(belts)}"
        return lead + "."
    verdict = "Yes" if said == asked else "No"
    lead = (f"**{verdict}**: it was scored {article(scored)}" if scored
            else f"**{verdict}**, by its belts: {article(belts)}")
    if verdict == "No":
        lead += f", not {article(kind)} one"
    if scored and belts:
        lead += "; its belts agree" if belts == scored else f"; its belts read more like {article(belts)}"
    return lead + "."


def _breaths_lead(breaths: tuple[tuple[str, float, float, float], ...], apnea: bool) -> str:
    """"Breathing during it (...): airflow **3 %** (first third 2 %, last third 4 %); ...", then
    what the belts did, read by the scorer's own effort cut (:class:`RespiratoryConfig`); for
    an apnea, the type that pattern marks (hypopneas are not typed here)."""
    rows = "; ".join(f"{name} **{whole:.0f} %** (first third {first:.0f} %, last third {last:.0f} %)"
                     for name, whole, first, last in breaths)
    text = f"Breathing during it (median breath amplitude, % of the breaths before it): {rows}."
    kind, pattern, _, _ = _belts_reading(breaths)
    if kind:
        pattern += f", as in {article(kind)}" if apnea else ""
        text += (f" Effort (the larger belt) was **{pattern}** (absent: under "
                 f"{100 * RespiratoryConfig().effort_absent_ratio:.0f} % of the breaths before, the scorer's cut).")
    return text


def _more_events(rest: list[Item]) -> str:
    """"; and 9 more (rapid eye movement 9)": the events a context leaves unlisted, by kind."""
    if not rest:
        return ""
    kinds = ", ".join(f"{k} {n}" for k, n in Counter(i.label for i in rest).most_common())
    return f"; and {len(rest)} more ({kinds})"


@render.register
def _(r: Context, night: LoadedNight) -> Answer:
    if not r.around:
        return _item_facts(r, night)
    side = "before" if r.before else "after"
    seq = ", ".join(f"{s} {d:.0f} s" for s, d in r.stages) or "no epoch"
    text = (f"In the {r.span[1] - r.span[0]:.0f} s {side} the {r.item.label} at "
            f"{_span(night, r.item)} ({clock(night, r.span[0])}–{clock(night, r.span[1])}): "
            f"{source_name(r.source)} stages {seq}.")
    if r.events:
        text += "\nEvents then: " + "; ".join(f"{i.label} {_span(night, i)} ({seconds(i.duration)})"
                                             for i in r.events[:6]) + _more_events(r.events[6:]) + "."
    else:
        text += "\nNo scored event then."
    if r.measures:
        text += "\nMeasured then: " + "; ".join(
            f"{label} mean {mean:.1f} {unit} (lowest {low:.1f}, highest {high:.1f}) against "
            f"{own:.1f} during it"
            for label, unit, mean, low, high, own, *_ in r.measures) + "."
    text = _window_verdict(r, night, side) + text
    if r.asked and (m := next((m for m in r.measures if m[0] == r.asked[0]), None)):
        # "what was the lowest SpO2 after it?": that value first
        label, unit, mean, low, high, own, *_ = m
        which, value = {"lowest": ("Lowest", low), "highest": ("Highest", high)}.get(
            r.asked[1] or "", ("Mean", mean))
        lead = f"{which} {label} in the {r.span[1] - r.span[0]:.0f} s {side} it: **{value:.1f} {unit}**"
        if r.way_asked and which == "Mean":
            # "did the heart rate rise after it?": yes or no, against its mean during it
            went = "higher" if mean > own else "lower" if mean < own else "the same"
            # a change smaller than the signal's own spread between neighbouring windows is no rise
            verdict = ("Hardly" if went == r.way_asked and abs(mean - own) < _SLIGHT_CHANGE.get(unit, 0.0)
                       else "Yes" if went == r.way_asked else "No")
            lead = (f"**{verdict}**: {lead[0].lower()}{lead[1:]}, "
                    f"{went}{' as' if went == 'the same' else ' than'} the {own:.1f} {unit} during it "
                    f"({mean - own:+.1f} {unit})")
        text = f"{lead}.\n\n" + text
    window = Item(r.span[0], r.span[1], f"{side} {r.item.label}", "measured")
    return _answer(night, text, [window], [window, r.item])


_SLIGHT_CHANGE = {"bpm": 3.0, "%": 1.0, "breaths/min": 2.0}
"""Change of a window's mean against the event's own under which "did it rise?" is answered
"hardly", by unit: a heart rate moves a few beats per minute and an oximeter a point from one
half minute to the next with no event at all."""


def _window_verdict(r: Context, night: LoadedNight, side: str) -> str:
    """Yes or no first, for "did she wake up after it?" or "did she have an arousal after
    it?"; "" for a question that asked neither."""
    if r.wake_asked:
        at = r.span[0]
        for stage, length in r.stages:
            if stage == "W":
                return f"**Yes**: awake from {clock(night, at)} ({length:.0f} s of wake {side} it).\n"
            at += length
        arousal = next((i for i in r.events if i.label == "arousal"), None)
        brief = (f"; an arousal, a few seconds of faster EEG without waking, at {_span(night, arousal)}"
                 if arousal is not None else "")
        return f"**No** awakening {side} it (no wake epoch){brief}.\n"
    if r.asked_types:
        kinds = {t.replace("_", " ") for t in r.asked_types}
        found = [i for i in r.events if i.label in kinds]
        if not found and side == "after":
            # "did it have a desaturation?": one starting inside the event is its own too
            found = [Item(e.onset, e.offset, e.type.replace("_", " "), e.source or "scored")
                     for e in night.scored_events()[0] if e.type in r.asked_types
                     and r.item.start < e.onset < r.item.end]
        if found:
            gap = found[0].start - r.item.end if side == "after" else r.item.start - found[0].end
            when = (f", starting {gap:.0f} s after it ended" if side == "after" else
                    f", ending {gap:.0f} s before it began") if gap >= 1 else ", overlapping it"
            kind, other = r.item.label.replace(" ", "_"), found[0].label.replace(" ", "_")
            rule = (AssociationConfig().respiratory_after_sec if other == "arousal" else tied_after_sec(kind, other))
            if side == "after" and kind in APNEA_TYPES and rule < gap:
                # "did it cause an arousal?": one that came later than the rule that ties the
                # two allows (an arousal's cause as the arousal counts read it) is no effect of it
                hypopnea_rule = (f" (the hypopnea rule itself accepts an arousal up to "
                                 f"{RespiratoryConfig().arousal_after_sec:g} s after)"
                                 if kind == "hypopnea" and other == "arousal" else "")
                return (f"**Yes**, though not tied to it: {found[0].label} at {_span(night, found[0])}{when}, later "
                        f"than the {rule:g} s within which the scoring ties {article(other.replace('_', ' '))} to it"
                        f"{hypopnea_rule}.\n")
            return f"**Yes**: {found[0].label} at {_span(night, found[0])}{when}.\n"
        blind = night.blind_types()
        unseen = sorted({t for t in r.asked_types if t in blind} - {e.type for e in night.scored_events()[0]})
        if unseen and len(unseen) == len(set(r.asked_types)):
            # a 1-Hz airflow cannot show an apnea: "no apnea" there would be a false all-clear
            return (f"**Cannot tell**: this recording's channels cannot show {' or '.join(sorted(kinds))} "
                    f"({blind[unseen[0]]}).\n")
        return f"**No** {' or '.join(sorted(kinds))} {side} it.\n"
    return ""


_BURST_NAMES = {"rapid_eye_movement": ("rapid eye movement", "rapid eye movements"),
                "spindle": ("spindle", "spindles"), "k_complex": ("K-complex", "K-complexes"),
                "slow_wave": ("slow wave", "slow waves")}


@render.register
def _(r: Description, night: LoadedNight) -> Answer:
    paragraphs = "\n\n".join(f"**{level.replace('_', '/')}** — {text}" for level, text in r.paragraphs)
    if r.background:
        title, explanation = r.background
        paragraphs = (f"*{title}*, the stage's hallmark: {explanation}\n\nOn this night:\n\n"
                      + paragraphs)
    # "in N3", "between 2 and 3 am" open a sentence themselves; "the current epoch" does not.
    head = (r.how[0].upper() + r.how[1:] if re.match(r"(?:in|between|after|before|from|at|during"
                                                      r"|around|until|since)\b", r.how)
            else f"About {r.how}")
    if r.events:
        # "what happened between 2:55 and 3:05?": the findings first, then the measures
        kinds = Counter(i.label for i in r.events)
        lines = "\n".join(f"- {_span(night, i)} ({i.label}, {seconds(i.duration)}, stage {i.stage})"
                          for i in r.events[:_MAX_LINES])
        more = f"\n- … and {len(r.events) - _MAX_LINES} more" if len(r.events) > _MAX_LINES else ""
        paragraphs = (f"Events ({source_name(r.events_source)}): "
                      + ", ".join(f"**{n}** {k}{'s' * (n != 1)}" for k, n in kinds.most_common())
                      + f"\n{lines}{more}\n\n{paragraphs}")
    elif r.events_source and r.events_source != "none":
        paragraphs = f"{_none_found(night, r.events_source)}\n\n{paragraphs}"
    if r.span is not None:
        a, b = r.span
        paragraphs = (f"It runs **{clock(night, a)}–{clock(night, b)}** ({(b - a) / 60:g} min)."
                      f"\n\n{paragraphs}")
    if r.breathing is not None:
        paragraphs = f"{_stage_breathing(r.breathing, r.how)}\n\n{paragraphs}"
    if r.bursts and r.minutes > 0:
        counted = ", ".join(f"**{n}** {_BURST_NAMES[t][n != 1]} ({n / r.minutes:.1f}/min)"
                            for t, n in r.bursts.items())
        paragraphs = f"{paragraphs}\n\nBrief events in its {r.minutes:g} min: {counted}."
    return _answer(night, f"{head}:\n\n{paragraphs}", r.runs, r.events or r.runs,
                   jump=r.first_epoch)


_FOUND_KINDS = (("breathing event", "hypopnea"), ("desaturation", "desaturation"), ("arousal", "arousal"),
                ("leg movement", "limb_movement"))
"""The kinds of event "what happened then?" looks for, each with an event type that stands for it."""


def _none_found(night: LoadedNight, source: str) -> str:
    """"No breathing event, desaturation, arousal or leg movement (...)." for a span with none,
    naming only the kinds the night's channels can show, then those it cannot."""
    blind = night.blind_types()
    seen = [name for name, kind in _FOUND_KINDS if kind not in blind]
    unseen = [name for name, kind in _FOUND_KINDS if kind in blind]
    said = f"No {word_list(seen, 'or')} ({source_name(source)})." if seen else ""
    if unseen:
        said += (f" {word_list([plural(u) for u in unseen]).capitalize()} cannot be scored on this night's "
                 f"channels ({'; '.join(dict.fromkeys(blind[k] for n, k in _FOUND_KINDS if n in unseen))}).")
    return said.strip()


def _stage_breathing(b: StageBreathing, where: str) -> str:
    """"AHI **22.1/h** in REM (30 apneas and hypopneas in 82 min asleep); ODI ...; SpO2 ..."."""
    hours = b.sleep_min / 60
    if hours <= 0:
        return f"There is no sleep {where}."
    parts = [f"AHI **{b.events / hours:.1f}/h** {where} ({b.events} apneas and hypopneas in "
             f"{b.sleep_min:.0f} min asleep)" if b.events is not None else
             f"No AHI {where}: the breathing could not be scored"]
    if b.desaturations is not None:
        parts.append(f"ODI **{b.desaturations / hours:.1f}/h** ({b.desaturations} desaturations)")
    if b.spo2 is not None:
        parts.append(f"SpO2 mean **{b.spo2.mean:.1f} %**, lowest **{b.spo2.low:.1f} %**")
    return "; ".join(parts) + "."


@render.register
def _(r: Retrieval, night: LoadedNight) -> Answer:
    if not r.available:
        return Answer("No retrieval library is loaded, so I cannot search other recordings. "
                      "Start the app with `--index DIR` (build one with `sleeplm index build "
                      "RECORDINGS... --out DIR`).")
    lines = [f"- {h.score:+.3f} · epoch {h.meta['epoch']} (**{h.meta['clock']}**, stage {h.meta['stage']}): "
             f"{h.meta['caption'] or 'no scored event'}"
             if h.meta.get("kind") == THIS_NIGHT_KIND else
             f"- {h.score:+.3f} · {h.meta['recording']} epoch {h.meta['epoch']} "
             f"({h.meta['clock'] or str(h.meta['time_s']) + ' s'}, stage {h.meta['stage'] or '?'}, "
             f"{h.meta['kind']}, {h.meta['licence']}): {h.meta['caption']}" for h in r.hits]
    how = ("ranked by what the model reads in each epoch (its stage and the asked events, "
           "per 2-s bin) plus the cosine shown" if r.hits and r.hits[0].evidence is not None
           else "cosine")
    whose = ("Epochs of this night" if r.hits and r.hits[0].meta.get("kind") == THIS_NIGHT_KIND
             else "Library epochs")
    text = f"{r.note}{whose} closest to {r.what} ({how}):\n" + "\n".join(lines) + _same_stage(r)
    if r.captions:
        ranked = ("ranked by how likely each caption's stage and timed events are in what the "
                  "model reads in the epoch, plus the cosine shown" if r.grounded else "cosine")
        text += (f"\n\nLibrary captions closest to {r.what} ({ranked}):\n"
                 + "\n".join(f"- {score:+.3f} · {caption}" for caption, score in r.captions))
    # The hits are a list a follow-up can pick from ("show me the second one"); they lie in
    # other recordings, so nothing is highlighted on this night's plots.
    items = [Item(float(h.meta["time_s"]), float(h.meta["time_s"]) + EPOCH_SEC,
                  f"{h.meta['recording']} epoch {h.meta['epoch']}",
                  f"{LIBRARY_SOURCE}{h.meta['recording']}", str(h.meta["stage"] or "?"),
                  score=h.score) for h in r.hits]
    return Answer(text, hits=r.hits, items=items)


def _same_stage(r: Retrieval) -> str:
    """How many of an epoch search's matches share the searched epoch's stage ("" for a search
    by words or one cut to stages)."""
    if r.searched_stage is None or not r.hits:
        return ""
    stage, source = r.searched_stage
    others = Counter(str(h.meta.get("stage") or "?") for h in r.hits if h.meta.get("stage") != stage)
    alike = len(r.hits) - sum(others.values())
    rest = (f"; the others are {', '.join(f'{st} {n}' for st, n in others.most_common())}, so they match "
            f"it on what the model reads, not on the stage (ask *epochs like this in {stage}* for that stage alone)"
            if others else "")
    return f"\n\n**{alike} of {len(r.hits)}** are stage {stage}, as {r.what} is ({source_name(source)}){rest}."


@render.register
def _(r: Likeness, night: LoadedNight) -> Answer:
    n = len(r.cosines)
    if not n:
        return Answer(f"The library search for {r.what} found no match to compare.")
    lo, hi = min(r.cosines), max(r.cosines)
    meaning = ("1 means the model reads the two epochs alike, not that their traces are the same"
               if r.stage_source else "between the words' embedding and each epoch's")
    lines = [f"- **by the model**: cosine {lo:+.3f} to {hi:+.3f} (mean {sum(r.cosines) / n:+.3f}); {meaning}."]
    if r.stage:
        alike = sum(st in r.stage.split(" or ") for st in r.stages)
        whose = (f"as {r.what} is ({source_name(r.stage_source)})" if r.stage_source
                 else "as asked")
        others = Counter(st for st in r.stages if st not in r.stage.split(" or "))
        rest = f"; the others {', '.join(f'{st} {c}' for st, c in others.most_common())}" if others else ""
        lines.append(f"- **by stage**: {alike} of {n} are {r.stage}, {whose}{rest}.")
    else:
        counts = Counter(r.stages).most_common()
        lines.append(f"- **by stage**: {', '.join(f'{st} {c}' for st, c in counts)}.")
    lines.append(f"- **by events**: {_likeness_events(r, n)}")
    if r.recordings:
        # "which recordings do they come from?": a match from the loaded night itself says less
        # about the library than one from another recording
        own = sum(night.is_recording(rec) for rec in r.recordings)
        counts = ", ".join(f"{rec} {c}" for rec, c in Counter(r.recordings).most_common())
        lines.append(f"- **by recording**: {counts}" + (
            f"; {own} of {n} are epochs of the loaded night itself (ask *... in other nights* to "
            f"leave it out)." if own else "; none is from the loaded night."))
    if r.kinds:
        # "how many of those are from real recordings?": real sleepers against generated nights
        lines.append("- **by kind**: " + ", ".join(f"{kind} {c}" for kind, c in Counter(r.kinds).most_common())
                     + f" of {n}.")
    text = (f"How alike the {n} library matches of {r.what} are:\n" + "\n".join(lines)
            + "\n\nThe stages and events of the matches are what their captions state. Open one "
              "(*show me the first one*) to compare the traces.")
    return Answer(text)


def _event_name(kind: str) -> str:
    """An event type in words ("rapid_eye_movement" -> "rapid eye movement")."""
    return EVENT_NAMES.get(kind, kind.replace("_", " "))


def _likeness_events(r: Likeness, n: int) -> str:
    """The events the query holds (or names) against those the matches' captions state."""
    stated = Counter(t for types in r.stated for t in types)

    def listed(types: list[str]) -> str:
        return ", ".join(f"{_event_name(t)} in {stated[t]}" for t in types)

    others = [t for t, _ in stated.most_common() if t not in r.types]
    beside = f"; beside them, {listed(others)}" if others and r.types else ""
    if r.types and not r.events_source:
        # a search by words: any of the kinds the words name counts
        named = " or ".join(_event_name(t) for t in r.types)
        any_of = sum(bool(types & set(r.types)) for types in r.stated)
        kinds = [t for t in r.types if stated[t]]
        return (f"the words name {named}; {any_of} of {n} matches state one"
                f"{f' ({listed(kinds)})' if kinds else ''}{beside}.")
    if r.types:
        held = ", ".join(_event_name(t) for t in r.types)
        shared = "; ".join(f"{_event_name(t)} in {stated[t]} of {n}" for t in r.types)
        return (f"{r.what} holds {held} ({source_name(r.events_source)}); the matches state "
                f"{shared}{beside}.")
    none = sum(not types for types in r.stated)
    where = f"{r.what} holds no scored event" if r.events_source else "the words name no event"
    more = f"; the others state {listed(others)}" if others else ""
    return f"{where}; {none} of {n} matches state none{more}."


# The statistic a summary question asks for: (name, value, unit) read from the summary.
_STATS = {
    "tst": ("Total sleep time", lambda s: s.tst_min, "min"),
    "tib": ("Time in bed", lambda s: s.tib_min, "min"),
    "se": ("Sleep efficiency", lambda s: s.se_pct, "%"),
    "waso": ("Wake after sleep onset (WASO)", lambda s: s.waso_min, "min"),
    "ahi": ("AHI (apneas + hypopneas per hour of sleep)", lambda s: s.ahi, "/h"),
    "rdi": ("RDI (apneas + hypopneas + RERAs per hour of sleep)", lambda s: s.rdi, "/h"),
    "odi": ("ODI (desaturations ≥3 % per hour of sleep)", lambda s: s.odi, "/h"),
    "rei": ("REI (apneas + hypopneas per hour recorded)", lambda s: s.rei, "/h"),
}
_GAP_OF = {"ahi": "AHI", "rdi": "AHI", "odi": "ODI", "rei": "AHI"}
_STAT_MEANING = {
    "tst": "the time scored as N1, N2, N3 or REM",
    "tib": "lights off to lights on; without those marks, the whole recording",
    "se": "total sleep time as a share of time in bed",
    "waso": "the time awake between sleep onset and the final awakening",
}
"""What a hypnogram statistic counts, said after its value."""


def _stat_text(r: Summary, night: LoadedNight) -> str:
    """The asked statistic in one line, or why it cannot be computed on this night."""
    s = r.summary
    if r.stat == "shifts":
        rate = f" ({s.stage_shifts / (s.tst_min / 60):.1f} per hour of sleep)" if s.tst_min else ""
        return (f"Stage shifts: **{s.stage_shifts}** changes of stage between sleep onset and the "
                f"final awakening{rate}, with **{s.awakenings}** awakenings ({s.waso_min:.0f} min "
                f"of wake after sleep onset) among them; ask *arousal index* for the brief "
                f"arousals.")
    if r.stat == "wake":
        after = max(s.stage_min["W"] - s.sol_min - s.waso_min, 0.0)
        return (f"Wake: **{s.stage_min['W']:.0f} min** of the {s.tib_min:.0f} min in bed: "
                f"**{s.sol_min:.0f} min** before sleep onset, **{s.waso_min:.0f} min** after it and "
                f"before the final awakening (WASO, in {s.awakenings} awakenings), and "
                f"**{after:.0f} min** after the final awakening.")
    if r.stat == "period_wake":
        period = s.tst_min + s.waso_min
        return (f"Wake after sleep onset: **{100 * s.waso_min / period:.1f} %** of the sleep period "
                f"(**{s.waso_min:.0f} min** of the {period:.0f} min from sleep onset to the final "
                f"awakening, in {s.awakenings} awakenings); the other {100 * s.tst_min / period:.1f} "
                f"% is the sleep maintenance efficiency. Over the whole recording, wake took "
                f"{s.stage_min['W']:.0f} of {s.tib_min:.0f} min ({s.stage_pct['W']:.1f} %)."
                if period else "No sleep was scored, so there is no sleep period.")
    if r.stat == "architecture":
        return _architecture_table(s, night)
    if r.stat == "dominant":
        sleep = {k: s.stage_min[k] for k in STAGES[1:]}
        top = max(sleep, key=sleep.get)
        return (f"Most of the sleep was **{top}**: {sleep[top]:.0f} min, {s.stage_pct[top]:.0f} % of "
                f"the {s.tst_min:.0f} min asleep" + (
                    f"; wake took {s.stage_min['W']:.0f} min of the {s.tib_min:.0f} min in bed, more "
                    f"than any sleep stage" if s.stage_min["W"] > sleep[top] else "") + ".")
    if r.stat == "sme":
        kept = s.tst_min + s.waso_min
        return (f"Sleep maintenance efficiency: **{100 * s.tst_min / kept:.1f} %**, total sleep time "
                f"as a share of the time from sleep onset to the final awakening ({s.tst_min:.0f} of "
                f"{kept:.0f} min); the sleep efficiency also counts the time before sleep onset and "
                f"after the final awakening ({s.se_pct:.1f} %)." if kept else
                "No sleep was scored, so there is no sleep maintenance efficiency.")
    if r.stat == "lights":
        return (f"This file carries no lights-off or lights-on mark, so time in bed runs from the "
                f"start of the recording, **{clock(night, 0.0)}**, to its end, "
                f"**{clock(night, night.recording.duration)}**; sleep onset latency counts from "
                f"the start ({s.sol_min:.1f} min).")
    if r.stat == "odi" and r.odi_by_depth and stages_guessed(night, s.source):
        # A home test's ODI is per hour recorded, as its REI: its sleep is only guessed.
        return (f"ODI **{r.odi_by_depth[ODI_DEPTHS[0]]:.1f}/h** of the {s.tib_min / 60:.1f} h "
                f"recorded (desaturations ≥{ODI_DEPTHS[0]:g} % wherever they fall, the index a home "
                f"test without EEG reports, as its REI); by depth: "
                + ", ".join(f"ODI {d:g} % = **{v:.1f}/h**" for d, v in r.odi_by_depth.items())
                + f". Against the model's guessed sleep it would be {s.odi:.1f}/h.")
    text = _stat_line(r, night)
    if r.stat in _GUESSED_STATS and stages_guessed(night, s.source):
        text = _GUESS_LEAD.format(hours=s.tib_min / 60) + text[0].lower() + text[1:]
    return text + _index_unseen(r.stat, night)


_INDEX_TYPES_SHOWN = {"ahi": ("apneas and hypopneas", APNEA_TYPES), "rdi": ("apneas and hypopneas", APNEA_TYPES),
                      "odi": ("desaturations", ("desaturation",))}
"""The events each whole-night index counts, for :func:`_index_unseen`."""


def _index_unseen(stat: str | None, night: LoadedNight) -> str:
    """Said with an index a scoring file gives on a recording whose channels cannot show its
    events (probe Q: a Sleep-EDF montage's 1-Hz airflow and no SpO2 gave AHI 2.9 and ODI 2.5 with
    no word, where the event lists said so); "" otherwise."""
    if stat not in _INDEX_TYPES_SHOWN or night.scored_events()[1] != "scored":
        return ""
    what, types = _INDEX_TYPES_SHOWN[stat]
    if not (why := cannot_show(night, types)):
        return ""
    return (f"\n\n⚠️ This recording cannot show {what}: {why}. The "
            f"index comes from the scoring file, scored on channels this file does not hold, so it cannot be checked "
            f"against this recording.")


def _brief(r: Summary, night: LoadedNight) -> str:
    """The night in one sentence: sleep, its deepest and REM shares, and the breathing indices
    the night has."""
    s = r.summary
    if stages_guessed(night, s.source) and s.rei is not None:
        # a home test without EEG: what it measures, not the guessed sleep
        odi = f", ODI {r.odi_by_depth[ODI_DEPTHS[0]]:.1f}/h recorded" if r.odi_by_depth else ""
        return (f"Home sleep test without EEG: **REI {s.rei:.1f}/h** ({norms.band_name(s.rei, night)}) over "
                f"{s.tib_min / 60:.1f} h recorded{odi}; sleep itself cannot be staged.")
    breathing = (f"; AHI **{s.ahi:.1f}/h** ({norms.band_name(s.ahi, night)})" if s.ahi is not None
                 else "; breathing not scored")
    oxygen = f", ODI {s.odi:.1f}/h" if s.odi is not None else ""
    return (f"{source_name(s.source)[0].upper()}{source_name(s.source)[1:]} scoring: **{s.tst_min / 60:.1f} h** asleep "
            f"of {s.tib_min / 60:.1f} h in bed (efficiency {s.se_pct:.0f} %), N3 {s.stage_pct['N3']:.0f} % and "
            f"REM {s.stage_pct['REM']:.0f} % of sleep{breathing}{oxygen}.")


def _architecture_table(s, night: LoadedNight) -> str:
    """Each stage's minutes, its shares of time in bed and of sleep, its periods and longest
    period, and when it first came after sleep onset, as one table."""
    stages, _ = night.stages()
    stages = np.asarray(stages)
    asleep = np.flatnonzero((stages > 0) & (stages < len(STAGES)))
    onset = int(asleep[0]) if len(asleep) else None
    rows = []
    for code, stage in enumerate(STAGES):
        spans = runs(stages == code)
        longest = max((b - a for a, b in spans), default=0) * EPOCH_SEC / 60
        first = next((a for a, _ in spans if onset is not None and a >= onset), None)
        latency = ("—" if stage == "W" or first is None
                   else f"{(first - onset) * EPOCH_SEC / 60:.1f} min")
        of_sleep = "—" if stage == "W" else f"{s.stage_pct[stage]:.1f} %"
        rows.append(f"| {stage} | {s.stage_min[stage]:.1f} | {100 * s.stage_min[stage] / max(s.tib_min, 1e-9):.1f} % "
                    f"| {of_sleep} | {len(spans)} | {longest:.1f} min | {latency} |")
    return (f"Sleep architecture from the **{source_name(s.source)}** hypnogram: {s.tst_min:.0f} min asleep "
            f"of {s.tib_min:.0f} min in bed (efficiency {s.se_pct:.1f} %), sleep onset latency "
            f"{s.sol_min:.1f} min, WASO {s.waso_min:.0f} min.\n\n"
            "| stage | min | % of time in bed | % of sleep | runs | longest run | first after sleep onset |\n"
            "|---|---|---|---|---|---|---|\n" + "\n".join(rows)
            + "\n\nA run is an unbroken stretch of one stage; *REM periods* join REM runs under 15 min apart.")


HOME_TEST_SLEEP_WAKE_KAPPA = (0.45, 0.25, 0.64)
"""Cohen's kappa (mean, lowest, highest) of the model's sleep against wake, guessed without EEG,
against the true stages of six synthetic home tests (``bench/home_test_staging.py``, seeds
7676-7681, 2026-12-03); no real home test is available here to check it on."""
HOME_TEST_STAGE_KAPPA = 0.33
"""Cohen's kappa of the model's five guessed stages against the true ones on the same six
synthetic home tests (``bench/home_test_staging.py``)."""
_STAGE_GUESS_LEAD = (f"**Not measured**: without EEG, REM, N1, N2 and N3 cannot be told apart by the "
                     f"AASM rules. The model's guess, which agreed with the true stages of six synthetic "
                     f"home tests at κ {HOME_TEST_STAGE_KAPPA:.2f}, so little more than a guess: ")


def guessed_stage_lead(query: Query, night: LoadedNight, text: str) -> str:
    """Before an answer read in some sleep stages of a night without EEG ("heart rate in REM vs
    NREM", "T90 in REM" on a home test): those stages are the model's guess (probe Q: 270 guessed
    REM epochs for a true 203, said with no word); "" where the answer says so already or names no
    stage."""
    # a scope of every sleep stage is sleep itself, which the guess's other caveats cover
    parts = [set(scope.stages) for scope in (query.scope, *(query.groups or ()))
             if scope.stages and not set(scope.stages) >= set(STAGES[1:])]
    if not parts or not stages_guessed(night, night.stages()[1]):
        return ""
    names = list(dict.fromkeys("NREM" if part == {"N1", "N2", "N3"} else "/".join(sorted(part, key=STAGES.index))
                               for part in parts))
    if re.search(r"Cannot be told|Not measured|the model's guess|has no EEG", text):
        return ""
    return (f"**By the model's guessed stages**: this recording has no EEG, so {' and '.join(names)} cannot be "
            f"told from the other stages by the AASM rules; the guess agreed with the true stages of six synthetic "
            f"home tests at κ {HOME_TEST_STAGE_KAPPA:.2f}, so read this as no finding.\n\n")


_GUESSED_STATS = ("tst", "se", "waso", "sme")
"""Statistics of sleep itself, which a night without EEG cannot measure."""
_GUESS_LEAD = (f"**Not measured**: without EEG, sleep cannot be told from wake by the AASM rules "
               f"(the recording monitored {{hours:.1f}} h). The model's guess, which agreed with the "
               f"true sleep and wake of six synthetic home tests at κ {HOME_TEST_SLEEP_WAKE_KAPPA[0]:.2f} "
               f"({HOME_TEST_SLEEP_WAKE_KAPPA[1]:.2f}-{HOME_TEST_SLEEP_WAKE_KAPPA[2]:.2f}), so a "
               f"rough one: ")


def _stat_line(r: Summary, night: LoadedNight) -> str:
    """A hypnogram statistic or an index in one line, or why it cannot be computed."""
    s = r.summary
    name, read, unit = _STATS[r.stat]
    value = read(s)
    if value is None:
        why = r.gaps.get(_GAP_OF[r.stat], "no events")
        return f"**The {r.stat.upper()} cannot be computed on this night**: {why}."
    number = f"{value:.0f}" if unit == "min" else f"{value:.1f}"
    text = f"{name}: **{number}{unit if unit == '/h' else ' ' + unit}**"
    if unit == "min":
        text += f" ({value / 60:.1f} h)"
    if r.stat in _STAT_MEANING:
        text += f", {_STAT_MEANING[r.stat]}"
    if r.stat == "ahi":
        text += (f", from {s.n_apneas_hypopneas} apneas and hypopneas in the "
                 f"{source_name(r.events_source)} events: {norms.graded(value, night)}")
    if r.stat == "rdi":
        text += (f", from {s.n_apneas_hypopneas} apneas and hypopneas and {s.n_reras} RERAs in "
                 f"the {source_name(r.events_source)} events")
        if not s.n_reras:
            text += (" (no respiratory-effort-related arousal is scored, and this app does not "
                     "detect them, so the RDI equals the AHI)")
    if r.stat == "rei":
        # on a night with staged sleep, the REI sits beside the AHI: same events, wake counted in
        text += (f", from {round(s.rei * s.tib_min / 60)} apneas and hypopneas over the {s.tib_min / 60:.1f} h "
                 f"recorded, wake included: the index a home sleep test reports, since it cannot tell "
                 f"sleep from wake")
        if s.ahi is not None and s.tst_min > 0:
            text += (f"; the AHI counts the {s.n_apneas_hypopneas} in sleep over the {s.tst_min / 60:.1f} h of "
                     f"sleep, so the REI runs lower whenever there is wake in bed (here "
                     f"{s.tib_min - s.tst_min:.0f} min)")
    if r.odi_by_depth and r.stat == "odi":
        text += "; by depth: " + ", ".join(f"ODI {d:g} % = **{v:.1f}/h**" for d, v in
                                             r.odi_by_depth.items())
    return text + "."


def _stage_shares(s) -> str:
    """Each stage's minutes and share, with the share's base said: wake's is of the time in
    bed, the sleep stages' of the total sleep (the AASM report's convention)."""
    def share(stage: str, minutes: float) -> str:
        base = " of time in bed" if stage == "W" else " of sleep" if stage == "N1" else ""
        return f"{stage} {minutes:.1f} min ({s.stage_pct[stage]:.0f}%{base})"
    return ", ".join(share(k, v) for k, v in s.stage_min.items())


def _summary_text(s, gaps: dict[str, str] | None = None) -> str:
    text = (f"From the **{source_name(s.source)}** hypnogram: time in bed {s.tib_min:.0f} min, "
            f"total sleep {s.tst_min:.0f} min, efficiency {s.se_pct:.1f}%, sleep onset latency "
            f"{s.sol_min:.1f} min, WASO {s.waso_min:.0f} min, REM latency "
            + ("n/a" if s.rem_latency_min != s.rem_latency_min else f"{s.rem_latency_min:.0f} min")
            + f", {s.awakenings} awakenings. Stages: " + _stage_shares(s) + ".")
    if s.ahi is not None:
        text += f" AHI {s.ahi:.1f}/h ({s.n_apneas_hypopneas} apneas+hypopneas)."
    if s.odi is not None:
        text += f" ODI {s.odi:.1f}/h ({s.n_desaturations} desaturations ≥3%)."
    text += "".join(f" {name} not computed: {why}." for name, why in (gaps or {}).items())
    return text


def _guessed_summary_text(s) -> str:
    """A home test's night without its guessed staging: the oxygen per hour recorded, and how
    long the model guesses the patient slept, as a guess."""
    hours = s.tib_min / 60
    odi = (f"ODI **{s.n_desaturations / hours:.1f}/h** ({s.n_desaturations} desaturations ≥3 % over the "
           f"{hours:.1f} h recorded). " if s.odi is not None and hours else "")
    return (f"{odi}Sleep is not staged without EEG: the model's guess from the other signals puts "
            f"about **{s.tst_min:.0f} min** of the {s.tib_min:.0f} min recorded asleep, a guess and no "
            f"measurement, so no latency, awakening count or stage share is given. Ask *write the HSAT "
            f"report* for the oxygen, pulse, position and adequacy.")


def _first_sleep_outside(night: LoadedNight, r: StagePeriods) -> str:
    """On a recording read over its main sleep period: that the recording's start is no
    bedtime, and where its first sleep lies when that is outside the period ("" otherwise)."""
    lo, _, words = reading_span(night)
    if not words or r.event != "onset" or not r.where.endswith(words):
        return ""
    sleep = np.flatnonzero(night.stages()[0][:lo] >= STAGES.index("N1"))
    at = clock(night, float(night.epochs.starts[sleep[0]])) if len(sleep) else ""
    first = (f" The recording's first sleep epoch, at **{at}**, lies outside it (ask *did "
             f"they nap?*)." if at else "")
    return (" With no lights-off mark the recording's start is no bedtime, so that is no sleep "
            "onset latency." + first)


def _episode_note(e: Episode | None, night: LoadedNight) -> str:
    """A warning for recordings with hours outside the night (Sleep-EDF's 22-h files)."""
    # Not for a night split by a long awakening: that is one night.
    if e is None or split_night(night, e) or not beyond_one_night(night, e) and e.other_sleep_min < 0.5:
        return ""
    lo, hi = e.start, e.end
    other = (f"; {e.other_sleep_min:.1f} min of sleep lie outside it" if e.other_sleep_min >= 0.5
             else "")
    return (f"\n\n⚠️ The recording runs {night.recording.duration / 3600:.1f} h and carries no "
            f"lights-off or lights-on mark, so time in bed, efficiency, sleep onset, latencies and "
            f"WASO count all of it. The main sleep episode runs **{clock(night, lo)}–"
            f"{clock(night, hi)}** ({(hi - lo) / 3600:.1f} h){other}; ask about it, e.g. "
            f"*summarize the main sleep period*, or any span, e.g. *how much N3 "
            f"between {clock(night, lo)[:5]} and {clock(night, hi)[:5]}?*")


def _whole_recording(r: Summary, night: LoadedNight) -> str:
    """After a long recording's main sleep period, what its whole length would give ("" when
    the summary reads the whole recording)."""
    w = r.whole
    if w is None:
        return ""
    return (f"\n\nThe recording runs {night.recording.duration / 3600:.1f} h and carries no lights-off or "
            f"lights-on mark; read over all of it, time in bed would be {w.tib_min:.0f} min, efficiency "
            f"{w.se_pct:.1f} %, sleep onset latency {w.sol_min:.1f} min and WASO {w.waso_min:.0f} min "
            f"(ask about any span, e.g. *summarize the recording between 18:00 and 23:00*).")


def _rei_text(r: Summary, night: LoadedNight) -> str:
    """The REI first, where sleep cannot be staged (a home sleep test without EEG)."""
    s = r.summary
    if not stages_guessed(night, s.source) or s.rei is None:
        return ""
    wake = norms.rei_wake_caveat(round(s.rei * s.tib_min / 60), s.tib_min / 60, night)
    return (f"**REI {s.rei:.1f}/h**: apneas and hypopneas per hour of the {s.tib_min / 60:.1f} h "
            f"recorded, wherever they fall; the index a home sleep test without EEG reports, "
            f"since it cannot tell sleep from wake.\n\n" + (f"{wake}\n\n" if wake else ""))


@render.register
def _(r: Summary, night: LoadedNight) -> Answer:
    rei = _rei_text(r, night)
    if r.stat in ("ahi", "rdi") and rei:
        # Without EEG the AHI's (and the RDI's) denominator is the model's guess; lead with what
        # an HST reports (with no RERA scored, the RDI's events are the AHI's).
        # "is an REI of 12 mild?": the value asked about on the AHI's scale first
        stated = (f"An index of **{r.stated:g}/h** (a home test's REI is graded on the AHI's scale) "
                  f"is {norms.graded(r.stated, night)}.\n\nThis recording's own: "
                  if r.stated is not None else "")
        # "the AHI and the ODI?": the others asked after it
        more = "".join(f"\n\n{_stat_text(replace(r, stat=stat), night)}" for stat in r.more_stats if stat != "rei")
        return Answer(stated + rei + f"The AHI against the model's guessed sleep would be "
                      f"{r.summary.ahi:.1f}/h." + more + stage_caveat(night, r.summary.source))
    snoring = ""
    if r.snoring and r.snoring[1] > 0:
        rule = phenomenon("snoring")  # the same definition "did the patient snore?" uses
        snoring = (f" Snoring {_snoring_share(r.snoring)} "
                   f"({r.snoring[0]:.0f} min, snore channel at least {rule.condition.value:g} dB "
                   f"over its quiet level for {rule.min_duration:g} s or more).")
    # a home test's staged block (latencies, awakenings, the AHI over guessed sleep) would read a
    # guess as a staging: its REI, oxygen and the guessed sleep time alone, said as a guess
    whole = ((rei + _guessed_summary_text(r.summary) + snoring) if rei else
             (_summary_text(r.summary, r.gaps) + _summary_lone_rem(night, r.summary)
              + _summary_apart(night, r.summary) + snoring
              + _episode_note(r.episode, night))) + stage_caveat(night, r.summary.source)
    if r.where:
        # A span's own numbers: its first epoch is lights off, its last lights on.
        text = _summary_text(r.summary, r.gaps)
        stat = _stat_text(r, night) if r.stat else ""
        asked = f"{r.where[0].upper()}{r.where[1:]}: {stat[:1].lower()}{stat[1:]}\n\n" if stat else ""
        return Answer(asked + rei + f"{r.where[0].upper()}{r.where[1:]} (its start taken as lights "
                      f"off, its end as lights on): {text[0].lower()}{text[1:]}" + _whole_recording(r, night)
                      + stage_caveat(night, r.summary.source))
    if not r.stat:
        return Answer(whole)
    if r.stat == "brief":
        # a home test's line says itself that it stages no sleep
        return Answer(_brief(r, night) + ("" if rei else stage_caveat(night, r.summary.source)))
    asked = "\n\n".join(_stat_text(replace(r, stat=stat), night) for stat in (r.stat, *r.more_stats))
    if (other := _sleep_apart(night, r.summary).get(r.stat)) is not None:
        # "TST?" on a machine staging the model reads 30 min away: said with the figure itself
        asked += f" **Not settled**: the model's zero-shot staging reads {other}."
    if r.stated is not None:
        # "is an AHI of 12 bad?": the value asked about on the scale, then the night's own
        name = _GAP_OF.get(r.stat, r.stat.upper())
        asked = (f"An {name} of **{r.stated:g}/h** is {norms.graded(r.stated, night)}.\n\n"
                 f"This night's own: {asked}")
    return Answer(f"{asked}\n\nThe whole night: {whole}")


@render.register
def _(r: View, night: LoadedNight) -> Answer:
    s = r.summary
    if r.view == "spectrogram":
        head = ("The whole-night EEG spectrogram is the middle panel of the night overview "
                "(left); slow-wave sleep shows as bright low frequencies.")
    else:
        head = (f"The {source_name(s.source)} hypnogram is the top track of the night overview "
                f"(left).")
    caveat = stage_caveat(night, s.source)   # a home test's hypnogram is the model's guess
    # a guessed hypnogram's latencies and awakenings would read a guess as a staging
    numbers = _guessed_summary_text(s) if stages_guessed(night, s.source) else _summary_text(s, r.gaps)
    if r.span is None:
        return Answer(head + (" The night's numbers:" if r.view != "spectrogram" else "")
                      + "\n\n" + numbers + caveat)
    start, end = r.span
    return Answer(f"{head} The part {r.where}, **{clock(night, start)}–{clock(night, end)}**, is "
                  f"highlighted (blue); its numbers, its edges taken as lights off and on:\n\n"
                  + numbers + caveat,
                  highlights=[Highlight(start, end, "the part asked")])


def _per_cycle(r: CycleList) -> tuple[str, Item]:
    """"Which cycle had the most N3?": the asked stages' minutes in each cycle, the extreme
    one first; and that cycle."""
    name = _stage_set(r.asked)
    amounts = [sum(m.get(s, 0.0) for s in r.asked) for m in r.minutes]
    pick = int(np.argmin(amounts) if r.least else np.argmax(amounts))
    each = ", ".join(f"{item.label} {a:.1f}" for item, a in zip(r.cycles, amounts))
    return (f"{name} per cycle (min): {each}; the {'least' if r.least else 'most'} in "
            f"**{r.cycles[pick].label}** (**{amounts[pick]:.1f} min**)."), r.cycles[pick]


@render.register
def _(r: CycleList, night: LoadedNight) -> Answer:
    if not r.cycles:
        return Answer(f"From the {source_name(r.source)} hypnogram: no NREM-REM cycle "
                      f"(a cycle needs at least 15 min of NREM sleep).")
    complete = sum(t is not None for t in r.rem_starts)
    lengths = [i.duration / 60 for i, t in zip(r.cycles, r.rem_starts) if t is not None]
    head = (f"From the {source_name(r.source)} hypnogram: **{complete}** complete NREM-REM "
            f"cycle{'s' * (complete != 1)}" + (f" (mean {np.mean(lengths):.0f} min, range "
                                                f"{min(lengths):.0f}-{max(lengths):.0f})"
                                                if lengths else "")
            + (", and a last cycle without a REM period" if len(r.cycles) > complete else "")
            + f" in the main sleep episode, {clock(night, r.episode.start)}–"
              f"{clock(night, r.episode.end)}.")
    lines = []
    for item, minutes, rem in zip(r.cycles, r.minutes, r.rem_starts):
        mix = ", ".join(f"{s} {m:.0f}" for s, m in minutes.items() if m >= 0.5)
        when = f"REM from {clock(night, rem)}" if rem is not None else _no_rem_period(minutes)
        lines.append(f"- {item.label}: {_span(night, item)} ({item.duration / 60:.0f} min; {when}; "
                     f"min of {mix})")
    named = None
    if r.asked:
        lead, named = _per_cycle(r)
        head = lead + "\n\n" + head
    elif r.by_length and lengths:
        # "which sleep cycle was the longest?": the complete cycles' one, first
        complete_items = [i for i, t in zip(r.cycles, r.rem_starts) if t is not None]
        pick = (max if r.by_length == "longest" else min)(complete_items, key=lambda i: i.duration)
        head = (f"The {r.by_length} complete cycle is **{pick.label}**, {_span(night, pick)} "
                f"(**{pick.duration / 60:.0f} min**).\n\n{head}")
        named = pick
    note = ("\n\nCycles follow Feinberg & Floyd: each runs from sleep onset or the end of a "
            "REM period to the end of the next REM period, with at least 15 min of NREM; REM "
            "runs less than 15 min apart are one period.")
    other = r.episode.other_sleep_min
    if other >= 0.5:
        note += (f" {other:.1f} min of sleep outside the main episode (an hour or more of wake "
                 f"sets a stretch of sleep apart, unless it holds 30 min of sleep or more and "
                 f"lies within 3 h: then it is part of the night) are not in any cycle.")
    # the cycle the answer names leads the list, so that "how long was it?" is that one
    items = [named, *(c for c in r.cycles if c is not named)] if named is not None else r.cycles
    return _led_by_guess(_answer(night, head + "\n\n" + "\n".join(lines) + note
                                 + stage_caveat(night, r.source), items), night, r.source, False)


@render.register
def _(r: StagingChannel, night: LoadedNight) -> Answer:
    usable = [label for label, why in r.leads if not why]
    lines = "\n".join(f"- {label}" + (f": not usable ({why})" if why else "") for label, why in r.leads)
    lead = (f"**{usable[0]}** is the EEG lead this file offers that the machine staging reads first"
            if usable else "None of this file's EEG leads can be staged from")
    used = f" This night's machine staging: {r.used}." if r.used else ""
    return Answer(f"{lead}: YASA's staging classifier was trained on central EEG (C4 or C3 against the "
                  f"opposite mastoid), so a central lead comes first, then frontal (Fpz-Cz, F4, F3), then "
                  f"parietal and occipital ones; each needs 40 Hz or more and a signal that is not flat."
                  f"{used}\n\nThis file's EEG leads, in that order:\n{lines}\n\nAsk *which channel is "
                  f"noisiest?* to see how clean each one is.")


@render.register
def _(r: StageAgreement, night: LoadedNight) -> Answer:
    ref, other = source_name(r.reference), source_name(r.compared)
    n, m = int(r.confusion.sum()), r.confusion
    rows, cols = m.sum(axis=1), m.sum(axis=0)
    head = "| " + ref + " \\ " + other + " | " + " | ".join(STAGES) + " | agree | F1 |"
    # F1 per stage: the harmonic mean of the compared staging's recall (agree) and precision
    lines = [f"| **{st}** | " + " | ".join(str(v) for v in m[i]) + " | "
             + (f"{100 * m[i, i] / rows[i]:.0f} %" if rows[i] else "–") + " | "
             + (f"{2 * m[i, i] / (rows[i] + cols[i]):.2f}" if rows[i] + cols[i] else "–") + " |"
             for i, st in enumerate(STAGES)]
    text = (f"**{ref[0].upper()}{ref[1:]} stages against {other}**, epoch by epoch over the "
            f"**{n}** epochs both stage: they agree on **{100 * np.trace(m) / n:.0f} %**, "
            f"Cohen's κ **{r.kappa:.2f}**. Rows: {ref}; columns: {other}.\n\n{head}\n"
            f"|{'---|' * (len(STAGES) + 3)}\n" + "\n".join(lines))
    if r.cell is not None:
        # "how many N1 epochs did the model call wake?": that cell first
        i, j = (STAGES.index(st) for st in r.cell)
        text = (f"**{m[i, j]}** of the {rows[i]} epochs {ref} **{STAGES[i]}** were staged **{STAGES[j]}** by "
                f"{other}" + (f" ({100 * m[i, j] / rows[i]:.0f} %)." if rows[i] else ".") + "\n\n" + text)
    staged = [i for i in range(len(STAGES)) if rows[i]]
    worst = min(staged, key=lambda i: m[i, i] / rows[i])
    off = m.copy()
    np.fill_diagonal(off, 0)
    a, b = np.unravel_index(int(off.argmax()), off.shape)
    if off[a, b]:
        least = (f"The least agreement is on **{STAGES[worst]}**: {100 * m[worst, worst] / rows[worst]:.0f} % "
                 f"of its {rows[worst]} epochs. The largest disagreement: **{off[a, b]}** epochs "
                 f"{ref} **{STAGES[a]}** staged **{STAGES[b]}** by {other}.")
        # "which stage does it confuse most?": that stage first
        text = f"{least}\n\n{text}" if r.worst_first and r.cell is None else f"{text}\n\n{least}"
    return Answer(text + _neither_human(r.reference, night))


def _neither_human(reference: str, night: LoadedNight) -> str:
    """The closing line of two machine stagings set side by side: whether a human scored the night."""
    if reference == "scored":
        return ""
    if night.recording.has_scoring:
        return ("\n\nNeither staging is the night's human scoring, which is left aside here: ask *how does "
                "YASA compare with the expert?* or *how does the model compare with the expert?*")
    return "\n\nNeither staging is a human scoring: this night was not scored."


@render.register
def _(r: StagerRace, night: LoadedNight) -> Answer:
    """"is the model better than YASA?": each staging against the expert, the closer first."""
    rows = sorted(r.rows, key=lambda row: -row.kappa)
    best, ref = rows[0], source_name(r.reference)
    lead = f"**{source_name(best.source)[0].upper()}{source_name(best.source)[1:]}** is closer to the {ref} stages"
    if len(rows) > 1:
        lead += (f": Cohen's κ **{best.kappa:.2f}** against **{rows[1].kappa:.2f}** for "
                 f"{source_name(rows[1].source)}, over the **{r.epochs}** epochs all of them stage.")
    head = "| staging | κ | agree | " + " | ".join(f"F1 {st}" for st in STAGES) + " |"
    lines = [f"| {source_name(row.source)} | {row.kappa:.2f} | {100 * row.accuracy:.0f} % | "
             + " | ".join(f"{f:.2f}" for f in row.per_class_f1) + " |" for row in rows]
    return Answer(f"{lead}\n\n{head}\n|{'---|' * (len(STAGES) + 3)}\n" + "\n".join(lines)
                  + "\n\nOne night's agreement, not an accuracy figure: ask *show the confusion matrix* "
                    "or *and the model?* for either staging's epochs.")


@render.register
def _(r: AgreementTrack, night: LoadedNight) -> Answer:
    """"does agreement drop at the end of the night?": the thirds first, then hour by hour."""
    ref, other = source_name(r.reference), source_name(r.compared)

    def line(row: AgreementRow) -> str:
        kappa = "–" if row.kappa != row.kappa else f"{row.kappa:.2f}"
        return f"| {row.label} | {row.epochs} | {100 * row.agree:.0f} % | {kappa} | {row.common or '–'} |"

    first, last = r.thirds[0], r.thirds[-1]
    way = ("lower" if last.agree < first.agree - 0.05 else "higher" if last.agree > first.agree + 0.05
           else "about the same")
    lead = (f"Agreement of {other} with the {ref} stages is **{way}** in the last third of the night "
            f"(**{100 * last.agree:.0f} %** of its {last.epochs} epochs) {'as' if way == 'about the same' else 'than'} "
            f"in the first (**{100 * first.agree:.0f} %** of {first.epochs}; within 5 points counts as the "
            f"same); the middle third {100 * r.thirds[1].agree:.0f} %.")
    if r.rho == r.rho:
        lead += f" Hour by hour, Spearman's ρ of agreement against time {r.rho:+.2f} ({_p_value(r.p)}, {len(r.hours)} hours)."
    table = ("| part of the night | epochs | agree | κ | commonest stage (reference) |\n|---|---|---|---|---|\n"
             + "\n".join(line(row) for row in [*r.thirds, *r.hours]))
    return Answer(f"{lead}\n\n{table}\n\nAgreement moves with the stages each part holds (N1 and the "
                  f"transitions are the hardest for any stager), so read it beside the commonest stage; "
                  f"hours with under 10 min both stage are left out."
                  + _neither_human(r.reference, night))


@render.register
def _(r: StagerAmounts, night: LoadedNight) -> Answer:
    """"how much N3 did the expert score vs YASA?": minutes of each stage by each staging."""
    head = "| stage | " + " | ".join(source_name(src) for src in r.sources) + " |"
    lines = [f"| {st} | " + " | ".join(f"{r.minutes[src][i]:.1f}" for src in r.sources) + " |"
             for i, st in enumerate(r.stages)]
    lead = ""
    if len(r.stages) == 1:
        lead = "; ".join(f"{source_name(src)} **{r.minutes[src][0]:.1f} min**" for src in r.sources)
        lead = f"{r.stages[0]}{_where(r.where)}: {lead}.{_stagers_apart(r)}\n\n"
    return Answer(f"{lead}Minutes of each stage{_where(r.where)} by each staging of the night:\n\n{head}\n"
                  f"|{'---|' * (len(r.sources) + 1)}\n" + "\n".join(lines))


def _stagers_apart(r: StagerAmounts) -> str:
    """" They differ by ...": where one stage's minutes by two stagings are far apart, how far,
    and where to look; "" when they are close (under 10 min, or under a quarter of the larger, apart)."""
    amounts = [r.minutes[src][0] for src in r.sources]
    low, high = min(amounts), max(amounts)
    if not _minutes_apart(low, high):
        return ""
    return (f" They differ by **{high - low:.1f} min**, so this figure is not settled on this night; ask "
            f"*where do the stagers disagree?* to see the epochs, each with its evidence.")


def _minutes_apart(a: float, b: float) -> bool:
    """Whether two stagings' minutes of one stage are far apart: 10 min or more, and a quarter of
    the larger or more (3 min of N3 against 1 is no disagreement worth a scorer's time)."""
    gap = abs(a - b)
    return gap >= 10 and gap >= 0.25 * max(a, b)


def _unsure_count(r: RecordingFacts) -> str:
    """"Epochs under 0.5", "uncertain stretches in REM": how many such epochs, before their
    stretches ("" when the question set neither)."""
    if r.unsure_count is None:
        return ""
    n, of = r.unsure_count
    return (f"The machine staging gives its chosen stage a probability under **{r.unsure_below:g}** on "
            f"**{n}** of the {of} epochs{_unsure_among(r)} (**{100 * n / max(of, 1):.0f} %**).\n\n")


def _unsure_among(r: RecordingFacts) -> str:
    """" it stages REM" after the epochs counted, when the question named their stages."""
    return f" it stages {' or '.join(r.unsure_in)}" if r.unsure_in else ""


@render.register
def _(r: RecordingFacts, night: LoadedNight) -> Answer:
    text = {"channels": _channels_text, "scoring": _scoring_text,
            "quality": _quality_text, "patient": _patient_text}[r.topic](r, night)
    return _answer(night, text, r.items)


def _patient_text(r: RecordingFacts, night: LoadedNight) -> str:
    """Who was recorded, from the header's patient field, and what the answers make of it."""
    p, fmt = r.patient, night.recording.source.get("format", "")
    verdict = _claim_verdict(r.claim, p) + " " if r.claim else ""
    if not p.known:
        where = (f"its header's patient field reads `{p.field}`" if p.field else
                 "its header's patient field is empty") if fmt.startswith(("EDF", "BDF")) else (
                 f"a {fmt} file has no header to hold it")
        return (f"{verdict}The file does not say who was recorded: {where}, with no sex or age (EDF+ "
                f"writes `X` for each one unknown). Norms are read for adults unless a question "
                f"gives an age, e.g. *is this normal for a 65-year-old?*")
    text = f"{verdict}The file's header gives the patient as **{p.describe()}** (patient field `{p.field}`)."
    if p.age is None:
        return text + (" It gives no age, so norms are read for adults unless a question gives "
                       "one, e.g. *is this normal for a 65-year-old?*")
    if p.age < norms.ADULT_AGE:
        return text + (" A child: the adult norms and the adult AHI bands are not read for this "
                       "night; *is this normal?* applies the AASM's pediatric breathing rule.")
    return text + (f" *Is this normal?* reads the night against healthy sleepers of that age "
                   f"(band {norms.band_of(int(p.age))[1]}), unless a question gives another.")


def _claim_verdict(claim: str, p: Patient) -> str:
    """"**Yes.**", "**No.**" or what the header lacks, for a yes-or-no question naming a class
    of patient (a child is under :data:`norms.ADULT_AGE`, an older adult at
    :data:`norms.OLDER_AGE` or over) or an age ("over:60": older than 60 years)."""
    if claim == "body":
        return ("**Not in the file**: an EDF header holds the patient's sex and birth date (so the "
                "age) and name or code, never BMI, weight, height or neck size, and a recording holds no "
                "medication, caffeine, alcohol, habits, symptoms or chronotype: ask the patient or the intake "
                "questionnaire.")
    if claim in ("female", "male"):
        return "**Not stated.**" if p.sex is None else "**Yes.**" if p.sex == claim else "**No.**"
    if p.age is None:
        return "**Not stated.**"
    if claim.startswith(("over:", "under:")):
        side, years = claim.split(":")
        return "**Yes.**" if (p.age > int(years)) == (side == "over") else "**No.**"
    holds = {"child": p.age < norms.ADULT_AGE, "adult": p.age >= norms.ADULT_AGE,
             "older": p.age >= norms.OLDER_AGE}[claim]
    return "**Yes.**" if holds else "**No.**"


def _channels_text(r: RecordingFacts, night: LoadedNight) -> str:
    rec = night.recording
    rows = "\n".join(f"| {c.label} | {c.sfreq:g} | {c.unit or '—'} | {c.slot or 'not used'} |"
                     for c in r.channels)
    text = (f"**{len(r.channels)} channels**, recorded from {clock(night, 0.0)} for "
            f"{rec.duration / 3600:.1f} h ({rec.source.get('format', 'file')}), cut into "
            f"**{night.n_epochs}** epochs of 30 s:\n\n"
            f"| channel | Hz | unit | read as |\n|---|---|---|---|\n{rows}")
    if r.missing:
        text += f"\n\nNo channel for: {', '.join(r.missing)} (the model sees zeros there)."
    if r.patient.known:
        text += f"\n\nPatient, as the file's header gives it: {r.patient.describe()}."
    if r.study:
        text = f"This is {r.study}.\n\n" + text
    if r.length_asked:
        # "how long is the recording?", "when did it start?": the answer first, then the file
        text = (f"The recording runs **{rec.duration / 3600:.1f} h** ({rec.duration / 60:.0f} min), "
                f"from **{clock(night, 0.0)}** to **{clock(night, rec.duration)}**.\n\n" + text)
    if r.absent is not None:
        lacking = [_SLOT_NAMES.get(slot, slot) for slot in r.absent if ":" not in slot]
        limits = [line for line in r.absent if ":" in line]
        text = ((f"**Not in this file**: {', '.join(lacking)}." if lacking
                 else "**Nothing is missing** of a full PSG's usual channels.")
                + (f" **Not scored from what is there**: {'; '.join(limits)}." if limits else "")
                + _unscored_limit(night) + "\n\n" + text)
    yes = "**Yes**: " if r.presence_asked else ""
    if r.asked:
        text = (yes + "; ".join(f"**{c.label}** at **{c.sfreq:g} Hz**" + (
            f", but {c.unreadable}" if c.unreadable else "") for c in r.asked) + ".\n\n" + text)
    elif r.asked_for:
        text = (f"{'**No**: t' if r.presence_asked else 'T'}his file has no "
                f"{'/'.join(_SLOT_NAMES.get(s, s) for s in r.asked_for)} channel.\n\n" + text)
    return text


def _unscored_limit(night: LoadedNight) -> str:
    """" No human scoring: ..." for a night that came without one, whatever its channels hold."""
    rec = night.recording
    if rec.has_scoring or rec.events:
        return ""
    stages = night.stages()[1]
    who = (f"its stages are {source_name(stages)} and its events machine-scored" if stages != "none"
           else "it holds no stages")
    return (f" **No human scoring**: {who}, so every figure is the field's tools' reading, unchecked on "
            f"this night; ask *which epochs should I check?* for where to start.")


_SLOT_NAMES = {"EEG_C3": "left central EEG", "EEG_C4": "right central EEG", "EOG_L": "left EOG",
               "EOG_R": "right EOG", "ECG": "ECG",
               "EMG_LEG": "leg EMG", "EMG_CHIN": "chin EMG", "AF": "airflow", "THX": "chest belt",
               "ABD": "abdominal belt", "SPO2": "SpO2", "HR": "pulse", "SNORE": "snore",
               "POS": "body position", "TEMP": "temperature"}
"""Montage slots in the words of a technician."""


def _machine_events(r: RecordingFacts) -> str:
    """The machine-scored events an unscored night's answers use, "" for none."""
    if not r.machine_events:
        return ""
    return ("\n\nMachine-scored events, which my answers about events use: "
            + ", ".join(f"{kind} {n}" for kind, n in r.machine_events.items()) + ".")


def _scoring_text(r: RecordingFacts, night: LoadedNight) -> str:
    if r.human_stages:
        files = ", ".join(Path(f).name for f in r.human_files if f)
        head = (f"This night **comes with a scoring**{f' ({files})' if files else ''}: its stages"
                f"{' and ' + str(r.human_events) + ' events' if r.human_events else ''} are what my "
                f"answers use, not the machine's.")
    else:
        head = ("This night has **no human scoring**: its stages and events are machine-scored "
                "from the signals.")
    if r.mean_confidence is None:
        guessed = ("\n\nWithout EEG, sleep and wake are not measured here. The stages my answers "
                   "show are the model's zero-shot guess from the other signals (breathing, heart "
                   "rate, movement), never checked against a scoring of this night, so events are "
                   "counted per hour recorded (the REI) and a figure per hour of sleep rests on "
                   "that guess." if stages_guessed(night, night.stages()[1]) else "")
        return head + " The machine could not stage it." + (
            " " + "; ".join(r.skipped) + "." if r.skipped else "") + guessed + _machine_events(r)
    per = ", ".join(f"{s} {c:.2f}" for s, c in r.stage_confidence.items())
    over = f", {r.where}" if r.where else ""
    stage_lead = ""
    text = (head + f"\n\nMachine staging ({r.machine_source}){over}: mean probability of the "
            f"chosen stage **{r.mean_confidence:.2f}**; **{r.unsure_pct:.0f} %** of epochs under "
            f"{r.unsure_below:g}. By stage: {per}.")
    if len(r.stage_confidence) > 1:
        hardest = min(r.stage_confidence, key=r.stage_confidence.get)
        easiest = max(r.stage_confidence, key=r.stage_confidence.get)
        if r.unsure_lead == "stage":   # "which stage is YASA least sure about?"
            stage_lead = (f"The machine staging is least sure of **{hardest}** (mean probability "
                          f"{r.stage_confidence[hardest]:.2f} of the stage it chose) and surest of "
                          f"**{easiest}** ({r.stage_confidence[easiest]:.2f}).\n\n")
        text += (f" The least sure stage is **{hardest}** ({r.stage_confidence[hardest]:.2f}), the "
                 f"surest **{easiest}** ({r.stage_confidence[easiest]:.2f}).")
    if not r.human_stages:
        # "can I trust the hypnogram?", "how accurate is YASA?": how it fared against experts
        text += f" {MACHINE_STAGING_CHECKED[0].upper()}{MACHINE_STAGING_CHECKED[1:]}."
    if r.agreement:
        whole = " over the whole night" if r.where else ""
        text += (f"\n\nMachine against the human scoring{whole}: {r.agreement}."
                 if r.human_stages or r.human_events else
                 f"\n\nWith the machine staging as the reference{whole}, {r.agreement}.")
    text += _machine_events(r)
    if r.differ is not None:
        # "where do they disagree?": the disagreement first, what each staging is after it
        n, of = r.differ
        who = f"The {source_name(r.differ_by)} stage" if r.differ_by else "The model's zero-shot stage"
        text = (f"{who} differs from the {source_name(r.differ_ref or night.stages()[1])} "
                f"one on **{n}** of {of} epochs{' scored ' + ' or '.join(r.differ_in) if r.differ_in else ''}"
                f" (**{100 * n / max(of, 1):.0f} %**); the longest "
                f"such stretches (blue):\n" + "\n".join(
                    f"- {_span(night, i)} ({i.duration / 60:.1f} min, scored {i.stage})"
                    for i in r.items[:5]) + f"\n\n{text}")
    elif r.items:
        stretches = (_unsure_count(r) + "The longest uncertain stretches (blue):\n" + "\n".join(
            f"- {_span(night, i)} ({i.duration / 60:.1f} min, {i.stage})" for i in r.items[:5]))
        text = f"{stretches}\n\n{text}" if r.unsure_lead == "where" else f"{text}\n\n{stretches}"
    elif r.unsure_lead == "where":
        text = (f"The machine staging is at or over {r.unsure_below:g} on every epoch{_unsure_among(r)}, so no "
                f"stretch of it is uncertain.\n\n{text}")
    if r.skipped:
        text += "\n\nNot machine-scored: " + "; ".join(r.skipped) + "."
    if night.machine is not None and night.machine.notes:
        text += "\n\nMachine-scored with a caveat: " + "; ".join(night.machine.notes) + "."
    if r.scorable is not None:
        # "could you score the breathing?": yes or no for those events first
        what, why = r.scorable
        stage_lead = (f"**No**: {what} cannot be scored on this night ({why}).\n\n" if why else
                      f"**Yes**: {what} are scored on this night; ask *how many {what}?* for them.\n\n") + stage_lead
    if r.which_right:
        # "which one is right?": neither is checked here; which one experts bear out better
        stage_lead = (f"**Neither is checked on this night**: it has no human scoring. "
                      f"{MACHINE_STAGING_CHECKED}; {MODEL_STAGING_CHECKED}. Where they disagree, YASA's stage is the better-validated "
                      f"reading; ask *why is this epoch N2?* to see an epoch's evidence.\n\n" + stage_lead)
    return stage_lead + text


@render.register
def _(r: EventInventory, night: LoadedNight) -> Answer:
    total = sum(row.count for row in r.rows)
    per = "h recorded" if r.per_recorded else "h of sleep"
    lines = "\n".join(f"- **{row.count}** {plural(row.label) if row.count != 1 else row.label}"
                      + (f" ({row.per_hour:.1f}/{per})" if row.per_hour is not None else "")
                      for row in r.rows)
    extra = (f"; the {' and '.join(plural(t) for t in r.machine_types)}, which it does not mark, "
             f"{r.machine_extra}" if r.machine_types else "")
    text = (f"**{total}** events of **{len(r.rows)}** type{'s' * (len(r.rows) != 1)} "
            f"({source_name(r.source)}{extra}), the commonest first:\n{lines}\n\n"
            f"The first of each type is marked (blue): *show me the last one* goes to the least "
            f"common.")
    if r.skipped:
        text += "\n\nNot machine-scored: " + "; ".join(r.skipped) + "."
    if r.lead and len(r.rows) > 1:
        # "which is most common?" after the list: that type first
        row = r.rows[0] if r.lead == "most" else r.rows[-1]
        name = plural(row.label) if row.count != 1 else row.label
        text = (f"**{name[0].upper()}{name[1:]}** {'are' if row.count != 1 else 'is'} the "
                f"{'commonest' if r.lead == 'most' else 'least common'} type: **{row.count}** of the "
                f"{total} events (**{100 * row.count / total:.0f} %**).\n\n{text}")
    return _answer(night, text, [row.first for row in r.rows])


@render.register
def _(r: WindowWhy, night: LoadedNight) -> Answer:
    what = _INDEX_EVENTS.get(r.name, plural(r.name))
    if r.rate is None or r.rest_rate is None:
        return Answer(f"{r.where[0].upper()}{r.where[1:]} holds too little sleep to compare its rate.")
    way = "above" if r.rate > r.rest_rate else "below" if r.rate < r.rest_rate else "at"
    counted = ("events counted wherever they start, per hour recorded: without EEG sleep cannot be "
               "staged" if r.recorded else f"{source_name(r.stage_source)} stages; events counted where "
               f"they start, in sleep")
    text = (f"**{r.where[0].upper()}{r.where[1:]}**: {r.events} {what} in {r.window_min:.0f} min "
            f"{'recorded' if r.recorded else 'asleep'}, **{r.rate:.1f}/h**, {way} the rest of the night's "
            f"**{r.rest_rate:.1f}/h** ({source_name(r.events_source)} events, {counted}).")
    if r.expected is not None:
        text += "\n\n" + _mix_verdict(r)
    # the factors that move the rate most, at most three; a position only where the stretch held
    # more of it (one held less of every other position says the same thing again)
    weighed = sorted((f for f in r.factors if _factor_matters(f) and (f.name in STAGES or f.share > f.rest_share)),
                     key=lambda f: -abs((f.share - f.rest_share) * (f.rate_in - f.rate_out)))
    lines = [_factor_line(f) for f in weighed[:3]]
    if lines:
        text += (f"\n\nWhat set it apart (its share of {'the time recorded' if r.recorded else 'sleep'} against "
                 f"the rest of the night's):\n" + "\n".join(lines))
    if len(r.types) > 1:
        mix = "; ".join(f"{name} {n} ({100 * here:.0f} % against {100 * there:.0f} %)"
                        for name, n, here, there in r.types[:4])
        text += f"\n\nIts events by type (share there against the rest of the night): {mix}."
    return Answer(text if r.recorded else text + stage_caveat(night, r.stage_source))


def _mix_verdict(r: WindowWhy) -> str:
    """How much of the stretch's difference from the rest its stage and position mix predicts."""
    excess, from_mix = r.rate - r.rest_rate, r.expected - r.rest_rate
    mixed = ("body positions" if r.recorded else "stages and body positions"
             if any(f.name not in STAGES for f in r.factors) else "stages")
    said = (f"Its mix of {mixed} alone predicts **{r.expected:.1f}/h** (the rest of the night's rate "
            f"in each, weighted by this stretch's minutes)")
    if abs(excess) < 0.5:
        return said + "."
    share = from_mix / excess
    if share >= 0.75:
        return said + ": the mix accounts for most of the difference."
    if share <= 0.25:
        return said + (f": the mix accounts for little of the difference; the stretch simply "
                       f"held {'more' if excess > 0 else 'fewer'} events than "
                       f"{'time' if r.recorded else 'sleep'} of its kind did elsewhere in the night.")
    return said + f": the mix accounts for about {100 * share:.0f} % of the difference."


def _factor_matters(f: WhyFactor) -> bool:
    """A stage or position that the stretch held notably more or less of, and whose rate
    differs from the rest of sleep's."""
    return (abs(f.share - f.rest_share) >= 0.1 and f.rate_in is not None and f.rate_out is not None
            and abs(f.rate_in - f.rate_out) >= max(1.0, 0.15 * max(f.rate_in, f.rate_out)))


def _factor_line(f: WhyFactor) -> str:
    staged = f.name in STAGES
    name = f.name if staged else "on the back (supine)" if f.name == "supine" else f"lying {f.name}"
    out = "elsewhere in sleep" if staged else "off the back" if f.name == "supine" else "in other positions"
    push = (f.share > f.rest_share) == (f.rate_in > f.rate_out)
    return (f"- **{name}**: {100 * f.share:.0f} % against {100 * f.rest_share:.0f} %; the rest of "
            f"the night ran **{f.rate_in:.1f}/h** there against {f.rate_out:.1f}/h {out}, so this "
            f"{'raises' if push else 'lowers'} the stretch's rate.")


@render.register
def _(r: NoiseReport, night: LoadedNight) -> Answer:
    def hum(row: ChannelNoiseRow) -> str:
        n = row.noise
        return "—" if n.hum_db is None else f"{n.hum_db:+.0f} dB at {n.hum_hz:g} Hz"

    lines = "\n".join(f"| {row.noise.label} | {row.slot} | {100 * row.noise.artefact_share:.1f} % of "
                      f"{row.noise.windows} | {hum(row)} | "
                      + ("—" if row.flagged is None else f"{100 * row.flagged:.1f} %") + " |" for row in r.rows)
    top = r.rows[-1] if r.lead == "least" else r.rows[0]
    hummed = [row.noise.label for row in r.rows if (row.noise.hum_db or 0.0) >= NoiseConfig().hum_db]
    judged = (f"stage by stage, against the {source_name(r.stage_source)} stages" if r.stage_source != "none"
              else "over the whole night, which is not staged")
    text = (f"**{top.noise.label}** is the {'cleanest' if r.lead == 'least' else 'noisiest'} waveform channel: "
            f"**{100 * top.noise.artefact_share:.1f} %** of its 5-s windows are artefacts by the standard-deviation "
            f"rule of YASA's artefact detector, read robustly (a window whose log spread lies over 3 scaled median "
            f"absolute deviations from the channel's own windows, judged {judged}).\n\n"
            f"| channel | slot | artefact windows | mains hum (line over its neighbourhood) | epochs "
            f"flagged flat or clipped |\n|---|---|---|---|---|\n{lines}")
    unread = [row.noise.label for row in r.rows if row.noise.hum_db is None]
    hum_text = ("**Mains hum cannot be read**: every channel is sampled too slowly to show 50/60 Hz "
                "(100 Hz puts 50 Hz at the Nyquist limit)." if len(unread) == len(r.rows) else
                "Mains interference (a line 10 dB or more over its neighbourhood): **"
                + ", ".join(hummed) + "**." if hummed else
                "**No mains hum** of 10 dB or more on the channels whose rate shows 50/60 Hz"
                + (f"; {', '.join(unread)} {'is' if len(unread) == 1 else 'are'} sampled too slowly to "
                   f"show it (100 Hz puts 50 Hz at the Nyquist limit)." if unread else "."))
    text = f"{hum_text}\n\n{text}" if r.lead == "hum" else f"{text}\n\n{hum_text}"
    if r.too_slow:
        text += f" Left out as too slow to hold a waveform: {', '.join(r.too_slow)}."
    return Answer(text + "\n\nThe detector ranks windows within each channel, so a lead that is noisy "
                  "throughout shows in its hum and flags, and in the viewer, more than in its share.")


@render.register
def _(r: EpochPair, night: LoadedNight) -> Answer:
    names = [f"epoch {e} ({clock(night, t)})" for e, t in zip(r.epochs, r.starts)]
    rows = "\n".join(f"| {name} [{unit}] | {a:.1f} | {b:.1f} | {a - b:+.1f} |" for name, unit, (a, b), _ in r.rows)
    same = r.stages[0] == r.stages[1]
    lead = (f"**{names[0][0].upper()}{names[0][1:]}** against **{names[1]}**: "
            + (f"both **{r.stages[0]}**" if same else f"**{r.stages[0]}** against **{r.stages[1]}**")
            + f" ({source_name(r.stage_source)} stages).")
    if r.rows:
        # the difference in units of how much the measure varies over this night's epochs
        name, unit, (a, b), sd = max(r.rows, key=lambda row: abs(row[2][0] - row[2][1]) / max(row[3], 1e-9))
        lead += (f" The largest difference for this night: **{name}**, {a:.1f} against {b:.1f} {unit} "
                 f"({abs(a - b) / max(sd, 1e-9):.1f} times its SD over the night's epochs).")
    text = (f"{lead}\n\n| measure | epoch {r.epochs[0]} | epoch {r.epochs[1]} | difference |\n|---|---|---|---|\n{rows}"
            if r.rows else lead)
    said = [f"epoch {e}: {', '.join(kinds) if kinds else 'none'}" for e, kinds in zip(r.epochs, r.events)]
    text += f"\n\nEvents in each ({source_name(r.events_source)}): " + "; ".join(said) + "."
    items = [Item(t, t + EPOCH_SEC, f"epoch {e}", "measured", stage)
             for e, t, stage in zip(r.epochs, r.starts, r.stages)]
    return _answer(night, text, items)


@render.register
def _(r: StageStability, night: LoadedNight) -> Answer:
    ranked = sorted(r.rows, key=lambda row: row.mean_min, reverse=r.most)
    top = ranked[0]
    rows = "\n".join(f"| {row.stage} | {row.bouts} | {row.mean_min:.1f} | {100 * row.short_share:.0f} % |"
                     for row in ranked)
    text = (f"**{top.stage}** was the {'most' if r.most else 'least'} stable stage{_where(r.where)}: its "
            f"{top.bouts} unbroken bout{'s' * (top.bouts != 1)} lasted **{top.mean_min:.1f} min** on average, "
            f"{100 * top.short_share:.0f} % of them under 2 min ({source_name(r.source)} hypnogram; a bout is "
            f"a run of one stage, ended by any other).\n\n| stage | bouts | mean bout (min) | under 2 min |"
            f"\n|---|---|---|---|\n{rows}")
    return Answer(text + stage_caveat(night, r.source))


@render.register
def _(r: Restaged, night: LoadedNight) -> Answer:
    if r.kappa is None:
        return Answer(f"The machine staging already reads **{r.lead}**; ask *which EEG channel is best for "
                      f"staging?* for the file's other leads.")
    text = (f"**Staged again on {r.lead}** ({r.source}): against the staging on **{r.used}**, the one the app "
            f"uses, κ **{r.kappa:.2f}**; **{r.changed}** of {r.epochs} epochs ({100 * r.changed / max(r.epochs, 1):.0f} %) "
            f"change stage.\n\n| stage | min on {r.used} | min on {r.lead} |\n|---|---|---|\n"
            + "\n".join(f"| {s} | {r.minutes_before[s]:.1f} | {r.minutes_after[s]:.1f} |" for s in STAGES))
    if r.human_before is not None and r.human_after is not None:
        better = r.used if r.human_before >= r.human_after else r.lead
        text += (f"\n\nAgainst the human scoring: κ {r.human_before:.2f} on {r.used}, {r.human_after:.2f} on "
                 f"{r.lead}; **{better}** agrees better here.")
    return Answer(text + f"\n\nThe app's answers keep the staging on {r.used}: YASA's classifier was trained on "
                  "central leads and reads them first, then frontal, parietal and occipital ones.")


@render.register
def _(r: ModelFacts, night: LoadedNight) -> Answer:
    name = r.status.removeprefix("model ")
    tower = f" ({r.text_parameters / 1e6:.1f} M of them its text tower, built on MiniLM)" if r.text_parameters else ""
    text = (f"**The model: {name}**, {r.parameters / 1e6:.2f} M parameters{tower}: a sleep-language model in the style "
            f"of SleepLM, whose signal encoder reads each 30-s epoch of the night's channels into the space of "
            f"a sentence encoder (MiniLM), with a caption decoder and a signal-reconstruction head beside it. "
            f"It finds the moments a question's words name, writes an epoch's caption, stages zero-shot and "
            f"searches the library.")
    if r.shipped:
        text += ("\n\nIt was trained on synthetic nights only (no real night could be trained on here). As its "
                 "model card measured it:\n" + "\n".join(f"- {where}: {what}" for where, what in SHIPPED_CHECKS))
    else:
        text += ("\n\nIt is not the shipped model, so the shipped model card's figures do not apply to it; "
                 "measure it with *sleeplm eval*.")
    if r.kappa is not None:
        text += (f"\n\nOn this night its zero-shot stages agree with the {source_name(r.reference)} staging at "
                 f"**κ {r.kappa:.2f}** ({r.epochs} epochs)" + ("." if r.reference == "scored" else
                                                               "; neither is a human scoring."))
    return Answer(text + "\n\nSo the stages and events my answers count come from the file's own scoring or, "
                  "without one, from the field's validated tools (YASA's staging, the AASM rules' event "
                  "scoring), not from the model.")


@render.register
def _(r: ChannelNeeds, night: LoadedNight) -> Answer:
    needs = sorted({need for _, need, _ in r.needs})
    missing = {why for _, _, why in r.needs if why}
    lead = f"To score {plural(r.what)} the machine scorer needs {' and '.join(needs)}."
    if not missing:
        return Answer(f"{lead} This recording has that, so they are scored here.")
    return Answer(f"{lead} This recording does not: " + "; ".join(sorted(missing)) + ". A study "
                  "recorded with such a channel is needed; nothing in this file can stand in for it.")


def _quality_text(r: RecordingFacts, night: LoadedNight) -> str:
    if r.flags:
        lines = "\n".join(f"- {ch}: " + ", ".join(f"{reason} {n} of {r.n_epochs} epochs"
                                                  for reason, n in flags.items())
                           for ch, flags in r.flags.items())
        text = f"Quality flags on the model's channels:\n{lines}"
    else:
        text = (f"No flat, clipped or missing stretch on any of the {len(r.checked)} model "
                f"channels ({', '.join(r.checked)}) in {r.n_epochs} epochs.")
    text += (" I flag flat leads, amplifier clipping and gaps; movement and sweat artefacts "
             "are not flagged, so look at the signals around what you doubt.")
    # "how much time was valid?": the epochs with every checked channel unflagged
    hours = r.n_epochs * EPOCH_SEC / 3600
    text = (f"**{r.valid_epochs * EPOCH_SEC / 3600:.1f} h** of the {hours:.1f} h "
            f"(**{100 * r.valid_epochs / max(r.n_epochs, 1):.0f} %**) have no flagged channel"
            + (f"; SpO2 reads 50-100 % in **{100 * r.spo2_valid:.0f} %** of its samples (the rest "
               f"are a probe off or artefact)" if r.spo2_valid is not None else "") + ".\n\n"
            + text)
    if r.adequate is not None:
        text = _adequacy(r.adequate) + "\n\n" + text
    if r.study_adequacy is not None:
        text = _study_adequacy(r.study_adequacy) + "\n\n" + text
    if r.items:
        text += ("\n\nThe longest flagged stretches (blue):\n" + "\n".join(
            f"- {_span(night, i)} ({i.duration / 60:.1f} min)" for i in r.items[:5]))
    if r.warnings:
        text += "\n\nWhen the file was read: " + "; ".join(r.warnings) + "."
    if r.skipped:
        text += "\n\nNot machine-scored: " + "; ".join(r.skipped) + "."
    return text


def _adequacy(hours: tuple[float | None, float | None, float | None]) -> str:
    """Yes or no to "is this a valid home sleep test?": the hours of airflow and oximetry
    usable together against the 4 h the AASM's guidance asks for."""
    flow, spo2, both = hours
    guide = (f"the {HSAT_MIN_HOURS:g} h of technically adequate airflow and oximetry that the AASM's "
             f"guidance asks of a home sleep apnea test (Collop et al. 2007)")
    if both is None:
        lacking = " and ".join(name for name, h in (("airflow", flow), ("SpO2", spo2)) if h is None)
        return f"**No**: this recording has no usable {lacking} channel, and a home test needs {guide}."
    return (f"**{'Yes' if both >= HSAT_MIN_HOURS else 'No'}**: **{both:.1f} h** with both a usable "
            f"airflow and a valid SpO2 (airflow usable {flow:.1f} h, SpO2 {spo2:.1f} h), against {guide}. "
            f"Whether the study answers the clinical question is the reading physician's call.")


def _study_adequacy(a: StudyAdequacy) -> str:
    """"Is the study technically adequate?" on a night with EEG: for which uses, then each
    use's usable hours, then the sleep, REM and supine sleep it sampled."""
    held = [u.name for u in a.uses if u.hours is not None and u.hours >= HSAT_MIN_HOURS]
    not_held = [f"{u.name} ({f'no {u.lacking}' if u.lacking else f'{u.hours:.1f} h usable'})"
                for u in a.uses if u.name not in held]
    head = (f"**Adequate for {word_list(held)}**" if held else "**Not adequate for any of its uses**")
    head += f"; **not for {word_list(not_held)}**." if not_held and held else (
        f": {word_list(not_held)}." if not_held else ".")
    rows = []
    for u in a.uses:
        line = f"- {u.name}: " + (f"**{u.hours:.1f} h** of the {a.recorded_h:.1f} h usable" if u.hours is not None
                                  else f"no {u.lacking}")
        if u.without:
            line += f"; without a {u.without}, REM and wake are harder to tell apart"
        rows.append(line)
    supine = (f", **{a.supine_min:.0f} min** of it supine" if a.supine_min is not None else
              ", with no body position to say how much was supine")
    sampled = (f"By the {source_name(a.source)} stages, the study sampled **{a.sleep_min / 60:.1f} h** of "
               f"sleep and **{a.rem_min:.0f} min** of REM{supine}.")
    if a.sleep_min and not a.rem_min:
        sampled += " No REM was sampled, so a REM-related apnea would be missed and the AHI may understate it."
    if a.sleep_min and a.supine_min == 0:
        sampled += " No supine sleep was sampled, so a positional apnea would be missed and the AHI may understate it."
    bar = (f"The AASM sets no hours for an in-lab study; the bar here is the {HSAT_MIN_HOURS:g} h of usable "
           f"signal its guidance asks of a home test (Collop et al. 2007). Whether the study answers the "
           f"clinical question is the reading physician's call.")
    return "\n".join([head, "", *rows, "", sampled, "", bar])


# The AASM rule each stage is scored by, in our words.
STAGE_RULES = {
    "W": "alpha rhythm over more than half the epoch, or blinks and reading eye movements, with "
         "chin tone",
    "N1": "alpha replaced by low-amplitude 4-7 Hz activity over more than half the epoch, often "
          "with slow eye movements or vertex waves",
    "N2": "a K-complex (not from an arousal) or a sleep spindle in the epoch or in the last half "
          "of the one before",
    "N3": "slow waves (0.5-2 Hz, over 75 µV peak to peak) over 20 % or more of the epoch",
    "REM": "low-amplitude mixed-frequency EEG with rapid eye movements and the night's lowest "
           "chin tone",
}


def _rule_check(r: StageEvidence, stage: str) -> str | None:
    """Whether what the detectors measured in the epoch meets the part of ``stage``'s rule they
    can measure, in one sentence; None for W and N1, whose rules read how much of the epoch
    holds a rhythm, which band power shares do not say."""
    if stage == "N3":
        met = r.slow_wave_pct >= 20.0
        return (f"**{'Meets' if met else 'Short of'} the N3 rule by the slow-wave detector**: slow waves "
                f"cover {r.slow_wave_pct:.0f} % of the epoch against the 20 % it asks for"
                + ("." if met else " (YASA's detector counts waves of 75 µV or more, each from its own "
                   "zero crossings; a scorer measuring by eye may count more)."))
    if stage == "N2":
        marks = {k: n for k, n in r.events.items() if k in ("spindle", "k complex")}
        if marks:
            return ("**Meets the N2 rule**: " + " and ".join(f"{n} {k}{'s' if n > 1 else ''}"
                                                           for k, n in marks.items()) + " in the epoch.")
        return ("**No spindle or K-complex detected in the epoch**: the rule also accepts one in the "
                "last half of the epoch before, and N2 goes on from earlier epochs until something "
                "changes the stage.")
    if stage == "REM" and r.rems is not None:
        chin = "" if r.chin is None else f", chin tone {r.chin:.2f} × the night's typical epoch"
        return (f"**{'Rapid eye movements present' if r.rems else 'No rapid eye movement detected'}** "
                f"({r.rems}, YASA's detector){chin}; REM needs them with low chin tone"
                + ("." if r.rems else ", though an epoch that continues a REM period needs none."))
    return None


RIVAL_LEAST = 0.05
"""Machine-staging probability under which a second stage is no rival a scorer would weigh."""


def _human_rival(r: StageEvidence) -> str | None:
    """On a night no human scored, when asked what one would call the epoch: the machine
    staging's second likeliest stage, the one a scorer would weigh against its first."""
    if not r.human or r.source == "scored" or r.machine is None:
        return None
    first, second = np.argsort(-r.machine)[:2]
    other = second if STAGES[first] == r.stage else first
    return STAGES[other] if r.machine[other] >= RIVAL_LEAST else None


def _human_lead(r: StageEvidence, rival: str | None) -> str:
    """"What would a human score it?": the human scoring's call, or, on a night no human
    scored, that no one can say, and the two stages a scorer would weigh."""
    if r.source == "scored":
        return f"The human scoring calls it **{r.stage}**."
    lead = "**No human has scored this night**, so I cannot say what a scorer would call it"
    if r.machine is None:
        return lead + "; a scorer reads the stage rules against what the epoch shows, measured below."
    if rival is None:
        return (lead + f": the machine staging gives **{r.stage}** "
                f"({r.machine[STAGES.index(r.stage)]:.0%}) with no close second, and a scorer would check "
                "its rule below against what the epoch shows.")
    odds = {s: r.machine[STAGES.index(s)] for s in (r.stage, rival)}
    return (lead + f": the machine staging weighs **{r.stage}** ({odds[r.stage]:.0%}) against **{rival}** "
            f"({odds[rival]:.0%}), and a scorer would decide between them by the rules below, read against "
            "what the epoch shows.")


def _probs(p: np.ndarray) -> str:
    return ", ".join(f"{STAGES[j]} {p[j]:.0%}" for j in np.argsort(-p) if p[j] >= 0.005)


@render.register
def _(r: StageEvidence, night: LoadedNight) -> Answer:
    t = r.start
    head = (f"Epoch {r.epoch} ({clock(night, t)}–{clock(night, t + 30.0)}) is **{r.stage}** in the "
            f"{source_name(r.source)} hypnogram" + (f", shown as {r.chosen}." if r.chosen else "."))
    if r.guess is not None:
        # a quiz reply: marked first, then what the rules read in the epoch
        head = ("**Correct.** " if r.guess == r.stage else f"**Not quite**: you said {r.guess}. ") + head
        head += " Ask *quiz me* again for another epoch."
    elif r.asked and r.asked != r.stage:
        head += f" It is not scored {r.asked} there."
    lines = []
    if r.machine is not None:
        lines.append(f"- {r.machine_source} staging: {_probs(r.machine)}")
    if r.model is not None:
        lines.append(f"- the model (zero-shot): {_probs(r.model)}")
    if r.bands:
        lines.append("- EEG power: " + ", ".join(f"{b} {v:.0f} %" for b, v in r.bands.items()))
    lines.append(f"- slow waves cover **{r.slow_wave_pct:.0f} %** of the epoch")
    lines.append("- events in it: " + (", ".join(f"{n} {k}" for k, n in r.events.items())
                                        or "none"))
    eye = ([] if r.rems is None else [f"{r.rems} rapid eye movements (YASA's detector)"]) + \
        ([] if r.slow_eye is None else [f"slow eye movements {r.slow_eye:.0f} % of EOG power"])
    if eye:
        lines.append("- EOG: " + ", ".join(eye))
    if r.chin is not None:
        lines.append(f"- chin EMG: {r.chin:.2f} × the night's typical epoch")
    rival = _human_rival(r)
    if r.human:
        head = f"{_human_lead(r, rival)}\n\n{head}"
    named = [s for s in dict.fromkeys((r.asked, r.stage, rival)) if s in STAGE_RULES]
    tail = "".join(f"\n\n{s} is scored on {STAGE_RULES[s]}." for s in named)
    if r.guess is None and (check := _rule_check(r, r.asked or r.stage)) is not None:
        head += f"\n\n{check}"
    item = Item(t, t + 30.0, r.stage, "measured", r.stage)
    return _answer(night, head + "\n\n" + "\n".join(lines) + tail + stage_caveat(night, r.source),
                   [item])


@render.register
def _(r: QuizQuestion, night: LoadedNight) -> Answer:
    t = r.start
    text = (f"**Quiz {r.number}.** What stage is epoch {r.epoch} ({clock(night, t)}–"
            f"{clock(night, t + 30.0)}), now in the epoch viewer? Answer *W*, *N1*, *N2*, *N3* or "
            f"*REM*; I mark it against the {source_name(r.source)} hypnogram and show what the "
            f"stage rules read in it. The viewer's title hides the stage until you answer; the "
            f"night overview's hypnogram still shows it, so cover that.")
    # no highlight: a drawn region is labelled with its stage
    return Answer(text, [], night.epoch_at(t))


_BY_WORDS = {"position": "body position", "stage": "stage", "hour": "clock hour", "scope": "where",
             "position_stage": "body position and stage", "cycle": "sleep cycle",
             "third": "third of the sleep period"}


def _by_words(by: str) -> str:
    """A split's grouping in words; "period:REM" (each REM period) is "REM period"."""
    return _BY_WORDS.get(by) or f"{by.split(':', 1)[1]} period"


def _measured_text(r: Breakdown) -> str:
    """Each measure's mean per group, and where it is highest and lowest; first, when asked,
    what the measure can be read against."""
    parts, norms, leads = [], [], []
    for col in r.measured:
        unit = col.rsplit(" [", 1)[1].rstrip("]")
        rows = [(row.group, *row.values[col]) for row in r.rows if col in row.values]
        if not rows:
            continue
        single = [x for x in rows if not sums_others(x[0])] or rows
        hi, lo = max(single, key=lambda x: x[1]), min(single, key=lambda x: x[1])
        d = _DECIMALS.get(unit, 1)
        table = "\n".join(f"| {g} | {m:.{d}f} | {sd:.{d}f} | {n} |" for g, m, sd, n in rows)
        if r.by == "scope" and len(rows) == 2:
            (g, m, _, _), (_, whole, _, _) = rows
            verdict = f"**{m:.{d}f}** {g}, against {whole:.{d}f} over the whole night"
        else:
            verdict = (f"highest in **{hi[0]}** ({hi[1]:.{d}f}), lowest in **{lo[0]}** "
                       f"({lo[1]:.{d}f})")
        # "was the heart rate higher in REM?": the way REM went, first; "what was the heart
        # rate on her back?": the position named against the rest, whichever way it went
        asked = r if r.direction else replace(r, direction="either") if r.by == "position" and r.named else None
        if asked is not None and not leads and (lead := _named_direction(
                asked, col, unit, {g: (m, sd, n) for g, m, sd, n in rows})):
            leads.append(lead)
        parts.append(f"**{column_name(col)}** ({unit}, mean per epoch): {verdict}.\n\n"
                     f"| {_by_words(r.by)} | mean | sd | epochs |\n|---|---|---|---|\n{table}")
        if r.norm_asked and col.endswith("rmssd [ms]"):
            norms.append(_rmssd_norms(dict((g, m) for g, m, _, _ in rows)))
    if r.trend is not None and r.measured:
        leads.insert(0, _trend_text(r.trend, r.measured[0], r.direction))
    if r.measure_tests:
        # "is that significant?" after a measure on the back and off it, or in REM and NREM
        a, b = (_side_place(side) for side in r.tested)
        tests = [(column_name(col), t) for col, t in r.measure_tests.items()]
        verdict = ("Yes" if any(t is not None and t.p < 0.05 for _, t in tests) else
                   "No" if all(t is not None for _, t in tests) else "Too few periods to tell")
        leads.insert(0, f"**{verdict}**: {a} against {b}, " + "; ".join(
            f"{name}{_period_test_text(t)}" for name, t in tests) + ". Each test takes one mean per "
            "period (a run of consecutive epochs), since epochs of one period are not independent; "
            "read p as a guide on one night.")
    head = (f"{r.where[0].upper() + r.where[1:]} against the whole night, stages from the "
            f"{source_name(r.source)} hypnogram:" if r.by == "scope" else
            f"By {_by_words(r.by)}{_where(r.where)}, stages from the {source_name(r.source)} "
            f"hypnogram:")
    return "\n\n".join([*leads, *norms, head + "\n\n" + "\n\n".join(parts)])


def _trend_text(t: Trend, col: str, direction: str) -> str:
    """"is there a trend?": the way the measure drifts, its size per hour and its test."""
    unit = col.rsplit(" [", 1)[1].rstrip("]")
    d = _DECIMALS.get(unit, 1) + 1
    way = "falls" if t.rho < 0 else "rises"
    asked = {"lower": "fall", "higher": "rise"}.get(direction, "")
    if t.p >= 0.05:
        verdict = "No clear trend"
    else:   # "does it fall?" when it rises: no, it rises
        verdict = f"{'Yes' if not asked or (asked == 'fall') == (t.rho < 0) else 'No'}, it {way}"
    return (f"**{verdict}**: over the night {column_name(col)} moves **{t.slope:+.{d}f} {unit} per "
            f"hour** (a straight line fitted to {t.epochs} epochs), and its hourly means rank "
            f"against the hour at Spearman ρ = {t.rho:+.2f} (p = {t.p:.2g}, {t.hours} hours; "
            f"hours of one night are not independent, so read p as a guide).")


_POSITION_WORDS = {"supine": "on the back", "left": "on the left side", "right": "on the right side",
                   "prone": "on the front", "upright": "upright"}
"""A body position's group (``sleeplm_core.io.position`` names) as it follows a measure."""


def _named_direction(r: Breakdown, col: str, unit: str, cells: dict[str, tuple[float, float, int]]) -> str:
    """The named group against the rest: a stage (:func:`_stage_direction`) or a body
    position ("is the SpO2 lower on her back?": supine against non-supine, another position
    against the other positions); "" when the group is not in the rows."""
    if r.by == "stage":
        return _stage_direction(r, col, unit, cells)
    names = [n for n in r.named.split(",") if n in cells]
    if r.by != "position" or not names:
        return ""
    rest = [g for g in cells if not sums_others(g) and g not in names]
    if names == ["supine"] and "non-supine" in cells:
        other, words = cells["non-supine"], "off the back"
    elif rest:
        other, words = pooled([cells[g] for g in rest]), "in the other positions (" + "/".join(rest) + ")"
    else:
        return ""
    where = ("on either side" if set(names) == {"left", "right"} else
             " or ".join(_POSITION_WORDS.get(n, n) for n in names))
    return direction_lead(r.direction, column_name(col), unit, (where, pooled([cells[n] for n in names])),
                          (words, other), _DECIMALS.get(unit, 1))


def _stage_direction(r: Breakdown, col: str, unit: str, cells: dict[str, tuple[float, float, int]]) -> str:
    """"was the heart rate higher in REM?": the named stage against the rest of sleep (REM
    against NREM and back, one NREM stage against the other sleep stages, wake against
    sleep); "" when the stage is not in the rows."""
    named = r.named
    if named not in cells:
        return ""
    if named in ("REM", "NREM") and {"REM", "NREM"} <= set(cells):
        other, words = cells["NREM" if named == "REM" else "REM"], "in " + ("NREM" if named == "REM" else "REM")
    elif named == "W":
        other, words = pooled([cells[s] for s in STAGES[1:] if s in cells]), "asleep"
    else:
        rest = [s for s in STAGES[1:] if s in cells and s != named]
        other, words = pooled([cells[s] for s in rest]), "in " + "/".join(rest)
    return direction_lead(r.direction, column_name(col), unit,
                          ("awake" if named == "W" else f"in {named}", cells[named]), (words, other),
                          _DECIMALS.get(unit, 1))


def _rmssd_norms(means: dict[str, float]) -> str:
    """What a night's RMSSD (ms, mean of 30-s epochs, by group) can be read against."""
    text = ("There is no validated normal range for RMSSD over 30-s epochs of sleep. Published "
            "reference values are for 5-min recordings awake at rest (a systematic review: mean "
            "42 ms, study means 19-75 ms; Nunan et al. 2010) and fall with age (Umetani et "
            "al. 1998). Within a healthy night RMSSD is usually higher in NREM sleep than awake, "
            "as vagal tone rises (Trinder et al. 2001)")
    if "NREM" in means and "W" in means:
        nrem, wake = means["NREM"], means["W"]
        text += (f"; here NREM {nrem:.1f} ms against wake {wake:.1f} ms, "
                 f"{'as expected' if nrem > wake else 'the other way round'}")
    return text + "."


def _stage_minutes_text(r: Breakdown) -> str:
    """A stage's minutes in each group ("which hour had the most N3?")."""
    stage = "/".join(r.stages)
    rows = [row for row in r.rows if not sums_others(row.group)]
    total = sum(row.minutes for row in rows)
    if not total:
        return f"From the {source_name(r.source)} hypnogram: no {stage}{_where(r.where)}."
    top = max(rows, key=lambda row: row.minutes)
    table = "\n".join(f"| {row.group} | {row.minutes:.1f} | {100 * row.minutes / total:.0f} % |"
                      for row in rows)
    return (f"From the {source_name(r.source)} hypnogram: most {stage} by {_by_words(r.by)} in "
            f"**{top.group}** ({top.minutes:.1f} of {total:.1f} min).\n\n| {_by_words(r.by)} | "
            f"min of {stage} | % of it |\n|---|---|---|\n{table}")


def _stage_mix_text(r: Breakdown) -> str:
    """Every stage's minutes in each group ("a table of stages by hour")."""
    rows = "\n".join(f"| {row.group} | " + " | ".join(f"{row.stage_min[s]:.1f}" for s in STAGES)
                     + f" | {100 * row.sleep_min / row.minutes if row.minutes else 0:.0f} % | {row.shifts} |"
                     for row in r.rows)
    most = [f"most {s} in **{top.group}** ({top.stage_min[s]:.1f} min)" for s in ("N3", "REM")
            if (top := max(r.rows, key=lambda row: row.stage_min[s])).stage_min[s] > 0]
    lead = (f"Stages by {_by_words(r.by)}{_where(r.where)}, minutes from the "
            f"{source_name(r.source)} hypnogram" + (f": {', '.join(most)}." if most else "."))
    if r.by == "hour" and r.named in STAGES and (trend := _stage_trend(r.rows, r.named)):
        lead = f"{trend}\n\n{lead}"
    if r.named == "shifts":
        # "which hour was the most fragmented?": the hour with the most changes of stage
        top = max(r.rows, key=lambda row: row.shifts)
        lead = (f"Most fragmented by {_by_words(r.by)}: **{top.group}**, with **{top.shifts}** changes "
                f"of stage ({top.stage_min['W']:.1f} min of wake in it). Brief arousals do not change "
                f"the stage; ask *which hour had the most arousals?* for them.\n\n{lead}")
    return (f"{lead}\n\n| {_by_words(r.by)} | " + " | ".join(STAGES) + " | asleep | stage shifts |\n|"
            + "---|" * (len(STAGES) + 3) + f"\n{rows}")


def _stage_trend(rows: list[BreakdownRow], stage: str) -> str:
    """A stage's minutes over the earlier and the later hours, split where half the sleep is
    behind (as :func:`_hour_trend` splits a rate): "did REM increase across the night?"."""
    early, late = sleep_halves(rows)
    if not early or not late:
        return ""

    def share(part: list[BreakdownRow]) -> str:
        asleep = sum(row.sleep_min for row in part)
        minutes = sum(row.stage_min[stage] for row in part)
        pct = f", {100 * minutes / asleep:.0f} % of sleep" if asleep else ""
        return f"**{minutes:.1f} min**{pct} ({_hours_span(part)})"
    return f"{stage} in the earlier hours: {share(early)}; in the later hours: {share(late)}."


def _hours_span(part: list[BreakdownRow]) -> str:
    """"22:30–03:00" from the first and last of consecutive hour rows."""
    return f"{part[0].group.split('–')[0]}–{part[-1].group.split('–')[-1]}"


def _why_recorded(r: Breakdown) -> str:
    """Why a split's rates are per hour recorded: no staging to read sleep from, or the REI was
    asked, which counts every hour recorded though sleep is staged."""
    if r.source == "predicted":
        return "without EEG sleep cannot be staged, so no rate per hour of sleep is given"
    return (f"the REI counts every hour recorded, awake or asleep; per hour of sleep ({source_name(r.source)} "
            f"stages) it is the AHI")


def _groups_text(r: Breakdown) -> str:
    """Two groups of a comparison, side by side."""
    a, b = r.rows
    if not r.index:
        return (f"From the {source_name(r.source)} hypnogram: **{a.minutes:.1f} min** {a.group} "
                f"against **{b.minutes:.1f} min** {b.group}.")
    minute = r.per_minute

    of = "recorded" if r.recorded else "of sleep"

    def side(row: BreakdownRow) -> str:
        rate = "" if row.per_hour is None else (
            f", {row.per_hour / 60:.2f} per minute {of}" if minute
            else f", {row.per_hour:.1f} per hour {of}")
        mean = f", mean {seconds(row.mean_sec)}" if row.mean_sec is not None else ""
        return f"**{row.events}** {row.group} ({row.sleep_min:.0f} min {'recorded' if r.recorded else 'asleep'}{rate}{mean})"
    what = _INDEX_EVENTS.get(r.index, _events(r.index))
    counted = (f" (counted wherever they fall: {_why_recorded(r)})" if r.recorded else
               " (counted in sleep)" if r.index in _INDEX_EVENTS or r.in_sleep else "")
    text = (f"{what[0].upper() + what[1:]}{counted} in the {source_name(r.events_source)} scoring: "
            f"{side(a)} against {side(b)}.")
    if "eye movement" in what.lower() and r.events_source != "scored" and any(
            row.events == 0 and "REM" not in row.group.replace("NREM", "") for row in r.rows):
        # "REM vs N3: which has more eye movements?": N3's none is the detector's design, not a finding
        text += (" YASA's rem_detect searches the REM epochs only, as it is designed to, so none outside REM is "
                 "no finding.")
    # "were there more spindles in the second half?": the first group is the one named; a
    # judged way ("were apneas worse later?") asks which
    way = "which" if r.direction in ("either", "which") else r.direction
    if r.test is not None:
        return f"{_pair_test_text(r.test)}\n\n{text}"
    if r.lengths_first and not r.lengths_asked and a.mean_sec is not None and b.mean_sec is not None:
        # "mean duration in REM vs NREM?" after the apneas' lengths: the lengths first
        return (f"Mean length: **{seconds(a.mean_sec)}** {a.group} ({a.events}) against **{seconds(b.mean_sec)}** "
                f"{b.group} ({b.events}).\n\n{text}")
    if r.lengths_asked and a.mean_sec is not None and b.mean_sec is not None:
        # "are spindles longer in N3?": their mean lengths answer it, not their rates
        went = "longer" if a.mean_sec > b.mean_sec else "shorter" if a.mean_sec < b.mean_sec else "as long"
        return (f"**{'Yes' if went == r.lengths_asked else 'No'}**: mean length **{seconds(a.mean_sec)}** "
                f"{a.group} against **{seconds(b.mean_sec)}** {b.group}.\n\n{text}")
    if way == "which" and a.per_hour is not None and b.per_hour is not None and a.per_hour * _SAME_RATE <= b.per_hour:
        # "are there more slow waves in N2 or N3?": the side with more is named, "higher in N3",
        # not "lower in N2"
        a, b = b, a
    if way and (lead := _rate_lead(a, b, way, "min" if minute else "h", 60.0 if minute else 1.0)):
        return f"{lead}\n\n{text}"
    return text


# A rate within a quarter of the other group's is "about the same": one night's REM or half
# night holds tens of events at most, so a smaller gap is within their count's chance spread.
_SAME_RATE = 1.25
THIN_RATE_MIN = 10.0
"""Minutes of sleep under which a rate is unsteady: :func:`_rate_lead` answers no "higher or
lower?" on fewer, and a rate read over fewer is flagged."""


_PLACE_RE = re.compile(r"^(?:in|during|before|after|at|on|between|from|while|when|with|without|over"
                       r"|across|through)\b", re.I)


def _place(group: str) -> str:
    """A group's label as a place in the night: "REM" -> "in REM", "supine" -> "on the back
    (supine)", "in the first half" kept."""
    if group == "non-supine":
        return "off the back"
    if group in _POSITION_PHRASES:
        return _POSITION_PHRASES[group]
    return group if _PLACE_RE.match(group) else f"in {group}"


def _child_heart(night: LoadedNight) -> str:
    """Said of the adult heart-rate limits on a child's night (probe O: a 10-year-old's heart
    rate was read against them with no word that they are an adult's)."""
    age = night.recording.patient.age
    if age is None or age >= norms.ADULT_AGE:
        return ""
    return (f" These limits are an adult's: the file's header gives age {age:g}, and a child's heart "
            f"runs faster, the more so the younger; no pediatric limit is applied here, so read the "
            f"range against the child's age with a clinician.")


REM_RELATED_MIN_REM = 30.0
"""Minutes of REM the REM-related apnea definition asks for (Mokhlesi & Punjabi 2012)."""


def _little_rem(rem: BreakdownRow) -> str:
    """Said of a REM AHI read on under :data:`REM_RELATED_MIN_REM` min of REM: how few events it
    rests on, with its 95 % interval (probe O: 18 min of REM, a REM AHI of 40.0 from 12 events,
    and no word of it)."""
    if rem.events is None or not 0 < rem.sleep_min < REM_RELATED_MIN_REM:
        return ""
    low, high = rate_interval(rem.events, rem.sleep_min)
    return (f" **Only {rem.sleep_min:.1f} min of REM**: the REM AHI rests on {rem.events} "
            f"event{'s' * (rem.events != 1)} (95 % interval {low:.1f}-{high:.1f}/h), and the REM-related "
            f"apnea definition asks for at least {REM_RELATED_MIN_REM:g} min of REM (Mokhlesi & Punjabi 2012).")


def _side_place(group: str) -> str:
    """A group as one side of a comparison, said once: "on the back", "in REM"."""
    return _place(group).split(" (")[0]


# The condition each split's ratio defines: (its words, the rule, its source).
_RATIO_RULES = {"stage": ("REM-related apnea", "a REM AHI at least twice the NREM AHI",
                          "Mokhlesi & Punjabi 2012"),
                "position": ("positional apnea", "a supine AHI at least twice the non-supine AHI",
                             "Cartwright 1984")}


def _rate_lead(named: BreakdownRow, other: BreakdownRow, way: str, unit: str, per: float,
               rule: tuple[str, str, str] | None = None, recorded: bool = False) -> str:
    """Yes or no to "was the AHI higher in REM?" or "were there more spindles in the second
    half?" (``way``: "higher", "lower", "change", "which"; "how_much": the ratio and the
    difference; "rule": whether ``rule`` holds),
    from the two groups' rates per ``unit`` of sleep ("h" or "min", ``per``: 1 or 60); ""
    when either has no rate. ``rule``: the condition the ratio defines (its words, the rule,
    its source: REM-related or positional apnea), stated beside the ratio. ``recorded``: the
    rows' minutes are recorded, not asleep (a home test's REI)."""
    if named.per_hour is None or other.per_hour is None:
        return ""
    a, b = _place(named.group), _place(other.group)
    if named.sleep_min < THIN_RATE_MIN:
        what = named.group if named.group in STAGES else f"sleep {a}"
        return f"**Too little {what} to tell**: {named.sleep_min:.1f} min of it, {named.events} events."
    digits = 2 if unit == "min" else 1   # spindles per minute are a few, apneas per hour tens
    counts = (f"**{named.per_hour / per:.{digits}f}/{unit}** {a} ({named.events} in "
              f"{named.sleep_min:.0f} min {'recorded' if recorded else 'of sleep'}) against **{other.per_hour / per:.{digits}f}/{unit}** "
              f"{b} ({other.events} in {other.sleep_min:.0f} min)")
    ratio = named.per_hour / other.per_hour if other.per_hour else float("inf")
    short_a, short_b = _side_place(named.group), _side_place(other.group)   # "on the back (supine)": said once
    # within a quarter, many events may still tell the rates apart: the exact test of equal rates
    # that "is that difference significant?" runs decides then
    within = 1 / _SAME_RATE < ratio < _SAME_RATE
    p = rate_test((named.events, other.events), (named.sleep_min, other.sleep_min)) if within else None
    apart = not within or (p is not None and p < 0.05)
    side = (f"about the same {short_a} and {short_b}" if not apart
            else f"higher {short_a}" if ratio > 1 else f"lower {short_a}")
    met = ratio >= 2
    # a ratio that rounds onto the rule's 2 is given to the digit that decides it ("1.98", not "2.0")
    ratio_text = (f"no events {short_b}" if ratio == float("inf")
                  else f"ratio {ratio:.2f}" if round(ratio, 1) == 2 else f"ratio {ratio:.1f}")
    if within and apart:
        ratio_text += f"; an exact test of equal rates: p = {p:.2g}"
    if rule is not None and recorded:   # a home test reads the same ratio on its REI
        rule = (rule[0], rule[1].replace("AHI", "REI"), rule[2])
    if way == "rule" and rule is not None:
        words, definition, source = rule
        return (f"**{'Yes' if met else 'No'}, by the usual definition of {words}** ({definition}, "
                f"{source}): {counts}, {ratio_text}{_ratio_interval(named, other)}. One night's rates, not a "
                f"diagnosis.")
    if rule is not None:
        ratio_text += (f"; {'that meets' if met else 'under'} the usual definition of {rule[0]}, "
                       f"{rule[1]}, {rule[2]}")
    if way == "which":
        return f"**{side[0].upper() + side[1:]}**: {counts} ({ratio_text})."
    if way == "how_much" and ratio != float("inf"):
        diff = (named.per_hour - other.per_hour) / per
        return (f"**{ratio:.1f} times** the rate {short_b}, **{diff:+.{digits}f}/{unit}**: {counts} "
                f"({ratio_text}).")
    verdict = ("Not clearly" if side.startswith("about") else
               "Yes" if way == "change" or side.startswith(way) else "No")
    return f"**{verdict}**: {counts}, {side} ({ratio_text})."


def _ratio_interval(named: BreakdownRow, other: BreakdownRow) -> str:
    """" (95 % interval 1.5-5.5, ...)" of a ratio read against a rule's 2, saying when it spans 2: a
    night with 24 and 18 events cannot settle a ratio of 2.8 (its true ratio was 1.7)."""
    span = rate_ratio_interval((named.events or 0, other.events or 0), (named.sleep_min, other.sleep_min))
    if span is None:
        return ""
    lo, hi = span
    spans = (f", which spans 2: with {named.events} and {other.events} events the counts cannot settle "
             f"which side of it the night falls" if lo < 2 <= hi else "")
    return f" (95 % interval {lo:.1f}-{hi:.1f}{spans})"


def _on_model_stages(rem: BreakdownRow, nrem: BreakdownRow, other: list[BreakdownRow], head: str) -> str:
    """``head`` with the REM and NREM rates re-read on the model's stages: a warning first where the
    two stagings put the REM/NREM ratio on either side of the REM-related rule's 2."""
    alt = {row.group: row for row in other}
    a, b = alt.get("REM"), alt.get("NREM")
    if a is None or b is None or not (a.per_hour and b.per_hour and rem.per_hour is not None and nrem.per_hour):
        return head
    ratio, alt_ratio = rem.per_hour / nrem.per_hour, a.per_hour / b.per_hour
    again = (f"On the model's zero-shot stages instead (REM **{a.sleep_min:.0f} min** against the "
             f"machine staging's {rem.sleep_min:.0f}): REM {a.per_hour:.1f}/h against NREM {b.per_hour:.1f}/h, "
             f"ratio {alt_ratio:.1f}.")
    if (ratio >= 2) != (alt_ratio >= 2):
        return (f"⚠️ **Not settled**: the machine staging puts the REM/NREM ratio at {ratio:.1f}, the model's "
                f"stages at {alt_ratio:.1f}, on either side of the REM-related rule's 2; nobody has checked "
                f"which epochs are REM on this night, so review them before reporting it.\n\n{head}\n\n{again}")
    return f"{head}\n\n{again}"


def _named_rate(r: Breakdown, pair: dict[str, BreakdownRow], per: float, minute: bool,
                scope: str = "") -> str:
    """The rate in the positions a question names ("what was the AHI on her side?": left and
    right pooled), with the minutes asleep it rests on; ``scope``: the breakdown's own scope in
    words (" in REM"); "" when it names none of the rows."""
    names = r.named.split(",")
    if names == ["supine", "non-supine"]:
        # "the AHI supine and non-supine": each side of the back, not the two pooled
        r = replace(r, named="supine")
        sides = [_named_rate(r, pair, per, minute, scope),
                 _named_rate(replace(r, named="non-supine"), pair, per, minute, scope)]
        return " ".join(side for side in sides if side)
    rows = [pair[n] for n in names if n in pair and pair[n].events is not None]
    missing = [n for n in names if n not in pair]
    if not rows:
        return (f"**Never {' or '.join(_POSITION_PHRASES.get(n, n) for n in names)}**: no {r.index} "
                f"there." if missing else "")
    events, asleep = sum(row.events for row in rows), sum(row.sleep_min for row in rows)
    if asleep <= 0:
        return ""
    unit = "min" if minute else "h"
    where = " or ".join(_POSITION_PHRASES.get(row.group, row.group) for row in rows)
    none = (f" (never {' or '.join(_POSITION_PHRASES.get(n, n) for n in missing)})" if missing
            else "")
    total = sum(row.events or 0 for row in pair.values() if not sums_others(row.group))
    counted = (f"{events} of the {total} events ({100 * events / total:.0f} %)" if total
               else f"{events} {'event' if events == 1 else 'events'}")
    thin = (f" ⚠️ Under {THIN_RATE_MIN:g} min of sleep is too little for a steady rate: one event more or less "
            f"moves it by {1 / (asleep / 60) / per:.1f}/{unit}." if asleep < THIN_RATE_MIN else "")
    return (f"**{r.index} {where}{scope}: {events / (asleep / 60) / per:.1f}/{unit}**{none}, {counted} "
            f"in {asleep:.1f} min {'recorded' if r.recorded else 'asleep'} there.{thin}")



def _hour_trend(rows: list[BreakdownRow]) -> str:
    """The rate over the earlier and the later hours, split where half the rate's minutes
    (of sleep, or recorded) are behind: "did it get worse toward morning?" in one line."""
    early, late = sleep_halves(rows)
    if not early or not late:
        return ""

    def rate(part: list[BreakdownRow]) -> str:
        minutes = sum(row.sleep_min for row in part)
        events = sum(row.events or 0 for row in part)
        return f"{events / (minutes / 60):.1f}/h" if minutes > 0 else "—"
    return (f" Earlier hours ({_hours_span(early)}) **{rate(early)}**, later "
            f"({_hours_span(late)}) **{rate(late)}**.")


_INDEX_EVENTS = {"AHI": "apneas and hypopneas", "REI": "apneas and hypopneas",
                 "RDI": "apneas, hypopneas and RERAs",
                 "ODI": "desaturations"}


def _scope_text(r: Breakdown) -> str:
    """An index inside one scope, beside the whole night's ("AHI in REM")."""
    inside, night_row = r.rows
    what = _INDEX_EVENTS.get(r.index, _events(r.index))
    if r.recorded:
        # "REI between 1 and 2 am": every event there per hour recorded, asleep or not
        return (f"{r.index} {r.where}: **{inside.per_hour:.1f}/h**, {inside.events} {what} in {inside.minutes:.1f} min "
                f"recorded ({source_name(r.events_source)} events; per hour recorded, as the REI is). Over the whole "
                f"night: {night_row.per_hour:.1f}/h ({night_row.events} in {night_row.minutes:.1f} min recorded)."
                if inside.per_hour is not None and night_row.per_hour is not None else
                f"Nothing was recorded {r.where}, so there is no {r.index} for it.")
    events = f"{source_name(r.events_source)} events, {source_name(r.source)} stages"
    whole = ("" if night_row.per_hour is None else
             f" Over the whole night: {night_row.per_hour:.1f}/h ({night_row.events} in "
             f"{night_row.sleep_min:.1f} min asleep).")
    if inside.per_hour is None:
        return (f"There is no sleep {r.where} ({inside.minutes:.1f} min recorded there, "
                f"{source_name(r.source)} stages), so there is no {r.index} for it.{whole}")
    thin = (f" ⚠️ Under {THIN_RATE_MIN:g} min of sleep is too little for a steady rate: one event more or less "
            f"moves it by {60 / inside.sleep_min:.1f}/h." if inside.sleep_min < THIN_RATE_MIN else "")
    return (f"{r.index} {r.where}: **{inside.per_hour:.1f}/h**, {inside.events} {what} starting "
            f"in {inside.sleep_min:.1f} min of sleep ({events}).{thin}{whole}")


@render.register
def _(r: Breakdown, night: LoadedNight) -> Answer:
    answer = _breakdown_answer(r, night)
    if "arousal" in r.index.lower() and r.events_source not in ("scored", "none", ""):
        # "arousal index per stage" on an unscored night: each rate rests on the detector
        answer = replace(answer, text=answer.text + "\n\n" + _MACHINE_AROUSALS_LOW.strip())
    if r.by == "stage" and r.index and stages_guessed(night, r.source):
        # "REM AHI" on a home test: REM is no measurement without EEG, so the split says so first
        answer = replace(answer, text=(
            f"**Cannot be told** without EEG: REM cannot be told from NREM without it, so this split "
            f"rests on the model's guessed stages, which agreed with the true stages of six synthetic "
            f"home tests at κ {HOME_TEST_STAGE_KAPPA:.2f}; it is no finding. The index of a home test "
            f"is the REI (*what's the REI?*).\n\n" + answer.text))
    return answer


def _breakdown_answer(r: Breakdown, night: LoadedNight) -> Answer:
    if r.by == "groups":
        return Answer(_groups_text(r) + stage_caveat(night, r.source))
    if r.by == "scope" and not r.measured:
        return Answer(_scope_text(r) + stage_caveat(night, r.source))
    where = _where(r.where)
    if r.mix:
        top = max(r.rows, key=lambda row: row.shifts) if r.named == "shifts" else None
        # "which hour was the most fragmented?": that hour is what "then" names next
        items = [Item(*top.span, f"{top.group} (most stage shifts)", "measured")] if top and top.span else []
        return _answer(night, _stage_mix_text(r) + stage_caveat(night, r.source), items)
    if r.measured:
        return Answer(_measured_text(r) + stage_caveat(night, r.source))
    if not r.index and r.stages:
        return Answer(_stage_minutes_text(r) + stage_caveat(night, r.source))
    if not r.index:
        asleep = sum(row.sleep_min for row in r.rows if not sums_others(row.group))
        rows = "\n".join(f"| {row.group} | {row.minutes:.1f} | {row.sleep_min:.1f} | "
                         f"{100 * row.sleep_min / asleep if asleep else 0:.0f} % |" for row in r.rows)
        top = max((row for row in r.rows if not sums_others(row.group)),
                  key=lambda row: row.sleep_min)
        channel = "measured from the position channel; " if r.by == "position" else ""
        lead = f"most sleep was **{top.group}** ({top.sleep_min:.1f} min)"
        named = [row for row in r.rows if row.group in r.named.split(",")]
        never = [name for name in r.named.split(",") if name and name not in {row.group for row in r.rows}]
        if named:   # "how much time supine?": that position first; "on her side?": each side
            lead = "; ".join(f"**{row.group}** {row.minutes:.1f} min recorded, {row.sleep_min:.1f} "
                             f"min asleep ({100 * row.sleep_min / asleep if asleep else 0:.0f} % of "
                             f"sleep)" for row in named) + "".join(
                f"; never **{name}**" for name in never) + f"; most sleep was **{top.group}**"
        elif r.named:
            lead = f"never **{r.named.replace(',', ' or ')}**; most sleep was **{top.group}**"
        return Answer(f"By {_by_words(r.by)}{where} ({channel}stages from the "
                      f"{source_name(r.source)} hypnogram): {lead}.\n\n| {_by_words(r.by)} | "
                      f"min recorded | min asleep | % of sleep |\n|---|---|---|---|\n{rows}"
                      + stage_caveat(night, r.source))
    minute = r.per_minute
    per = 60.0 if minute else 1.0
    rows = "\n".join(f"| {row.group} | {row.sleep_min:.1f} | {row.events} | "
                     + ("—" if row.per_hour is None else f"{row.per_hour / per:.1f}") + " | "
                     + ("—" if row.mean_sec is None else seconds(row.mean_sec)) + " |"
                     for row in r.rows)
    # an hour's rate is crowned only over half an hour of sleep or more: the recording's first
    # clock hour may hold 12 min asleep, whose 10 events read 50/h (seed 11526)
    least = RATED_HOUR_SLEEP_MIN if r.by == "hour" else RATED_SLEEP_MIN
    rated = [row for row in r.rows if row.per_hour is not None and row.sleep_min >= least
             and not sums_others(row.group)]
    unit = ("events" if r.index in _INDEX_EVENTS or r.index.endswith(" event")
            else f"{r.index} events")
    name = r.index if r.index in _INDEX_EVENTS else r.index.capitalize()
    head = (f"{name} by {_by_words(r.by)}{where}: {unit} starting in sleep, per "
            f"{'minute' if minute else 'hour'} of that group's sleep "
            f"({source_name(r.events_source)} events, {source_name(r.source)} stages).")
    if r.recorded:
        head = (f"{name} by {_by_words(r.by)}{where}: {unit} wherever they fall, per hour "
                f"recorded in that group ({source_name(r.events_source)} events; {_why_recorded(r)}).")
    unranked = [row.group for row in r.rows if row.per_hour is not None and row.sleep_min < least
                and not sums_others(row.group)]
    # the rank is said with what it leaves out: a short hour's rate is noise, not a best or a worst
    skipped = (f" (ranked over {'hours' if r.by == 'hour' else 'groups'} with {least:g} min "
               f"{'recorded' if r.recorded else 'asleep'} or more; "
               + (f"{', '.join(unranked)} not ranked" if len(unranked) < 3 else f"{len(unranked)} with less not ranked")
               + ")" if unranked else "")
    if rated:
        worst = max(rated, key=lambda row: row.per_hour)
        head += (f" Highest rate: **{worst.group}**, **{worst.per_hour / per:.1f}/"
                 f"{'min' if minute else 'h'}**{skipped}.")
    single = [row for row in r.rows if not sums_others(row.group)]
    if single:
        most = max(single, key=lambda row: row.events or 0)
        total = sum(row.events or 0 for row in single)
        share = (f" of {total}, {100 * most.events / total:.0f} %" if total and r.by not in
                 ("scope", "groups") else "")
        head += f" Most events: **{most.group}** ({most.events}{share})."
    pair = {row.group: row for row in r.rows}
    # "is it positional?": the supine rate against the rest leads (below), said once
    led = r.by == "position" and r.rate_way and {"supine", "non-supine"} <= pair.keys()
    for stage in ((" NREM", " REM") if r.by == "position_stage" else ("",) if r.by == "position" and not led
                  else ()):
        # the supine rate against the rest, in all sleep or within each stage
        if {f"supine{stage}", f"non-supine{stage}"} <= pair.keys():
            sup, non = pair[f"supine{stage}"].per_hour, pair[f"non-supine{stage}"].per_hour
            if sup is not None and non:
                head += (f" Supine{stage} {sup:.1f}/h against {non:.1f}/h off the back (ratio "
                         f"{sup / non:.1f}" + ("; a common definition of positional apnea asks "
                                               "for 2 or more, Cartwright 1984"
                                               if not stage and _BREATHING_INDEX_RE.search(r.index) else "") + ").")
    if r.by == "hour" and not minute:
        head += _hour_trend(r.rows)
    if led and (
            lead := _rate_lead(pair["supine"], pair["non-supine"], r.rate_way, "min" if minute else "h",
                               per, _RATIO_RULES["position"] if _AHI_LIKE_RE.fullmatch(r.index) else None,
                               r.recorded)):
        head = f"{lead}\n\n{head}"   # "is it positional?", "was the AHI higher on her back?"
    elif r.by == "position" and r.named and (lead := _named_rate(r, pair, per, minute, where)):
        head = f"{lead}\n\n{head}"   # "what was the AHI on her side?": those positions first
    if r.by == "stage" and {"REM", "NREM"} <= pair.keys():
        rem, nrem = pair["REM"], pair["NREM"]
        # "is it significantly higher in REM?": the test answers, not the rates' yes or no
        lead = r.test is None and r.rate_way and _rate_lead(
            rem, nrem, r.rate_way, "min" if minute else "h", per,
            _RATIO_RULES["stage"] if _AHI_LIKE_RE.fullmatch(r.index) else None, r.recorded)
        if lead:   # "was the AHI higher in REM?": the two rates answer it first
            head = f"{lead}\n\n{head}"
        elif rem.per_hour is not None and nrem.per_hour is not None:
            unit = "min" if minute else "h"
            head += (f" REM {rem.per_hour / per:.1f}/{unit} against NREM "
                     f"{nrem.per_hour / per:.1f}/{unit}.")
            if _BREATHING_INDEX_RE.search(r.index) and nrem.per_hour:
                head = head[:-1] + (f" (ratio {rem.per_hour / nrem.per_hour:.1f}; REM-related "
                                    f"apnea is most often defined by a REM AHI at least twice the "
                                    f"NREM AHI, Mokhlesi & Punjabi 2012).")
        if r.other_staging and _AHI_LIKE_RE.fullmatch(r.index):
            head = _on_model_stages(rem, nrem, r.other_staging, head)
        if _AHI_LIKE_RE.fullmatch(r.index) and not minute:
            head += _little_rem(rem)
        if rem.mean_sec is not None and nrem.mean_sec is not None:
            lengths = (f"Mean length: REM {seconds(rem.mean_sec)} against NREM "
                       f"{seconds(nrem.mean_sec)}.")
            # "were apneas longer in REM?": the lengths first, then the rates
            head = (f"**{lengths}**\n\n{head}" if r.lengths_first else f"{head} {lengths}")
    if r.test is not None:   # "is that significant?" after a split by stage, position or hour
        head = f"{_pair_test_text(r.test)}\n\n{head}"
    table = (f"\n\n| {_by_words(r.by)} | min {'recorded' if r.recorded else 'asleep'} | events "
             f"| per {'minute' if minute else 'hour'} | mean length |\n|---|---|---|---|---|\n"
             + rows)
    text = head + table + ("" if r.recorded else stage_caveat(night, r.source))
    if rated and r.lowest:
        # "which hour had the fewest apneas?": that group first, and an hour shown
        best = min(rated, key=lambda row: row.per_hour)
        text = (f"Lowest rate: **{best.group}**, **{best.per_hour / per:.1f}/{'min' if minute else 'h'}** "
                f"({best.events} in {best.sleep_min:.0f} min {'recorded' if r.recorded else 'asleep'})"
                f"{skipped}.\n\n{text}")
        if (r.by == "hour" or r.by.startswith("period:")) and best.span:
            return _answer(night, text, [Item(*best.span, f"{best.group} ({r.index})", "measured", "?")])
    elif (r.by == "hour" or r.by.startswith("period:")) and rated and (
            worst := max(rated, key=lambda row: row.per_hour)).span:
        # the worst hour (or period) is a place on the night: shown, as "zoom to the worst hour" asks
        return _answer(night, text, [Item(*worst.span, f"{worst.group} ({r.index})",
                                          "measured", "?")])
    return Answer(text)


@render.register
def _(r: EventSignals, night: LoadedNight) -> Answer:
    a, b = render(r.first, night), render(r.second, night)
    first, second, unit = r.first, r.second, r.first.unit
    parts = [f"{when}: {_events(first.name)} **{x[0]:.1f} {unit}** against {_events(second.name)} "
             f"**{y[0]:.1f} {unit}** ({x[0] - y[0]:+.1f})"
             for when, x, y in (("during them", first.during, second.during),
                                (f"in the {AFTER_EVENT_SEC:.0f} s after", first.after, second.after))
             if x is not None and y is not None]
    lead = (f"{first.label[:1].upper() + first.label[1:]} " + "; ".join(parts) + ".\n\n"
            if parts else "")
    if r.swing and (swung := _swing_lead(r)):
        lead = swung + lead
    if first.amplitudes and second.amplitudes:
        # "compare the breathing effort during central and obstructive apneas": the breath
        # amplitudes, which show effort, lead before the rate
        theirs = dict((name, during) for name, during, _ in second.amplitudes)
        rows = [f"{name} **{during:.0f} %** against **{theirs[name]:.0f} %**"
                for name, during, _ in first.amplitudes if name in theirs]
        lead = (f"Breath amplitude during them, in % of the breaths before (median), "
                f"{_events(first.name)} against {_events(second.name)}: " + "; ".join(rows) + ".\n\n"
                + lead)
    return Answer(lead + a.text + "\n\n" + b.text, a.highlights + b.highlights, a.jump)


def _swing_lead(r: EventSignals) -> str:
    """"which had the bigger surge?": the kind after which the signal moved further that way
    against the rest of sleep; "" where either lacks the readings."""
    shifts = [(side, side.after[0] - side.elsewhere[0]) for side in (r.first, r.second)
              if side.after is not None and side.elsewhere is not None]
    if len(shifts) < 2:
        return ""
    rise = r.swing == "rise"
    (top, a), (other, b) = sorted(shifts, key=lambda kv: -kv[1] if rise else kv[1])
    unit, word = r.first.unit, "rose" if rise else "fell"
    if (a <= 0 if rise else a >= 0):
        return (f"**Neither**: in the {AFTER_EVENT_SEC:.0f} s after them the {top.label} did not "
                f"{'rise' if rise else 'fall'} against the rest of sleep ({_events(top.name)} {a:+.1f} {unit}, "
                f"{_events(other.name)} {b:+.1f} {unit}).\n\n")
    return (f"**After {_events(top.name)}**: in the {AFTER_EVENT_SEC:.0f} s after them the {top.label} "
            f"{word} {abs(a):.1f} {unit} against the rest of sleep, against {b:+.1f} {unit} after "
            f"{_events(other.name)}.\n\n")


def _p_value(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _strength(rho: float) -> str:
    """Words for |ρ| (a common reading: under 0.1 none, 0.3 weak, 0.5 moderate)."""
    size = abs(rho)
    words = ("no" if size < 0.1 else "a weak" if size < 0.3 else "a moderate" if size < 0.5
             else "a strong")
    return words + ("" if size < 0.1 else " positive" if rho > 0 else " negative")


@render.register
def _(r: Correlation, night: LoadedNight) -> Answer:
    overall, *per_stage = r.rows or [None]
    if overall is None or overall.rho is None:
        n = overall.n if overall is not None else 0
        return Answer(f"Too few epochs {r.where} hold both {r.first} and {r.second} ({n}; a "
                      f"correlation needs {MIN_EPOCHS}), or one of them does not vary there.")
    text = (f"**{r.first}** against **{r.second}**, epoch by epoch {r.where}: Spearman "
            f"**ρ = {overall.rho:+.2f}** ({_p_value(overall.p)}, {overall.n} epochs), "
            f"{_strength(overall.rho)} correlation.")
    rated = [row for row in per_stage if row.rho is not None]
    if len(rated) > 1:
        table = "\n".join(f"| {row.group} | {row.n} | {row.rho:+.2f} | {_p_value(row.p)} |"
                           for row in rated)
        text += (f"\n\nWithin each stage ({source_name(r.source)} stages), where the stage itself "
                 f"cannot drive both:\n\n| stage | epochs | ρ | p |\n|---|---|---|---|\n{table}")
        if all(abs(row.rho) < 0.1 for row in rated) and abs(overall.rho) >= 0.3:
            text += ("\n\nWithin every stage the correlation all but vanishes: across the night "
                     "it comes from the stages, which move both measures.")
    return Answer(text + "\n\nNeighbouring epochs are not independent, so the p-values "
                  "overstate the evidence; read ρ as a description of this night.")


@render.register
def _(r: IndexTrack, night: LoadedNight) -> Answer:
    unit = f" {r.unit}" if r.unit else ""
    table = (f"| clock hour | min asleep | {r.index} events | per hour | {r.measure}{f', {r.unit}' if r.unit else ''} |\n"
             "|---|---|---|---|---|\n" + "\n".join(
                 f"| {row.group} | {row.sleep_min:.1f} | {row.events} | {row.per_hour:.1f} | "
                 + (f"{row.measure:.1f}" if row.measure is not None else "–") + " |" for row in r.rows))
    if r.rho is None:
        lead = (f"Too few hours hold {MIN_TRACK_SLEEP_MIN:g} min of sleep with {r.measure} measured "
                f"({r.hours}; a correlation needs {MIN_TRACK_HOURS}), or one of the two does not "
                f"change from hour to hour, so no correlation is given.")
    else:
        counted = [row for row in r.rows if row.sleep_min >= MIN_TRACK_SLEEP_MIN and row.measure is not None]
        worst = max(counted, key=lambda row: row.per_hour)
        top = max(counted, key=lambda row: row.measure)
        rate = r.index if r.index.isupper() else f"{r.index} rate"
        lead = (f"**{r.measure}** against the **{rate}**, hour by hour: Spearman **ρ = {r.rho:+.2f}** "
                f"({_p_value(r.p)}, {r.hours} hours with at least {MIN_TRACK_SLEEP_MIN:g} min of "
                f"sleep), {_strength(r.rho)} correlation. The {rate} peaks in **{worst.group}** "
                f"({worst.per_hour:.1f}/h), the {r.measure} in **{top.group}** ({top.measure:.1f}{unit}).")
    return Answer(lead + f"\n\n{table}\n\nEvents ({source_name(r.events_source)}) count where they "
                  f"start in sleep, per hour of that hour's sleep; the {r.measure} is its mean over the "
                  f"same sleep epochs ({source_name(r.source)} stages). A night has few hours, so one "
                  f"hour moves ρ a long way; read it as a description of this night, not a test.")


@render.register
def _(r: ScopedSleep, night: LoadedNight) -> Answer:
    if r.minutes <= 0:
        return Answer(f"No epoch {r.where} is scored, so there is no sleep to measure there.")
    lead = {"waso": f"Wake after sleep onset {r.where}: **{r.waso_min:.1f} min**. ",
            "tst": f"Total sleep time {r.where}: **{r.sleep_min:.1f} min**. ",
            "tib": f"Time recorded {r.where}: **{r.minutes:.1f} min**. ",
            "se": f"Sleep efficiency {r.where}: **{100 * r.sleep_min / r.minutes:.1f} %**. ",
            "sme": f"Sleep maintenance efficiency {r.where}: **"
                   f"{100 * r.sleep_min / max(r.sleep_min + r.waso_min, 1e-9):.1f} %** (sleep as a "
                   f"share of sleep and wake after sleep onset). ",
            }.get(r.stat, "")
    return Answer(lead + f"From the {source_name(r.source)} hypnogram, {r.where}: **{r.sleep_min:.1f} min** "
                  f"asleep of {r.minutes:.1f} min recorded, a sleep efficiency of "
                  f"**{100 * r.sleep_min / r.minutes:.1f} %**, with {r.waso_min:.1f} min awake after "
                  f"sleep onset. The whole night's efficiency: {r.night_efficiency:.1f} % (total sleep "
                  f"{r.night_tst:.0f} min)."
                  + stage_caveat(night, r.source))


_STOPPED_PCT, _MOVING_PCT = 30.0, 50.0
"""Breath amplitude (% of the breaths before) read as stopped (AASM apnea: a drop of 90 %;
30 leaves room for the median over an event's edges) and as still moving."""


def _breath_reading(amplitudes: tuple[tuple[str, float, float], ...]) -> str:
    """One plain sentence on what the airflow and the belts did, "" when it cannot be said."""
    found = {name: during for name, during, _ in amplitudes}
    belts = [v for k, v in found.items() if k != "airflow"]
    if "airflow" not in found or not belts or found["airflow"] >= _STOPPED_PCT:
        return ""
    if max(belts) >= _MOVING_PCT:
        return " Airflow stopped while the belts kept moving: breathing effort went on."
    if max(belts) < _STOPPED_PCT:
        return " Airflow and the belts both stopped: no breathing effort."
    return ""


@render.register
def _(r: EventSignal, night: LoadedNight) -> Answer:
    def part(stats: tuple[float, float, float] | None, words: str) -> str:
        if stats is None:
            return f"- {words}: no sample"
        mean, low, high = stats
        return f"- {words}: mean **{mean:.1f} {r.unit}** (lowest {low:.1f}, highest {high:.1f})"
    if not r.n_events:
        return Answer(f"The {source_name(r.events_source)} events have no {r.name}"
                      f"{_where(r.where)}, so there is no {r.label} during one to read.")
    one = r.n_events == 1 and len(r.items) == 1
    events = (f"the {r.items[0].label} {_span(night, r.items[0])} ({seconds(r.items[0].duration)})" if one
              else f"the {r.n_events} {_events(r.name, r.n_events)}")
    text = f"{r.why}\n\nOn this night: " if r.why else ""
    if r.amplitudes:
        which = "" if one else " (median over the events)"
        text = (f"Breath amplitude during {events}{_where(r.where)}, in % of the breaths before"
                f"{which}: " + ", ".join(f"{name} **{during:.0f} %**" for name, during, _ in r.amplitudes)
                + f"; in the {AFTER_EVENT_SEC:.0f} s after: "
                + ", ".join(f"{name} {after:.0f} %" for name, _, after in r.amplitudes) + "."
                + _breath_reading(r.amplitudes) + "\n\n")
    lines = [part(r.during, f"during {events}{_where(r.where)}"),
             part(r.after, f"in the {AFTER_EVENT_SEC:.0f} s after {'it' if one else 'each'} ends"),
             part(r.elsewhere, "in the rest of sleep")]
    if r.before is not None:
        lines.insert(0, part(r.before, f"in the {AFTER_EVENT_SEC:.0f} s before "
                                       f"{'it' if one else 'each'} starts"))
    text += (f"{r.label[:1].upper() + r.label[1:]} around {events} "
             f"(measured from {r.source}; {source_name(r.events_source)}):\n" + "\n".join(lines))
    if r.before and r.elsewhere:
        # "did the heart rate go up before the awakenings?": the answer first
        text = (f"In the {AFTER_EVENT_SEC:.0f} s before {events}, {r.label} runs "
                f"**{r.before[0] - r.elsewhere[0]:+.1f} {r.unit}** against the rest of sleep "
                f"({r.before[0]:.1f} against {r.elsewhere[0]:.1f}).\n\n" + text)
    if r.during and r.after and r.elsewhere:
        change = (f"{r.label[:1].upper() + r.label[1:]} runs **{r.during[0] - r.elsewhere[0]:+.1f} "
                  f"{r.unit}** during {'it' if one else 'them'} and **{r.after[0] - r.elsewhere[0]:+.1f} "
                  f"{r.unit}** in the {AFTER_EVENT_SEC:.0f} s after against the rest of sleep "
                  f"({r.during[0]:.1f} and {r.after[0]:.1f} against {r.elsewhere[0]:.1f}).")
        if r.how_much:
            text = f"{change}\n\n{text}"   # "by how much?": the change first
        else:
            text += (f"\n\nAfter {'it' if one else 'the events'}, {r.label} runs "
                     f"{r.after[0] - r.elsewhere[0]:+.1f} {r.unit} against the rest of sleep; during "
                     f"{'it' if one else 'them'} {r.during[0] - r.elsewhere[0]:+.1f}.")
    if r.amplitudes and r.unit == "breaths/min":
        text += ("\n\nA breathing rate is counted per 30-s epoch, so it cannot show a pause "
                 "shorter than an epoch; the amplitudes above can.")
    return Answer(text, [*r.items], night.epoch_at(r.items[0].start) if one else None)


SHIFT_MIN = 2.0
"""A stage shift (min) small enough to be one or two epochs is not named as a shift."""


_ONE_EVENT = {"apneas and hypopneas": "apnea or hypopnea", "desaturations": "desaturation",
              "arousals": "arousal"}
"""A span's event family named for one event (``architecture.EVENT_FAMILIES``)."""


def _span_length(r: SpanArchitecture, night: LoadedNight) -> Answer:
    """"How long was the second REM period?": one span's length and what it holds."""
    c = r.columns[0]
    lo, hi = c.span
    stages = ", ".join(f"{s} {c.stage_min[s]:.1f}" for s in STAGES if c.stage_min[s])
    events = "; ".join(f"{n} {_ONE_EVENT.get(name, name) if n == 1 else name}"
                       for name, n in c.events.items())
    rem = (f" REM runs less than {REM_MERGE_SEC / 60:.0f} min apart count as one REM period, so "
           f"it holds {c.stage_min['REM']:.1f} min of REM." if re.search(r"\brem period", c.label, re.I)
           else "")
    text = (f"{c.label[0].upper() + c.label[1:]} runs **{clock(night, lo)}–{clock(night, hi)}** "
            f"(**{(hi - lo) / 60:.1f} min**), {c.sleep_min:.1f} min of it asleep.{rem} Minutes by "
            f"stage ({source_name(r.source)} hypnogram): {stages}."
            + (f" Events starting in it ({source_name(r.events_source)}): {events}." if events
               else "") + stage_caveat(night, r.source))
    return _answer(night, text, [Item(lo, hi, c.label, "measured", "?")])


def _with_clock(label: str, span: tuple[float, float], night: LoadedNight) -> str:
    """A span's label with its clock times, unless the label already states them."""
    lo, hi = clock(night, span[0])[:5], clock(night, span[1])[:5]
    return label if f"{lo}-{hi}" in label or f"{lo}–{hi}" in label else f"{label} ({lo}–{hi})"


def _asked_side(r: SpanArchitecture) -> str:
    """"which had more N3?": the side with more (or less) of the row asked, as a lead
    paragraph; "" when none was asked."""
    a, b = r.columns[0], r.columns[1]
    if r.asked == "length":
        # "which one was longer?" after two REM periods: their lengths
        lengths = [(c.span[1] - c.span[0]) / 60 for c in (a, b)]
        if abs(lengths[0] - lengths[1]) < 0.05:
            return f"**Neither**: {lengths[0]:.1f} min each.\n\n"
        side = (a if (lengths[0] < lengths[1]) == r.fewer else b).label
        return (f"**{side[0].upper() + side[1:]}** was {'shorter' if r.fewer else 'longer'}: "
                f"{lengths[0]:.1f} against {lengths[1]:.1f} min.\n\n")
    if r.asked == SPAN_OXYGEN:
        return _worse_oxygen(a, b)
    if r.asked in STAGES:
        values, unit = (a.stage_min[r.asked], b.stage_min[r.asked]), "min"
    elif r.asked in a.events:
        values, unit = (a.events[r.asked], b.events[r.asked]), ""
    else:
        return ""
    figures = " against ".join(f"{v:.1f} {unit}" if unit else f"{v}" for v in values)
    if values[0] == values[1]:
        each = f"{values[0]:.1f} min of {r.asked}" if unit else f"{values[0]} {r.asked}"
        return f"**Neither**: {each} in each.\n\n"
    first = (values[0] < values[1]) == r.fewer
    side = (a if first else b).label
    less = "less" if unit else "fewer"
    return (f"**{side[0].upper() + side[1:]}** had {less if r.fewer else 'more'} {r.asked}: "
            f"{figures}.\n\n")


def _worse_oxygen(a: SpanColumn, b: SpanColumn) -> str:
    """"which had worse sats?" of two spans: the one with the lower nadir, with its time under
    90 % and mean beside it; where the nadir and the time under 90 % point apart, both are said
    (probe O: the means alone were compared, 96.2 against 95.9 %, where the nadirs were 86.5 and
    83.7 %)."""
    if a.spo2 is None or b.spo2 is None:
        return "The SpO2 cannot be read in both spans, so they cannot be set side by side on it.\n\n"
    if abs(a.spo2.lowest - b.spo2.lowest) < 0.5:
        return f"**Neither clearly**: the nadirs are within half a point ({_oxygen_pairs(a, b)}).\n\n"
    worse, better = (a, b) if a.spo2.lowest < b.spo2.lowest else (b, a)
    # the side named first gives the first figure of each pair (probe Q: "the last 2 hours had the
    # worse oxygen: lowest 88.0 against 85.4 %", the first span's figure first)
    figures = _oxygen_pairs(worse, better)
    label = worse.label[0].upper() + worse.label[1:]
    if better.spo2.below_90_min > worse.spo2.below_90_min + 0.5:
        return (f"**{label}** fell lower, but {better.label} spent longer under 90 % ({figures}): the nadir and "
                f"the time under 90 % point apart.\n\n")
    return f"**{label}** had the worse oxygen: {figures}.\n\n"


def _oxygen_pairs(x: SpanColumn, y: SpanColumn) -> str:
    """Two spans' SpO2 figures in pairs, ``x``'s first: lowest, minutes under 90 %, mean."""
    return (f"lowest {x.spo2.lowest:.1f} against {y.spo2.lowest:.1f} %, under 90 % for {x.spo2.below_90_min:.1f} "
            f"against {y.spo2.below_90_min:.1f} min, mean {x.spo2.mean:.1f} against {y.spo2.mean:.1f} %")


def _spans_apart(night: LoadedNight, cols) -> str:
    """On a machine staging nobody checked, where the model's zero-shot staging puts a span's
    time asleep ``SLEEP_APART_MIN`` per 8 h of it or more from the machine's ("" otherwise):
    every rate per hour of sleep in the table rests on it (probe O, seed 13243 unscored: the
    halves' AHI read 41.1 -> 45.8/h on YASA's 158 and 72 min asleep; the truth fell, 40.1 -> 34.3)."""
    model = night.model_check()
    if model is None:
        return ""
    codes = np.asarray(model.stages()[0])
    starts = night.epochs.starts
    theirs = [float(np.sum(np.isin(codes[(starts >= a) & (starts < b)], SLEEP_CODES))) * EPOCH_SEC / 60
              for a, b in (c.span for c in cols)]
    apart = [abs(t - c.sleep_min) >= SLEEP_APART_MIN * (c.span[1] - c.span[0]) / 60 / 480
             for t, c in zip(theirs, cols)]
    if not any(apart):
        return ""
    return (f"\n\n⚠️ **Not settled**: the model's zero-shot staging puts "
            f"{' and '.join(f'{t:.0f}' for t in theirs)} min asleep in them, against the machine staging's "
            f"{' and '.join(f'{c.sleep_min:.0f}' for c in cols)}; every figure per hour of sleep above rests on "
            f"the machine's.")


@render.register
def _(r: SpanArchitecture, night: LoadedNight) -> Answer:
    """Two spans as columns: length, time asleep, each stage's minutes and share of sleep,
    and each scored event family with its rate per hour of sleep; one span in a sentence."""
    cols = r.columns
    if len(cols) == 1:
        return _span_length(r, night)
    head = " | ".join(_with_clock(c.label, c.span, night) for c in cols)
    rows = [("length", [f"{(c.span[1] - c.span[0]) / 60:.0f} min" for c in cols]),
            ("asleep", [f"{c.sleep_min:.0f} min" for c in cols])]
    for stage in STAGES:
        rows.append((stage, [f"{c.stage_min[stage]:.1f} min" + (
            f" ({100 * c.stage_min[stage] / c.sleep_min:.0f} % of sleep)"
            if stage != "W" and c.sleep_min else "") for c in cols]))
    for name in cols[0].events:
        rows.append((name, [f"{c.events[name]}" + (f" ({c.events[name] / (c.sleep_min / 60):.1f}/h"
                                                   f" of sleep)" if c.sleep_min else "")
                            for c in cols]))
    if all(c.spo2 is not None for c in cols):
        rows.append(("SpO2 mean / lowest", [f"{c.spo2.mean:.1f} % / {c.spo2.lowest:.1f} %" for c in cols]))
        rows.append(("time under 90 % SpO2", [f"{c.spo2.below_90_min:.1f} min" for c in cols]))
    table = (f"| | {head} |\n|---|{'---|' * len(cols)}\n"
             + "\n".join(f"| {name} | {' | '.join(cells)} |" for name, cells in rows))
    (a, b) = cols[0], cols[1]
    shifts = sorted(STAGES, key=lambda s: -abs(b.stage_min[s] - a.stage_min[s]))[:2]
    moves = "; ".join(f"{s} {a.stage_min[s]:.0f} → {b.stage_min[s]:.0f} min" for s in shifts
                      if abs(b.stage_min[s] - a.stage_min[s]) >= SHIFT_MIN)
    events = f"; events {source_name(r.events_source)}" if r.events_source else ""
    text = (_asked_side(r) + f"{a.label[0].upper() + a.label[1:]} against {b.label}, stages from the "
            f"{source_name(r.source)} hypnogram{events}. "
            + (f"The largest shifts: **{moves}**." if moves else
               f"No stage differs by {SHIFT_MIN:.0f} min or more.")
            + f"\n\n{table}" + stage_caveat(night, r.source) + _spans_apart(night, cols))
    # Spans of the night, not scored events: highlighted under their own names.
    items = [Item(c.span[0], c.span[1], c.label, "measured", "?") for c in cols]
    return _answer(night, text, items, jump=None)


@render.register
def _(r: LibraryContents, night: LoadedNight) -> Answer:
    """The library's recordings as a table; ranked by the family asked about, if any."""
    def share(n, stage: str) -> str:
        return f"{100 * n.stages.get(stage, 0) / n.epochs:.0f} %"

    head = "| recording | kind | hours | epochs | " + " | ".join(
        f"epochs with {f}" for f in r.families) + " | W | N1 | N2 | N3 | REM |"
    rows = "\n".join(f"| {n.name} | {n.kind} | {n.hours:.1f} | {n.epochs} | " + " | ".join(
        str(n.epochs_with[f]) for f in r.families) + " | " + " | ".join(
        share(n, s) for s in STAGES) + " |" for n in r.nights)
    table = f"{head}\n|{'---|' * (9 + len(r.families))}\n{rows}"
    total = sum(n.epochs for n in r.nights)
    lead = (f"The library holds **{len(r.nights)}** recordings, {total} epochs "
            f"({total * EPOCH_SEC / 3600:.1f} h).")
    if r.ranked is not None and r.nights:
        top = r.nights[0]
        scored = f" scored {' or '.join(r.stages)}" if r.stages else ""
        found = sum(n.epochs_with[r.ranked] for n in r.nights)
        if found == 0 and r.stages:
            # captions that never time an event (REM's eye movements are stated in words only)
            in_stages = sum(n.stages.get(st, 0) for n in r.nights for st in r.stages)
            lead = (f"No library caption marks {r.ranked} as a timed event, so they cannot be "
                    f"counted there; **{in_stages}** of its {total} epochs are{scored}. " + lead)
        else:
            lead = (f"**{found}** of the library's {total} epochs{scored} state {r.ranked}. " + lead)
        lead += (f" Most epochs with {r.ranked}{scored}: **{top.name}** ({top.epochs_with[r.ranked]} of "
                 f"its {top.epochs} epochs)." if top.epochs_with[r.ranked] else
                 f" No epoch in it states {r.ranked}.")
    if r.common:
        # "what's the most common caption?": the facts captions state, counted (their wording
        # and numbers vary from epoch to epoch)
        lines = "\n".join(f"- **{stage}**, {', '.join(_event_name(t) for t in types) or 'no event'}: "
                          f"{n} epochs ({100 * n / total:.0f} %)" for stage, types, n in r.common)
        lead = (f"The library's most common captions, by the stage and events they state (their "
                f"wording and numbers vary from epoch to epoch), over {total} epochs:\n{lines}\n\n" + lead)
    return Answer(lead + " Event counts are epochs whose scoring (or generator's ground truth) "
                  "holds the event, as their captions state it.\n\n" + table)


@render.register
def _(r: Definition, night: LoadedNight) -> Answer:
    text = f"**{r.term.title}.** {r.term.text}" + "".join(f"\n\n{line}" for line in r.lines)
    return _answer(night, text, r.items)


@render.register
def _(r: Findings, night: LoadedNight) -> Answer:
    events = f", events {source_name(r.events_source)}" if r.events_source != "none" else ""
    span = f" {r.where}" if r.part else f" in {r.where}" if r.where else " in this night"
    head = f"What stands out{span} (stages {source_name(r.source)}{events}):"
    if not r.found and r.part:
        return Answer(f"{head} nothing crosses a limit I check there: breathing under 5 events/h, "
                      f"SpO2 never under 90 %, no awakening of 20 min or more (the norms for "
                      f"sleep statistics describe whole nights, so they are not read over a part "
                      f"of one). Ask *summarize {r.where}* for its numbers.")
    if not r.found:
        return Answer(f"{head} nothing crosses a limit I check: breathing under 5 events/h, SpO2 "
                      f"never under 90 %, no awakening of 20 min or more, and every statistic "
                      f"within the healthy-adult norms. Ask *summarize the night* for the numbers.")
    lines = "\n".join(f"{k}. {f.text}" for k, f in enumerate(r.found, 1))
    items = [f.item for f in r.found if f.item is not None]
    lead = ""
    if r.shown and items:
        # "show me the most interesting epoch": the moment the view moves to, and why
        k, first = next((k, f) for k, f in enumerate(r.found, 1) if f.item is not None)
        stage = stage_name(int(night.stages()[0][night.epoch_at(first.item.start)]))
        lead = (f"Shown: {_span(night, first.item)} ({first.item.label}, stage {stage}), "
                f"the moment of finding {k}, the first that has one"
                + (f"; *show me the next one* goes to the other {len(items) - 1}" if len(items) > 1 else "")
                + ".\n\n")
    if r.top:
        # "what's the single most abnormal finding?": the first, the list ranks them
        lead = f"**The first of {len(r.found)}, most important first**: {r.found[0].text}\n\n"
    return _answer(night, f"{lead}{head}\n\n{lines}\n\nThese are measurements against stated limits, "
                   f"not a diagnosis; the drawn moments are on the plots.", items)


_STAGE_WORDS = {"N1": "N1", "N2": "N2", "N3": "N3 (deep sleep)", "REM": "REM"}
_WHEN_WHY = {
    "N3": ("deep sleep is usually front-loaded: the sleep pressure built up while awake discharges in the first "
           "cycles, so later ones hold less"),
    "REM": ("REM periods usually lengthen toward morning with the circadian rhythm; the first is often short or "
            "skipped"),
}
_OUTSIDE_WHY = {
    "N3": ("sleep debt (N3 rises after sleep loss), a nap earlier in the day, caffeine, and drugs such as "
           "benzodiazepines, which reduce N3"),
    "REM": ("alcohol, many antidepressants and some other drugs suppress REM (and it rebounds when they are "
            "stopped), and a first night in a sleep lab often has less REM"),
    "N1_excess": ("arousals from breathing events or leg movements the channels missed, pain, noise, and age: N1 "
                  "takes a larger share of more broken sleep"),
    "N2_excess": ("N2 fills the sleep N3 and REM do not take, so whatever lowers them (age, REM-suppressing "
                  "drugs, benzodiazepines) raises it"),
    "N3_excess": ("youth (children and young adults have far more N3), sleep loss on the nights before (N3 "
                  "rebounds), and in older scorings the R&K rules, whose stages 3 and 4 read slow waves more "
                  "generously"),
    "REM_excess": ("REM rebounds after REM-suppressing drugs or alcohol are stopped and after REM loss on the "
                   "nights before; a long last REM period at the end of a long night also raises its share"),
    "latency": ("many antidepressants and alcohol delay the first REM period, and so does a first night in a "
                "sleep lab; a latency under 15 min (a sleep-onset REM period) points the other way, to sleep "
                "loss or narcolepsy"),
}
"""What sets a stage's amount that no channel records, named after what the night shows."""


@render.register
def _(r: StageShortfall, night: LoadedNight) -> Answer:
    lines = [line for line in ((_shortfall_broken(r, night),) if r.asked == "latency" else (
        _shortfall_when(r), _shortfall_broken(r, night), _shortfall_waves(r, night), _shortfall_cut(r))) if line]
    outside = _OUTSIDE_WHY["latency" if r.asked == "latency" else f"{r.stage}_excess" if r.asked == "excess"
                           and not _below_norm(r, night) else r.stage]
    text = (_shortfall_lead(r, night) + "\n\nWhat the night shows:\n" + "\n".join(f"- {line}" for line in lines)
            + f"\n\nWhat a recording cannot show also matters: {outside}."
            + stage_caveat(night, r.source))
    return Answer(text, highlights=[Highlight(*r.span, "the part asked")] if r.where else [])


def _shortfall_lead(r: StageShortfall, night: LoadedNight) -> str:
    if r.asked == "latency":
        return _latency_lead(r, night)
    name, where = _STAGE_WORDS[r.stage], r.where or "over the night"
    others = ", ".join(f"{s} {m:.1f} min" for s, m in sorted(r.stage_minutes.items(), key=lambda kv: -kv[1])
                       if m and s != "W")
    share = 100 * r.minutes / r.sleep_minutes
    rest = "" if r.rest_share is None else f"; the rest of the night: {r.rest_share:.1f} %"
    scored = f"{source_name(r.source)} stages"
    if not r.minutes:
        lead = (f"**No {name} {where}**{_clock_span(r, night)}: its {r.sleep_minutes:.0f} min asleep were "
                f"{others} ({scored}{rest}).")
    else:
        lead = (f"**{'There was ' if r.asked == 'absence' else ''}{name} {where}: {r.minutes:.1f} min**"
                f"{_clock_span(r, night)}, {share:.1f} % of {'its' if r.where else 'the'} {r.sleep_minutes:.0f} "
                f"min asleep ({scored}{rest}).")
    if r.sure is not None and r.minutes:
        # an unscored night: how sure the staging is of the stage it found, which a scorer may not
        lead += (f" The machine staging's mean probability for those {r.stage} epochs is **{100 * r.sure:.0f} %**"
                 + (", unsure: a human scorer may score fewer of them." if r.sure < UNSURE_BELOW else "."))
    if (band := _stage_norm(r, night)) is None:
        return lead
    low, high = band
    verdict = "below" if share < low else "above" if share > high else "within"
    return lead + (f" That is {verdict} the {low:.0f}-{high:.0f} % healthy "
                   f"{night.recording.patient.age:.0f}-year-olds typically have ({norms.SHORT_CITATION}).")


def _stage_norm(r: StageShortfall, night: LoadedNight) -> tuple[float, float] | None:
    """The (low, high) % of sleep the stage takes in healthy adults of the file's age, for a
    whole night; None for a stretch, a child or a night without an age."""
    age = night.recording.patient.age
    if r.where or age is None or age < norms.ADULT_AGE:
        return None
    _, low, high = norms.range_of(norms.ROW_OF_STAGE[r.stage], age)
    return low, high


def _below_norm(r: StageShortfall, night: LoadedNight) -> bool:
    """Whether a stage asked about as too much fell below its age's range over the night ("why is
    N3 so high?" of a night short of N3): its shortfall's reasons apply then."""
    band = _stage_norm(r, night)
    return r.stage in ("N3", "REM") and band is not None and 100 * r.minutes / r.sleep_minutes < band[0]


def _latency_lead(r: StageShortfall, night: LoadedNight) -> str:
    """The REM latency, its stages and the age's norm."""
    latency = (r.span[1] - r.span[0]) / 60
    stages = ", ".join(f"{s} {m:.1f} min" for s, m in sorted(r.stage_minutes.items(), key=lambda kv: -kv[1]) if m)
    lead = (f"**REM latency: {latency:.1f} min**, from sleep onset ({clock(night, r.span[0])}) to the first REM "
            f"epoch ({clock(night, r.span[1])}); before it: {stages} ({source_name(r.source)} stages).")
    if r.stage_minutes["W"]:
        # the latency counts the wake after sleep onset; a long one is often broken sleep, not late REM
        lead += (f" {r.stage_minutes['W']:.1f} of those minutes were awake: counted in sleep alone, the first "
                 f"REM came **{r.sleep_minutes:.1f} min** into sleep.")
    age = night.recording.patient.age
    if age is None or age < norms.ADULT_AGE:
        return lead
    _, low, high = norms.range_of("REM latency", age)
    verdict = "above" if latency > high else "below" if latency < low else "within"
    return lead + (f" That is {verdict} the {low:.0f}-{high:.0f} min healthy {age:.0f}-year-olds typically have "
                   f"({norms.SHORT_CITATION}).")


def _clock_span(r: StageShortfall, night: LoadedNight) -> str:
    return f" ({clock(night, r.span[0])}–{clock(night, r.span[1])})" if r.where else ""


def _shortfall_when(r: StageShortfall) -> str:
    """The stage cycle by cycle, the stretch's cycles in bold."""
    if not r.by_cycle:
        return ""
    cycles = " / ".join(f"**{m:.1f}**" if inside and r.where else f"{m:.1f}" for _, m, inside in r.by_cycle)
    marked = " (bold: the cycles in the part asked)" if r.where and any(i for *_, i in r.by_cycle) else ""
    return f"**When**: {r.stage} by cycle {cycles} min{marked}; {_WHEN_WHY[r.stage]}{_follows_usual(r)}."


def _follows_usual(r: StageShortfall) -> str:
    """Whether the night put the stage where it usually lies: N3's most in the first cycle, REM's
    in a later one than the first."""
    minutes = [m for _, m, _ in r.by_cycle]
    if len(minutes) < 2 or not max(minutes):
        return ""
    top = int(np.argmax(minutes))
    usual = top == 0 if r.stage == "N3" else top > 0
    return ("; this night follows that" if usual else
            f"; this night does not: its most {r.stage} came in cycle {top + 1}")


def _shortfall_broken(r: StageShortfall, night: LoadedNight) -> str:
    """The stretch's wake and event rates against the rest of the night's (or the age's mean)."""
    rates = []
    for rate in r.rates:
        if rate.inside is None:
            continue
        against = "" if rate.rest is None else f" against {rate.rest:.1f} in the rest of the night"
        if rate.rest is None and rate.name == "arousals" and (mean := norms.arousal_mean(
                night.recording.patient.age)) is not None:
            against = f" (healthy sleepers of {mean[0]} average {mean[1]:.1f})"
        rates.append(f"{rate.name} {rate.inside:.1f}{against}")
    if not rates:
        return ""
    higher = [rate.name for rate in r.rates if rate.inside is not None and rate.rest is not None
              and rate.inside > 1.25 * rate.rest + 0.5]
    verdict = (f"; more {' and '.join(higher)} here than in the rest, which cut sleep short" if higher
               else "; no more than in the rest of the night" if r.where else "")
    return (f"**Broken sleep**: {r.stage_minutes['W']:.1f} min awake {'in it' if r.where else 'in the recording'}; "
            f"per hour of sleep, "
            + ", ".join(rates) + verdict + ".")


def _shortfall_waves(r: StageShortfall, night: LoadedNight) -> str:
    """For little N3 or much N2: how close the lighter NREM epochs' slow waves came to the N3
    rule, and the age."""
    if (r.stage, r.asked == "excess") not in (("N3", False), ("N2", True)):
        return ""
    age = night.recording.patient.age
    aged = (f" Slow waves shrink with age, so at {age:.0f} fewer of them pass the detector's 75 µV." if age
            and age >= 40 else "")
    whose = "its" if r.where else "the night's"
    if r.closest is None:
        return f"**Slow waves**: none detected in {whose} N1 and N2 epochs.{aged}"
    top, near = r.closest
    close = (f"{near} epoch{'s' * (near != 1)} reached {NEAR_MISS_PCT:.0f} % or more: close calls a scorer "
             f"measuring by eye may score N3" if near else "none came close")
    return (f"**Slow waves**: {whose} N1 and N2 epochs reached at most **{top:.0f} %** slow-wave cover against the "
            f"{SLOW_WAVE_SHARE:.0f} % N3 needs; {close}.{aged}")


def _shortfall_cut(r: StageShortfall) -> str:
    if r.stage != "REM" or not r.ends_recording:
        return ""
    return ("**Cut short**: the part asked runs to the end of the recording, so a REM period that would "
            "have ended its cycle was not recorded.")


@render.register
def _(r: ScoringMethod, night: LoadedNight) -> Answer:
    if not r.tools:
        return Answer(f"This night has no {plural(r.name.lower())} to tell the method of"
                      + (f" ({source_name(r.source)} events)." if r.source != "none" else "."))
    who = "; ".join(f"**{tool}**: {n}" for tool, n in r.tools)
    human = r.source == "scored"
    text = f"**{r.name}** on this night, by who found them: {who}."
    if human:
        text += (" They came with the file, as its own scoring; the file does not say who scored them or by "
                 "which rule and options.")
    if r.rules:
        lead = ("Where the machine scores them (on a night without a human scoring), its rule" if human
                else "The machine scorer's rule")
        text += f"\n\n{lead}: " + "; ".join(r.rules) + "."
    if r.checked:
        text += "\n\nHow well it finds them: " + "; ".join(r.checked) + "."
    return Answer(text)


@render.register
def _(r: BestLead, night: LoadedNight) -> Answer:
    which = ("the one in focus" if r.focused and r.n == 1 else f"the {r.n} in the part asked" if r.focused
             else f"the night's first {r.n}")
    the = in_text(r.name)
    if not r.ranked:
        return Answer(f"No EEG lead of this file is fast enough to read {plural(the)} on.")
    (top, amp), rest = r.ranked[0], r.ranked[1:]
    others = ("; " + ", ".join(f"{label} {v:.0f} µV" for label, v in rest)) if rest else (
        ", the only EEG lead fast enough for them")
    over = "in the burst's own band" if r.n == 1 else f"mean over {which}, in the burst's own band"
    text = (f"**{top}** shows {which} best: **{amp:.0f} µV** peak to peak{others} ({over}). The AASM reads "
            f"them on the {r.where_read}.")
    if r.detected_on:
        text += f" They were found by: {'; '.join(r.detected_on)}."
    return Answer(text)
