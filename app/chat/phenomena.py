"""The phenomena the chat knows by name: what each is, how to find it in a night.

Each entry carries our own short explanation (for the educators' gallery and
"explain" answers), the caption-style sentence sent to the model when a user asks
for it (the model was trained on captions, so a caption-like query localizes better
than a bare word, except a phrase the model carries a tuned operating point for, such
as "obstructive apnea", which the chat sends as is), the caption level it belongs to, the scored-event types that
count as the same thing, and, where a measured signal defines it (tachycardia,
hypoxemia), that numeric condition. ``pattern`` is the rule that names it;
``synonyms`` feed the semantic layer for the wordings the rule misses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.chat.glossary import term
from app.chat.query import Condition
from sleeplm_core.scoring.snore import SnoreConfig


@dataclass(frozen=True)
class Phenomenon:
    """A named sleep phenomenon.

    Attributes:
        key: short identifier.
        title: display name.
        explanation: one paragraph for a class, written for this app.
        query: caption-like text given to the model to localize it.
        level: caption level (``sleeplm_core.captions.levels.LEVELS``).
        event_types: scored-event types (``sleeplm_core.io.events.EVENT_TYPES``) that match.
        pattern: regex on a user's words that names it.
        synonyms: lay and technical wordings, for the semantic layer.
        gallery: shown in the educators' gallery.
        condition: the measured-signal condition that defines it, if any.
        min_duration: shortest run of ``condition`` that counts, seconds.
        best_feature: measured feature column (prefix, suffix) whose highest value marks
            the clearest example when no event is scored for it.
        best_stage: stage that example must be in.
        model_reads: the model was taught it, so its matches may be shown; False for what
            it never saw (its "matches" would be another event's reading).
    """

    key: str
    title: str
    explanation: str
    query: str
    level: str
    event_types: tuple[str, ...]
    pattern: str
    synonyms: tuple[str, ...] = ()
    gallery: bool = True
    condition: Condition | None = None
    min_duration: float = 0.0
    best_feature: tuple[str, str] | None = None
    best_stage: str | None = None
    model_reads: bool = True


PHENOMENA: tuple[Phenomenon, ...] = (
    Phenomenon(
        "spindle", "Sleep spindle",
        "A spindle is a short burst of 11-16 Hz waves, usually half a second to two seconds "
        "long, that waxes and wanes like a spindle of thread. The thalamus generates it, and it "
        "marks stage N2: spindles gate sensory input and are linked to memory consolidation. "
        "Look for it on the central EEG channels.",
        "EEG shows sleep spindles, bursts of 11-16 Hz sigma activity in stage N2.",
        "brain", ("spindle",), r"spindles?|sigma",
        ("sleep spindle", "spindle burst", "sigma burst", "12-14 Hz burst", "thalamic spindles")),
    Phenomenon(
        "k_complex", "K-complex",
        "A K-complex is a single large wave in the EEG: a sharp negative deflection followed by a "
        "slower positive one, lasting at least half a second and standing out from the "
        "background. It appears in N2, on its own or after a sound, and is often followed by a "
        "spindle. It is best seen over the frontal and central scalp.",
        "EEG shows K-complexes, large biphasic waves in stage N2.",
        "brain", ("k_complex",), r"k[- ]?complex(?:es)?|kc\b",
        ("k-complex", "big biphasic wave", "large sharp negative wave", "KC")),
    Phenomenon(
        "slow_waves", "Slow waves",
        "Slow waves are high-amplitude (over 75 µV peak to peak) waves of 0.5-2 Hz. When they "
        "fill at least a fifth of an epoch the epoch is scored N3, deep sleep. They are largest "
        "early in the night and shrink with age.",
        "EEG dominated by high-amplitude delta slow waves, deep N3 sleep.",
        "brain", ("slow_wave",),
        r"slow[- ]waves?|slow oscillations?|delta(?: waves?| activity| power)?|slow[- ]wave activity",
        ("slow waves", "delta waves", "high amplitude slow waves", "slow wave sleep waves"),
        best_feature=("brain.eeg.", ".delta [%]"), best_stage="N3"),
    Phenomenon(
        "alpha", "Alpha rhythm",
        "The alpha rhythm is an 8-12 Hz oscillation seen over the back of the head in a relaxed, "
        "awake person with eyes closed. It drops out as they fall asleep, so its disappearance "
        "marks the move from W to N1; bursts of alpha during sleep often mark arousals.",
        "EEG shows alpha rhythm at 8-12 Hz, relaxed wakefulness with eyes closed.",
        "brain", (), r"alpha(?: rhythm| waves?| activity)?",
        ("alpha rhythm", "alpha waves", "8-12 Hz rhythm", "relaxed wake rhythm with eyes closed"),
        best_feature=("brain.eeg.", ".alpha [%]"), best_stage="W"),
    Phenomenon(
        "slow_eye_movements", "Slow eye movements",
        "Slow eye movements are conjugate, fairly regular, sinusoidal excursions of the eyes whose "
        "first deflection usually lasts over half a second (AASM). They roll in at drowsiness, as "
        "the alpha rhythm fades, and belong to N1; they are no rapid eye movements, which are "
        "sharp and mark REM sleep. Read here as the share of the EOG's 0.2-10 Hz power that lies "
        "in 0.2-0.6 Hz, epoch by epoch.",
        "Drowsiness and N1 with slow rolling eye movements on the EOG.",
        "brain", (), r"slow(?:[- ]rolling)? eye movements?|rolling eye movements?|\bsems?\b",
        ("slow eye movements", "slow rolling eye movements", "SEMs"),
        best_feature=("brain.eog.", ".slow [%]"), best_stage="N1"),
    Phenomenon(
        "rem", "Rapid eye movements",
        "Rapid eye movements are sharp, conjugate deflections of the two EOG channels in "
        "opposite directions, typically under half a second each, occurring in bursts. Together "
        "with low chin muscle tone and a low-amplitude mixed-frequency EEG they define REM sleep, "
        "the stage of vivid dreaming.",
        "REM sleep with rapid eye movements on the EOG and low chin muscle tone.",
        "brain", ("rapid_eye_movement",), r"rapid eye movements?|eye movements?|\brems\b",
        ("rapid eye movements", "eye movements", "eyes darting", "saccades in REM"),
        best_feature=("brain.rems.", "count [count]"), best_stage="REM"),
    Phenomenon(
        "obstructive_event", "Obstructive apnea or hypopnea",
        "The obstructive apnea-hypopnea index (OAHI) counts obstructive and mixed apneas and "
        "hypopneas per hour of sleep, leaving central apneas out. It is reported beside the AHI "
        "when central apneas are frequent, for example to follow central apneas that appear on "
        "CPAP. Hypopneas count here whatever their cause, since they are not typed as "
        "obstructive or central in this app.",
        "Breathing event: airflow absent or reduced while the chest and abdomen keep trying.",
        "respiratory", ("obstructive_apnea", "mixed_apnea", "hypopnea"),
        r"\boahi\b|obstructive (?:ahi|apn(?:o)?ea[- ]hypopn(?:o)?ea index)",
        ("OAHI", "obstructive apnea-hypopnea index"), gallery=False),
    Phenomenon(
        "obstructive_apnea", "Obstructive apnea",
        "In an obstructive apnea the airflow stops (drops by 90% or more) for at least 10 seconds "
        "while the chest and abdomen keep trying to breathe: the upper airway is closed. The "
        "belts often move in opposite directions, and the event usually ends with an arousal "
        "and a drop in oxygen saturation.",
        "Obstructive apnea: airflow absent with continued thoracic and abdominal effort.",
        "respiratory", ("obstructive_apnea",),
        r"obstructive (?:sleep )?apn(?:o)?eas?|obstructive (?:events?|breathing events?)|\boas?\b"
        r"|(?:breathing|airflow|breath) (?:stops?|stopped|pauses?|paused|ceased) (?:with|despite|while)"
        r" (?:continued |ongoing |the |breathing |respiratory )*effort"
        r"|apn(?:o)?eas? (?:that |which )?(?:were|was|are|is) obstructive|obstructive ones?\b",
        ("obstructive apnea", "airway closed", "blocked airway", "choking while breathing effort continues")),
    Phenomenon(
        "central_apnea", "Central apnea",
        "In a central apnea the airflow stops for at least 10 seconds and so does the breathing "
        "effort: the brain does not send the signal to breathe. Both belts go flat at the same "
        "time. Central apneas are common after arousals and at high altitude, and in clusters "
        "they suggest heart failure or opioid use.",
        "Central apnea: airflow and respiratory effort both absent.",
        "respiratory", ("central_apnea",),
        r"central apn(?:o)?eas?|(?:breathing|airflow|breath) (?:stops?|stopped|pauses?|paused|ceased)"
        r" (?:without|with no) (?:any )?(?:breathing |respiratory )?effort"
        r"|apn(?:o)?eas? (?:that |which )?(?:were|was|are|is) central"
        # hypopneas are not typed here, so a scorer's "central events" are central apneas
        r"|central (?:respiratory |breathing )?events?|central ones?\b",
        ("central apnea", "no breathing effort", "brain forgot to breathe")),
    Phenomenon(
        "mixed_apnea", "Mixed apnea",
        "A mixed apnea begins as a central apnea, with airflow and breathing effort both "
        "absent, and ends as an obstructive one: effort returns while the airflow stays absent "
        "against a closed upper airway. The AASM counts it with the obstructive apneas in the "
        "obstructive apnea-hypopnea index, and it usually responds to CPAP as they do.",
        "Mixed apnea: central at first, then obstructive.",
        "respiratory", ("mixed_apnea",),
        r"mixed (?:sleep )?apn(?:o)?eas?|mixed (?:events?|breathing events?)"
        r"|apn(?:o)?eas? (?:that |which )?(?:were|was|are|is) mixed|mixed ones?\b",
        ("mixed apnea", "central then obstructive apnea"), gallery=False),
    Phenomenon(
        "rera", "Respiratory effort-related arousal",
        "A respiratory effort-related arousal (RERA) is a run of breaths, 10 seconds or more, "
        "with rising effort or a flattening nasal-pressure waveform that ends in an arousal, "
        "without meeting the apnea or hypopnea rules. RERAs count in the respiratory "
        "disturbance index (RDI) beside apneas and hypopneas. They are scored by hand from a "
        "nasal-pressure signal; this app does not detect them.",
        "Breathing effort rising over several breaths, ending in an arousal.",
        "respiratory", ("rera",),
        r"\breras?\b|respiratory[- ]effort[- ]related arousals?|effort[- ]related arousals?",
        ("RERA", "respiratory effort related arousal"), gallery=False, model_reads=False),
    Phenomenon(
        "cheyne_stokes", "Cheyne-Stokes breathing",
        "Cheyne-Stokes breathing is a waxing and waning of breathing: central apneas or "
        "hypopneas alternate with breaths that grow and then shrink, in cycles of 40 seconds or "
        "more. The AASM scores it when three or more consecutive central events show that "
        "pattern and such events reach five per hour of sleep over at least two hours. It is "
        "seen most in heart failure and after a stroke.",
        "Central apneas recurring with waxing and waning breathing between them.",
        "respiratory", ("central_apnea",),
        r"cheyne[- ]?stokes?(?: breathing| respiration)?|\bcs[ab]\b|\bcsr\b|periodic breathing"
        r"|waxing and waning breathing|crescendo[- ]decrescendo",
        ("Cheyne-Stokes respiration", "periodic breathing", "waxing and waning breathing"),
        gallery=False),
    Phenomenon(
        "respiratory_event", "Respiratory event",
        "Respiratory events are the apneas and hypopneas that the apnea-hypopnea index (AHI) "
        "counts per hour of sleep.",
        "Breathing event: airflow absent or reduced with oxygen desaturation.",
        "respiratory", ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea"),
        r"(?:respiratory|breathing) events?|apn(?:o)?eas? (?:and|or|\+|/) ?hypopn(?:o)?eas?"
        r"|ahi events?|sleep[- ]disordered breathing events?",
        ("respiratory events", "breathing events", "apneas and hypopneas"), gallery=False),
    Phenomenon(
        "apnea", "Apnea",
        "An apnea is a pause in breathing: the airflow drops by 90 % or more for at least 10 "
        "seconds. What the chest and belly do tells the types apart. In an obstructive apnea "
        "they keep working against a closed upper airway; in a central apnea they stop too, "
        "because the brain sends no signal to breathe; a mixed apnea starts central and ends "
        "obstructive. Together with hypopneas, apneas make up the apnea-hypopnea index (AHI).",
        "Apnea: airflow absent for more than 10 seconds with oxygen desaturation.",
        "respiratory", ("obstructive_apnea", "central_apnea", "mixed_apnea"),
        r"apn(?:o)?eas?|(?:breathing|airflow) (?:stops?|stopped|pauses?|paused|ceased)"
        r"|stop(?:s|ped|ping)? breathing|pauses? in (?:the )?breathing|breathing pauses?"
        r"|held (?:their|his|her) breath|(?:without|no|not) breathing",
        ("stopped breathing", "breathing pauses", "pause in breathing", "breath stops",
         "no airflow", "apnoea"),
        gallery=False),
    Phenomenon(
        "hypopnea", "Hypopnea",
        "A hypopnea is a partial reduction of airflow, by 30% or more for at least 10 seconds, "
        "that ends with a 3% oxygen desaturation or an arousal. Hypopneas count in the "
        "apnea-hypopnea index (AHI) together with apneas.",
        "Hypopnea: reduced airflow with a drop in oxygen saturation.",
        "respiratory", ("hypopnea",),
        r"hypopn(?:o)?eas?|shallow(?:er)? breathing|breathing (?:(?:was|is|got|gets?|getting|became"
        r"|becomes?|went|turned|grew) )?(?:more )?shallow(?:er)?",
        ("hypopnea", "shallow breathing", "partial reduction of airflow", "reduced breathing")),
    Phenomenon(
        "desaturation", "Oxygen desaturation",
        "A desaturation is a fall of the blood oxygen saturation (SpO2) by 3% or more from its "
        "baseline. It lags the breathing event that caused it by 20-40 seconds because of the "
        "circulation time from lungs to finger. The oxygen desaturation index (ODI) counts them "
        "per hour of sleep.",
        "Oxygen desaturation: SpO2 falls by more than 3 percent.",
        "respiratory", ("desaturation",),
        r"desaturations?|desats?|(?:oxygen|o2|spo2|saturation) (?:drops?|dips?|falls?)"
        r"|drops? in (?:oxygen|o2|spo2|saturation)",
        ("oxygen desaturation", "oxygen drop", "SpO2 dip", "fall in blood oxygen")),
    Phenomenon(
        "arousal", "Arousal",
        "An arousal is an abrupt shift of the EEG to faster frequencies (alpha, theta or above "
        "16 Hz, not spindles) lasting at least 3 seconds after 10 seconds of stable sleep. In "
        "REM it also needs a rise in chin muscle tone. Arousals fragment sleep even when the "
        "sleeper does not remember waking.",
        "Arousal: abrupt shift to faster EEG frequencies with a rise in muscle tone.",
        "stage_event", ("arousal",), r"arousals?|micro-?arousals?|brief awakenings?",
        ("arousal", "micro-arousal", "brief awakening", "sleep disruption")),
    Phenomenon(
        "limb_movement", "Leg movement",
        "A limb movement is a burst of leg EMG activity of 0.5-10 seconds. When four or more come "
        "5-90 seconds apart they form periodic limb movements of sleep.",
        "Leg movement: burst of leg muscle activity.",
        "position_muscle", ("limb_movement",), r"(?:leg|limb) movements?|plms?|lms?i?\b|kick(?:s|ing)?"
        # "what about the legs?", "leg jerks": the movements, not the leg EMG channel itself
        r"|legs\b(?!\s*(?:emg|channels?|leads?|sensors?|electrodes?))|leg (?:jerks?|twitch\w*)",
        ("leg movement", "limb movement", "leg kicks", "periodic limb movements", "restless legs"),
        gallery=False),
    Phenomenon(
        "tachycardia", "Tachycardia",
        "Sinus tachycardia during sleep is a heart rate that stays above 90 beats per minute "
        "(the AASM scoring manual's adult definition for sleep). Short rises often follow "
        "arousals and breathing events; a user can set another threshold, e.g. 'heart rate "
        "above 100'.",
        "ECG shows a fast heart rate.",
        "heart", (), r"tachycardi\w*|tachy\b|(?:racing|fast|rapid|high) (?:heart|pulse)(?:\s*rate)?"
        r"|heart (?:was |is )?racing|heart rate (?:spikes?|surges?)",
        ("tachycardia", "racing heart", "fast heart rate", "heart beating fast", "pulse racing"),
        gallery=False, condition=Condition("hr", ">", 90.0), min_duration=30.0),
    Phenomenon(
        "bradycardia", "Bradycardia",
        "Sinus bradycardia during sleep is a heart rate that stays below 40 beats per minute "
        "(the AASM scoring manual's adult definition for sleep).",
        "ECG shows a slow heart rate.",
        "heart", (), r"bradycardi\w*|brady\b|(?:slow|low) (?:heart|pulse)(?:\s*rate)?",
        ("bradycardia", "slow heart rate", "heart beating slowly", "low pulse"),
        gallery=False, condition=Condition("hr", "<", 40.0), min_duration=30.0),
    Phenomenon(
        "hypoxemia", "Low oxygen saturation",
        "Hypoxemia means a low blood oxygen saturation; in sleep reports the time spent "
        "with SpO2 below 90 % is a common measure.",
        "Oxygen saturation is low.",
        "respiratory", (), r"hypox\w*|low (?:oxygen|o2|spo2|saturation)",
        ("low oxygen", "hypoxemia", "oxygen below 90", "poor oxygenation"),
        gallery=False, condition=Condition("spo2", "<", 90.0)),
    Phenomenon(
        "snoring", "Snoring",
        "Snoring is the sound of the upper airway vibrating as air is breathed in, loudest "
        "when the airway narrows (lying on the back, flow limitation) and silent in an apnea, "
        "when no air moves. This app reads it from the snore sensor as loudness over the "
        "sensor's own quiet level (the silence between snores); 10 dB or more, a tenfold "
        "power, for at least 10 s counts as snoring. That is a measurement, not a score: the "
        "AASM manual leaves snoring optional and sets no loudness rule.",
        "The snore sensor shows snoring.",
        "respiratory", (), r"snor\w*",
        ("snoring", "snore", "snorer", "loud breathing noise"),
        gallery=False, condition=Condition("snore", ">", SnoreConfig().snoring_db),
        min_duration=10.0),
    # Last, so that any named event wins: "events" alone are the events a report scores
    # (breathing, oxygen, arousals, legs), not the EEG's spindles and K-complexes.
    Phenomenon(
        "scored_event", "Scored event",
        "The events a sleep report scores are the breathing events (apneas, hypopneas, "
        "respiratory effort-related arousals), oxygen desaturations, arousals and leg "
        "movements. Spindles, K-complexes and slow waves are features of the EEG that define "
        "the stages; they are not counted as events.",
        "Scored event.",
        "stage_event", ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea", "rera",
                        "desaturation", "arousal", "limb_movement"),
        r"(?:scored |clinical |sleep |respiratory or other )?events?\b",
        ("scored events", "events", "anything scored"), gallery=False, model_reads=False),
)


_BY_KEY = {p.key: p for p in PHENOMENA}


def find_phenomenon(text: str) -> Phenomenon | None:
    """The phenomenon named in ``text`` by its rule (most specific first), or None."""
    for p in PHENOMENA:
        if re.search(rf"\b(?:{p.pattern})", text, re.IGNORECASE):
            return p
    return None


STAGE_HALLMARK: dict[str, str] = {"REM": "rem", "N3": "slow_waves", "N2": "spindle", "W": "alpha"}
"""The phenomenon a stage is known by ("what is N3?" explains slow waves)."""


# "spindle count", "number of arousals", "spindles per epoch": events counted, not a band's power
# ("spindle density", "arousal index": a rate of the events, which per epoch is their count)
_COUNT_RE = re.compile(r"\b(?:counts?|number|numbers|how many|per epoch|each epoch|epoch by epoch|density|densities"
                       r"|index)\b", re.I)


def counted_phenomenon(words: str) -> Phenomenon | None:
    """The scored events ``words`` ask to count ("the spindle count"), None for anything else."""
    found = find_phenomenon(words) if _COUNT_RE.search(words) else None
    return found if found is not None and found.event_types else None


def in_text(title: str) -> str:
    """A phenomenon's title as running text names it: "Sleep spindle" -> "sleep spindle"; a
    capital that is part of the name stays ("K-complex")."""
    return title if title[1:2].isupper() or title[1:2] == "-" else title[0].lower() + title[1:]


def article(words: str) -> str:
    """``words`` with its indefinite article ("an apnea", "a spindle")."""
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def word_list(names: list[str], join: str = "and") -> str:
    """Names in running text: "a", "a and b", "a, b or c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {join} {names[-1]}"


def plural(title: str) -> str:
    """A phenomenon's title as the plural noun a question or an answer names: "central apnea"
    -> "central apneas", "k-complex" -> "k-complexes", "slow waves" kept, "Cheyne-Stokes
    breathing" -> "Cheyne-Stokes breathing events", "apnea or hypopnea" -> "apneas or hypopneas"."""
    if title.endswith("s"):
        return title
    if title.endswith("breathing"):
        return f"{title} events"
    return " or ".join(part + ("es" if part.endswith("x") else "s") for part in title.split(" or "))


def phenomenon(key: str | None) -> Phenomenon | None:
    """The phenomenon with ``key``, None for None."""
    return _BY_KEY.get(key) if key else None


def gallery() -> tuple[Phenomenon, ...]:
    """Phenomena shown in the educators' gallery, in display order."""
    return tuple(p for p in PHENOMENA if p.gallery)


UNMEASURED: dict[str, tuple[str, str]] = {
    "sawtooth": ("Sawtooth waves", "Sawtooth waves are trains of 2-6 Hz waves with a notched, "
                 "saw-like shape, seen over the central scalp in REM sleep, often just before a "
                 "burst of rapid eye movements. The AASM manual lists them as supporting, not "
                 "required, evidence for scoring REM."),
    "bruxism": ("Sleep bruxism", "Sleep bruxism is rhythmic clenching or grinding of the teeth in "
                "sleep. A PSG shows it as bursts of jaw-muscle EMG (masseter, or the chin lead), "
                "often with a sound on the audio channel, mostly in light NREM sleep."),
    "sleepwalk": ("Sleepwalking", "Sleepwalking is an arousal disorder: complex behaviour "
                     "out of deep (N3) sleep, usually in the first third of the night, with the "
                     "person hard to wake and amnestic for it. A PSG shows an abrupt arousal from "
                     "slow-wave sleep; the video shows the behaviour."),
    "legcramp": ("Sleep-related leg cramps", "Sleep-related leg cramps are sudden, painful, sustained "
                 "contractions of the calf or foot muscles that wake the sleeper and ease with "
                 "stretching (ICSD-3). A PSG may show a long burst of leg EMG; no scoring rule counts "
                 "them, and the leg movements scored here last 0.5-10 s by the AASM rule."),
    "posts": ("Positive occipital sharp transients of sleep (POSTS)", "POSTS are sharp, surface-positive waves "
              "over the back of the head (the occipital leads), single or in trains of about 4-5 per second, in "
              "N1 and N2 sleep. They are a normal finding, commonest in young adults, and mark nothing to score; "
              "they are told from epileptic discharges by their positive polarity and their place in light "
              "sleep."),
    "sleeptalk": ("Sleep talking", "Sleep talking (somniloquy) is speech or sounds in sleep, in any "
                  "stage, most often in light NREM sleep. A PSG finds it on the audio or the video, "
                  "with a brief burst of chin EMG; this app reads no audio or video."),
}
"""Things a user may name that no detector here reads: (title, our own short explanation),
keyed by the word's stem (``app.chat.understand``'s unmeasured rule)."""


UNMEASURED_TERMS = ("vertex",)
"""Glossary terms (``app.chat.glossary``) no detector here reads: asked to find one, the app
explains it from the glossary and says so."""


def unmeasured_note(words: str) -> tuple[str, str] | None:
    """The (title, explanation) of an unmeasured thing the words name, None without one."""
    key = re.sub(r"[\s-]+", "", words.lower())
    key = "bruxism" if key.startswith("teethgrind") else key
    key = "sleeptalk" if key.startswith(("talk", "somniloqu")) else key
    key = "legcramp" if "cramp" in key or key.startswith("charleyhorse") else key
    key = "posts" if key.startswith(("positiveoccipital", "posts")) else key
    if found := next((note for stem, note in UNMEASURED.items() if key.startswith(stem)), None):
        return found
    named = next((term(stem) for stem in UNMEASURED_TERMS if key.startswith(stem)), None)
    return (named.title, named.text) if named is not None else None
