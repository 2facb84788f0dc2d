"""Execute step for questions about the recording itself: its channels, who scored it and
how sure the machine staging is, and the quality flags of its signals."""

from __future__ import annotations

from dataclasses import replace

import re

from collections import Counter

import numpy as np

from app.chat.adequacy import study_adequacy, usable_airflow, valid_spo2
from app.chat.agreement import paired_kappa, stage_agreement
from app.chat.borderline import borderline_events, breathing_in_wake
from app.chat.aspects import Aspect
from app.chat.inventory import event_inventory
from app.chat.periods import stage_name
from app.chat.plan import Plan, has_eeg
from app.chat.query import Query
from app.chat.events import unscored_reason
from app.chat.phenomena import phenomenon, plural
from app.chat.results import (UNSURE_BELOW, AgreementTrack, SignOff, ChannelNeeds, StagingChannel, ChannelRow, EventInventory, Item, Message, RecordingFacts,
                              StageAgreement, StagerAmounts, StagerRace)
from app.chat.stagers import agreement_track, stager_amounts, stager_race
from app.chat.staging_channel import staging_channel
from app.night import LoadedNight
from sleeplm_core.features.heart import HR_RANGE, SPO2_RANGE, in_range_share, uncalibrated
from sleeplm_core.features.respiratory import MIN_SFREQ as BREATH_MIN_SFREQ
from sleeplm_core.io.epochset import CANONICAL_CHANNELS
from sleeplm_core.scoring.channels import eeg_labels, pick
from sleeplm_core.scoring.staging import StagingConfig
from sleeplm_core.io.position import unread_position
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Signal
from sleeplm_core.scoring.coverage import requirements
from sleeplm_core.scoring.intervals import runs

MAX_ITEMS = 10
"""Longest uncertain or flagged stretches listed."""
MACHINE_STAGING_CHECKED = (
    "YASA's staging against expert scoring, as this project measured it (docs/evaluation.md): "
    "κ 0.81 on the Sleep-EDF night SC4001 with a frontal EEG and the EOG (N1 its weakest stage, "
    "F1 0.46), and κ 0.52 on average over six 30-min DREAMS excerpts with one EEG and no EOG: "
    "the fewer the channels and the shorter the recording, the rougher it is")
"""How far the machine staging can be trusted, from the evaluation nights (YASA 0.8.1)."""
MODEL_STAGING_CHECKED = (
    "the model's zero-shot staging, on the same SC4001 night, κ 0.50 (0.53 smoothed), with wake "
    "its weakest stage (it calls much of it REM or N1; docs/evaluation.md)")
"""How far the model's own staging can be trusted, from the evaluation night (release 10)."""


def _unscorable(night: LoadedNight, types: tuple[str, ...]) -> str:
    """Why events of ``types`` cannot be scored on this night, "" when they can: the machine
    scoring's reason, else what the channels lack for every one of them (a human scoring with
    none of them on a 1-Hz airflow channel is no scoring of them)."""
    if why := unscored_reason(night, types):
        return why
    if any(e.type in types for e in night.recording.events):
        return ""   # the human scored some, whatever the machine makes of the channels
    blind = night.blind_types()
    return "; ".join(dict.fromkeys(blind[t] for t in types)) if all(t in blind for t in types) else ""

def _stretches(night: LoadedNight, mask: np.ndarray, label: str, source: str) -> list[Item]:
    """The longest runs of flagged epochs, longest first, as result items."""
    stages, _ = night.stages()
    starts = night.epochs.starts
    longest = sorted(runs(mask), key=lambda r: (r[0] - r[1], r[0]))[:MAX_ITEMS]
    return [Item(float(starts[a]), float(starts[b - 1]) + EPOCH_SEC, label, source,
                 stage_name(int(stages[a]))) for a, b in longest]


def _channels(night: LoadedNight, query: Query | None = None) -> RecordingFacts:
    montage = night.montage
    roles = {label: slot for slot, label in montage.slots.items()}
    stand_in = {montage.mapping.get(slot) for slot in montage.substitutions}
    rows = [ChannelRow(s.label, s.sfreq, s.unit, roles.get(s.label, "") + (
        " (stand-in)" if s.label in stand_in else ""), s.duration,
                       _unreadable(s, roles.get(s.label, ""), montage.warnings))
            for s in night.recording.signals.values()]
    slots = query.channels_named if query is not None else ()
    asks = query.aspects if query is not None else frozenset()
    asked = [row for row in rows if slots and row.slot.startswith(slots)]
    return RecordingFacts("channels", channels=rows, missing=list(montage.missing), asked=asked,
                          asked_for=slots, length_asked=Aspect.LENGTH in asks,
                          presence_asked=bool(slots) and Aspect.PRESENCE in asks,
                          study=study_kind(night) if Aspect.STUDY_KIND in asks else "",
                          patient=night.recording.patient,
                          absent=_absent(night) if Aspect.ABSENCE in asks else None)


_USUAL_SLOTS = ("EEG_C3", "EEG_C4", "EOG_L", "EOG_R", "EMG_CHIN", "ECG", "AF", "THX", "ABD", "SPO2",
                "HR", "POS", "SNORE", "EMG_LEG")
"""The channels of a full attended PSG (AASM), as montage slots."""


def _absent(night: LoadedNight) -> list[str]:
    """The usual PSG channels the night lacks, as slots, then what its machine scoring could not
    read and why ("respiratory: no usable airflow ...")."""
    montage = night.montage
    have = montage.slots
    lacking = [slot for slot in _USUAL_SLOTS if slot not in have]
    # a part skipped only for want of a channel is said by the list already
    limits = [line for line in (night.machine.skipped if night.machine is not None else [])
              if set(re.findall(r"\(([^()]*)\)", line)) != {"no channel"}]
    return lacking + limits


_RANGES = {"SPO2": (SPO2_RANGE, "SpO2"), "HR": (HR_RANGE, "a heart rate")}


_BREATHING_SLOTS = ("AF", "THX", "ABD")


def _unreadable(signal: Signal, slot: str, warnings: list[str]) -> str:
    """Why an SpO2, pulse, position or breathing channel's values cannot be read as such (""
    when they can); the position's reason is the loader's warning."""
    if slot == "POS":
        return unread_position(warnings)
    if slot in _BREATHING_SLOTS and signal.sfreq < BREATH_MIN_SFREQ:
        # Sleep-EDF's 1-Hz oro-nasal trace: breaths of 3-5 s are a handful of samples
        return (f"it is sampled too slowly to read breaths or score events (needs at least "
                f"{BREATH_MIN_SFREQ:g} Hz)")
    if slot not in _RANGES:
        return ""
    return uncalibrated(signal, *_RANGES[slot]) or ""


def study_kind(night: LoadedNight) -> str:
    """What the usable channels make of this recording (AASM study types: a PSG stages sleep
    from EEG, EOG and chin EMG; a type III home test has airflow, effort and oximetry; type
    IV one or two of them)."""
    slots = night.epochs.slots
    skipped = " ".join(night.machine.skipped) if night.machine is not None else ""
    staging = all(any(s in slots for s in group) for group in
                  (("EEG_C3", "EEG_C4"), ("EOG_L", "EOG_R"), ("EMG_CHIN",)))
    breathing = any(s in slots for s in ("AF", "THX", "ABD")) and "respiratory:" not in skipped
    oximetry = "SPO2" in slots and "desaturations:" not in skipped
    if staging and breathing and oximetry:
        return ("a **full polysomnogram (PSG)**: EEG, EOG and chin EMG to stage sleep, with "
                "airflow or effort and oximetry to score breathing (the AASM's type I when "
                "attended in a lab, type II at home)")
    if staging:
        lacking = " and ".join(w for w, ok in (("breathing", breathing), ("oximetry", oximetry))
                               if not ok)
        return (f"a **sleep EEG study**: EEG, EOG and chin EMG stage sleep, but without usable "
                f"{lacking} channels it scores no breathing events")
    if breathing and oximetry:
        return ("a **home sleep apnea test** (the AASM's type III: airflow or effort with "
                "oximetry, no EEG): it cannot stage sleep, so its index is the REI per hour "
                "recorded, not the AHI")
    if breathing or oximetry:
        return ("a **limited-channel test** (the AASM's type IV: one or two of airflow, effort "
                "and oximetry, no EEG)")
    return "not a sleep study by its channels: no EEG, breathing or oximetry channel is usable"


def confidence_by_stage(conf: np.ndarray, codes: np.ndarray, below: float = UNSURE_BELOW) -> tuple[float, dict[str, float]]:
    """Over the epochs with a finite ``conf`` (the probability of each epoch's chosen stage, stage
    ``codes``): the share under ``below``, and the mean probability of each stage chosen (NaN
    share where none is finite)."""
    ok = np.isfinite(conf)
    unsure = float(np.mean(conf[ok] < below)) if ok.any() else float("nan")
    return unsure, {s: float(np.mean(conf[ok & (codes == i)])) for i, s in enumerate(STAGES) if np.any(ok & (codes == i))}


def _scoring(night: LoadedNight, inside: np.ndarray | None = None, where: str = "",
             below: float = UNSURE_BELOW, stages: tuple[str, ...] = ()) -> RecordingFacts:
    """Who scored the night and how sure the machine staging is: over the whole night on the
    machine's own epochs, or over the model epochs ``inside`` a span ("between 2 and 4 am");
    epochs whose chosen stage has probability under ``below`` are unsure, and their stretches
    are sought among the epochs it stages as ``stages`` (all for ())."""
    rec = night.recording
    facts = RecordingFacts("scoring", human_files=[s.get("path", "") for s in
                                                   rec.source.get("scoring", [])],
                           human_stages=rec.has_scoring, human_events=len(rec.events))
    machine = night.machine
    if machine is not None and not rec.events and machine.events:
        facts.machine_events = dict(Counter(e.type.replace("_", " ") for e in machine.events
                                            ).most_common())
    if machine is None or not machine.has_stages:
        facts.skipped = list(machine.skipped) if machine is not None else []
        return facts
    at = machine.proba_at(night.epochs.starts)
    mine = None if at is None else np.nanmax(np.where(np.isfinite(at), at, -1.0), axis=1)
    if inside is not None and mine is not None:
        conf = np.where((mine >= 0) & inside, mine, np.nan)
        codes, facts.where = np.argmax(np.nan_to_num(at, nan=-1.0), axis=1), where
    else:
        conf, codes = machine.confidence, machine.stages
    ok = np.isfinite(conf)
    if not ok.any():
        facts.skipped = list(machine.skipped)
        return facts
    facts.machine_source = machine.stage_source
    facts.mean_confidence = float(np.mean(conf[ok]))
    unsure, facts.stage_confidence = confidence_by_stage(conf, codes, below)
    facts.unsure_pct, facts.unsure_below, facts.unsure_in = 100 * unsure, below, stages
    facts.agreement = night.agreement() or _model_agreement(night)
    facts.skipped = list(machine.skipped)
    # The uncertain stretches, on the model's epochs (the viewer's grid).
    if mine is not None:
        among = (mine >= 0) & (True if inside is None else inside)
        if stages:
            among &= np.isin(np.argmax(np.nan_to_num(at, nan=-1.0), axis=1), [STAGES.index(st) for st in stages])
        flagged = among & (mine < below)
        facts.items = _stretches(night, flagged, "uncertain machine stage", "measured")
        if stages or below != UNSURE_BELOW:
            facts.unsure_count = (int(flagged.sum()), int(among.sum()))
    return facts


def _disagreement(night: LoadedNight, facts: RecordingFacts, stager: str | None = None,
                  stages: tuple[str, ...] = ()) -> RecordingFacts:
    """Where the model's zero-shot stages (or, when ``stager`` is "machine" on a scored night,
    the machine staging) differ from the reference staging (the human one, else the
    machine's): how many epochs, and the longest such stretches; ``stages``: only the epochs
    the reference scores as those ("an N1 epoch the model got wrong")."""
    reference, source = night.stages()
    predicted = night.predicted
    if stager == "machine" and source == "scored" and (machine := night.machine_stages()) is not None:
        predicted, facts.differ_by = machine, night.machine.label()
    elif stager == "model_machine" and source == "scored" and (machine := night.machine_stages()) is not None:
        # "where do the model and YASA disagree?" on a scored night: the machine as reference
        reference, source = machine, night.machine.label()
    if predicted is None or source == "predicted":
        return facts
    both = (reference >= 0) & (predicted >= 0)
    if stages:
        both &= np.isin(reference, [STAGES.index(st) for st in stages])
    differ = both & (reference != predicted)
    facts.differ, facts.differ_in, facts.differ_ref = (int(differ.sum()), int(both.sum())), stages, source
    facts.items = _stretches(night, differ, f"{'machine' if facts.differ_by else 'model'} ≠ reference stage",
                             "measured")
    return facts


def _model_agreement(night: LoadedNight) -> str:
    """The model's zero-shot stages against the machine staging in one line, on a night
    without a human scoring (the only reference there is); "" without both."""
    machine, predicted = night.machine_stages(), night.predicted
    if machine is None or predicted is None:
        return ""
    kappa, epochs = paired_kappa(machine, predicted)
    if kappa is None:
        return ""
    return (f"the model's zero-shot stages against it: κ {kappa:.2f} ({epochs} epochs; "
            f"neither is a human scoring)")


def _quality(night: LoadedNight) -> RecordingFacts:
    epochs = night.epochs
    present = [i for i, name in enumerate(CANONICAL_CHANNELS) if epochs.channel_mask[i]]
    flagged = {f"{CANONICAL_CHANNELS[i]} ({epochs.mapping.get(CANONICAL_CHANNELS[i], '?')})":
               {reason: int(flags[:, i].sum()) for reason, flags in epochs.quality_flags.items()
                if flags[:, i].any()} for i in present}
    any_flag = epochs.quality[:, present].any(axis=1) if present else np.zeros(len(epochs), bool)
    return RecordingFacts("quality", flags={k: v for k, v in flagged.items() if v},
                          valid_epochs=int((~any_flag).sum()), spo2_valid=_spo2_valid(night),
                          checked=[CANONICAL_CHANNELS[i] for i in present],
                          items=_stretches(night, any_flag, "flagged signal", "measured"),
                          n_epochs=len(epochs), warnings=list(night.recording.source.get(
                              "warnings", [])), skipped=list(night.machine.skipped)
                          if night.machine is not None else [])


HSAT_MIN_HOURS = 4.0
"""Hours of technically adequate airflow and oximetry a home sleep apnea test should hold
(the AASM's portable-monitoring guidance, Collop et al. 2007, J Clin Sleep Med 3:737)."""


def _adequate_hours(night: LoadedNight) -> tuple[float | None, float | None, float | None]:
    """Hours with a usable airflow (its channel unflagged), with a valid SpO2 (over half of
    the epoch's samples read 50-100 %), and with both; None where the night lacks the channel
    or it cannot be read (an airflow too coarse to score breathing events from)."""
    flow, spo2 = usable_airflow(night), valid_spo2(night)
    both = flow & spo2 if flow is not None and spo2 is not None else None
    return tuple(None if ok is None else float(ok.sum()) * EPOCH_SEC / 3600 for ok in (flow, spo2, both))


def _spo2_valid(night: LoadedNight) -> float | None:
    """Share of the SpO2 samples an oximeter can read (50-100 %; 0 is a probe off)."""
    label = night.epochs.aux_mapping.get("SPO2")
    if label not in night.recording.signals:
        return None
    return in_range_share(night.recording.signals[label].data, SPO2_RANGE)


def _patient(night: LoadedNight, note: str | None) -> RecordingFacts:
    claim = note.removeprefix("claim:") if note and note.startswith("claim:") else ""
    return RecordingFacts("patient", patient=night.recording.patient, claim=claim)


_TOPICS = {"channels": _channels, "scoring": _scoring, "quality": _quality}
_STAGINGS_SIDE_BY_SIDE = {"race": stager_race, "agreement_track": agreement_track, "by_stager": stager_amounts}


_UNSURE_LEADS = {"where_unsure": "where", "unsure_stage": "stage"}
"""What a question on the machine staging's doubt asks first, by its note."""


def staging_needs(night: LoadedNight) -> ChannelNeeds:
    """"What do you need to stage sleep?": the EEG the machine staging reads (an EOG and a chin
    EMG sharpen REM and wake), and whether this recording has one usable."""
    config = StagingConfig()
    eeg, why = pick(night.recording, eeg_labels(night.recording), config.eeg)
    need = (f"an EEG channel sampled at {config.eeg.min_rate_hz:g} Hz or more (an EOG and a chin EMG "
            f"beside it sharpen REM and wake)")
    return ChannelNeeds("sleep stage", (("stages", need, "" if eeg is not None else f"EEG: {why}"),))


def channel_needs(plan: Plan, night: LoadedNight) -> ChannelNeeds | Message:
    """"What would you need to score apneas?": each of the phenomenon's event types, the channel
    the machine scorer needs for it, and whether this recording has one usable."""
    if plan.query.target == "staging":
        return staging_needs(night)
    phen = phenomenon(plan.query.phenomenon)
    if phen is None or not phen.event_types:
        return Message("no_reference", "no_phenomenon")
    needs, blind = requirements(), night.blind_types()
    rows = tuple((t, needs[t], blind.get(t, "")) for t in phen.event_types if t in needs)
    return ChannelNeeds(phen.title.lower(), rows)


def recording_facts(plan: Plan, night: LoadedNight) -> (RecordingFacts | StageAgreement | StagerRace | AgreementTrack
                                                         | StagerAmounts | ChannelNeeds | EventInventory
                                                         | StagingChannel | Message):
    """What the recording itself holds, for the topic the question named; two of its stagings
    side by side when the question asks how they agree."""
    topic = plan.query.topic or "channels"
    if plan.query.note == "needs":
        return channel_needs(plan, night)
    if plan.query.note == "staging_channel":
        return staging_channel(plan, night)
    if plan.query.note == "inventory":
        return event_inventory(plan, night)
    if topic == "channels":
        return _channels(night, plan.query)
    if topic == "scoring" and plan.query.note in _STAGINGS_SIDE_BY_SIDE:
        # "is the model better than YASA?", "does agreement drop at the end of the night?",
        # "how much N3 did the expert score vs YASA?"
        return _STAGINGS_SIDE_BY_SIDE[plan.query.note](plan, night)
    if topic == "scoring" and plan.query.scope.time is not None:
        return _scoring(night, plan.where.mask, plan.where.text)
    if topic == "scoring" and plan.query.note == "confusion":
        return stage_agreement(plan, night)
    if topic == "scoring" and plan.query.note == "disagree":
        return _disagreement(night, _scoring(night), plan.query.target, plan.query.scope.stages)
    if topic == "scoring" and plan.query.note == "which_right":
        # "which one is right?": against a human scoring the two are raced; without one, how
        # each fared against experts elsewhere
        if night.recording.has_scoring:
            return stager_race(plan, night)
        return replace(_scoring(night), which_right=True)
    if topic == "scoring" and (phen := phenomenon(plan.query.phenomenon)) is not None and phen.event_types:
        # "could you score the breathing?": yes or no for those events first
        return replace(_scoring(night), scorable=(plural(phen.title.lower()), _unscorable(night, phen.event_types)))
    if topic == "scoring" and plan.query.note == "review":
        # "what should I double check?": where the staging is least sure, then the events
        # nearest their rule's cut
        return SignOff(replace(_scoring(night), unsure_lead="where"), borderline_events(plan, night),
                       breathing_in_wake(night))
    if topic == "scoring" and plan.query.note in _UNSURE_LEADS:
        # "where is the staging least certain?": its uncertain stretches first; "which stage is
        # YASA least sure about?": that stage
        below = plan.query.stated if plan.query.stated is not None else UNSURE_BELOW
        return replace(_scoring(night, below=below, stages=plan.query.scope.stages),
                       unsure_lead=_UNSURE_LEADS[plan.query.note])
    if topic == "patient":
        return _patient(night, plan.query.note)
    if topic == "quality" and plan.query.note in ("validity", "home_validity"):
        if plan.query.note == "validity" and has_eeg(night):
            # an attended study is judged by what each of its uses needs, not a home test's bar
            return replace(_quality(night), study_adequacy=study_adequacy(night))
        return replace(_quality(night), adequate=_adequate_hours(night))
    return _TOPICS[topic](night)
