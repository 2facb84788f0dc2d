"""Terms an educator or a new technician asks to have explained that are not events in a
night: the stages, the sensors of a PSG and the words of a sleep report. Each entry is our
own short paragraph; the answer then points at the term in the loaded night (a stage's
minutes, the channels that record a signal), so the definition is always grounded."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A term of the glossary.

    Attributes:
        key: short identifier.
        title: display name.
        pattern: regex on a user's words that names it.
        text: one paragraph, written for this app.
        stage: the stage it is (W, N1, N2, N3, REM), "" for none.
        slots: model or auxiliary slots whose channels record it, () for none.
        asked: regex on a whole question that asks for it in other words than "what is
            ..." ("why is there more deep sleep early in the night?"), "" for none.
    """

    key: str
    title: str
    pattern: str
    text: str
    stage: str = ""
    slots: tuple[str, ...] = ()
    asked: str = ""


def _rules_asked(stage: str) -> str:
    """A whole-question pattern asking for a stage's scoring rules ("what are the AASM rules for
    N3?", "what makes an epoch REM?", "how is N2 scored?"); ``stage`` is a regex of its names.
    "What makes this epoch N3?" asks about one epoch, so "this" is left to the epoch's reasons."""
    epoch = r"(?:an? )?(?:epoch (?:of |as )?(?:an? )?)?"
    return (rf"\b(?:rules?|criteri(?:a|on)|definition|requirements?)\b.{{0,20}}\b(?:for|of)\b"
            rf"(?:\s+(?:scoring|calling|an epoch(?: as| of)?|an?|the))*\s+(?:{stage})\b"
            rf"|\bwhat (?:makes|defines|qualifies) {epoch}(?:as )?(?:{stage})\b"
            rf"|\bhow (?:do (?:you|i|we)|does (?:one|a scorer)|should (?:i|we)) (?:score|call|identify"
            rf"|recogni[sz]e|spot) {epoch}(?:{stage})(?: sleep)?\W*$"
            rf"|\bhow (?:is|are) {epoch}(?:{stage})(?: sleep)? (?:scored|called|identified|recogni[sz]ed)\W*$")


def _defined(names: str) -> str:
    """A whole-question pattern that asks what a report's figure means rather than its value on
    the night ("define AHI", "what does WASO stand for?", "explain the ODI like I'm new", "what is
    an arousal index", "what is sleep efficiency"); ``names`` is a regex of its names. "What is
    the AHI?" asks the value."""
    the = r"(?:the |an? )?"
    return (rf"^\W*(?:(?:can|could) you |please )*(?:define {the}(?:{names})"
            rf"|what (?:does|do) {the}(?:{names}) (?:mean|stand for|measure|tell (?:me|us|you))"
            rf"|what(?:'s| is) meant by {the}(?:{names})|(?:meaning|definition) of {the}(?:{names})"
            rf"|(?:explain|describe) {the}(?:{names}) (?:like (?:i'?m|i am) (?:new|five|5|a beginner)|simply"
            rf"|in (?:simple|plain) (?:terms|words|english)|to (?:a |an )?(?:student|beginner|patient|layman"
            rf"|newcomer|new tech\w*|me))|what(?:'s| is|s) (?:an? )?(?:{names})|(?:{names}) (?:meaning|definition))\W*$")


TERMS: tuple[Term, ...] = (
    Term("wake", "Wake (stage W)", r"wake(?:fulness)?|stage w",
         "Wake is scored when more than half of an epoch shows the alpha rhythm over the back of "
         "the head (eyes closed) or, with eyes open, blinks and reading eye movements, usually "
         "with high chin muscle tone. Wake after sleep onset counts towards WASO.", stage="W",
         asked=_rules_asked(r"wake|stage w|w")),
    Term("n1", "N1 sleep", r"n1|stage 1|stage one|light(?:est)? sleep|drowsiness",
         "N1 is the transition from wake to sleep: the alpha rhythm gives way to low-amplitude "
         "4-7 Hz activity, the eyes roll slowly, and vertex sharp waves may appear. It is brief, "
         "usually under a tenth of the night in adults, and a large share of it points to "
         "fragmented sleep.", stage="N1",
         asked=_rules_asked(r"n1|stage (?:1|one)")),
    Term("n2", "N2 sleep", r"n2|stage 2|stage two",
         "N2 is the stage an adult spends about half the night in. It is scored from the first "
         "sleep spindle or K-complex not tied to an arousal, and it lasts until the next change "
         "of stage. Its background is theta activity; muscle tone is lower than in wake.",
         stage="N2",
         asked=_rules_asked(r"n2|stage (?:2|two)")),
    Term("n3", "N3 (deep, slow-wave) sleep",
         r"n3|stage 3|stage three|deep(?:est)? sleep|slow[- ]wave sleep|sws|delta sleep",
         "N3 is scored when slow waves (0.5-2 Hz, over 75 µV peak to peak) fill at least a fifth "
         "of an epoch. It is the hardest stage to wake from, comes mostly in the first third of "
         "the night, and shrinks with age. It is when growth hormone is released and is thought "
         "to restore the brain and to consolidate memories; losing it leaves sleep unrefreshing. "
         "Children have the most and the largest slow waves: slow-wave amplitude follows the "
         "density of synapses in the cortex, which peaks in childhood and is pruned through "
         "adolescence, when N3 falls by about half; it keeps shrinking slowly in adulthood.",
         stage="N3",
         asked=_rules_asked(r"n3|stage (?:3|three)|deep sleep|slow[- ]wave sleep")),
    Term("rem", "REM sleep", r"rem(?: sleep)?|rapid eye movement sleep|dream(?:ing)? sleep"
         r"|paradoxical sleep",
         "REM sleep combines a low-amplitude mixed-frequency EEG, like light sleep, with rapid "
         "eye movements and the lowest chin muscle tone of the night: the body is paralysed "
         "while most vivid dreaming happens. It is also called paradoxical sleep: the brain is "
         "nearly as active as awake while the body lies paralysed. REM periods recur about every "
         "90 minutes and lengthen towards morning; breathing and heart rate become irregular in it. "
         "A newborn spends about half of sleep in REM; the share falls to about a fifth by "
         "adolescence and stays near it through adulthood.",
         stage="REM",
         asked=_rules_asked(r"rem")),
    Term("stages", "Sleep stages", r"(?:the )?(?:(?:five|5|different) )?(?:sleep )?stages(?: of sleep)?",
         "A scorer gives each 30-s epoch one of five stages (AASM): wake (W), three NREM stages "
         "of deepening sleep and REM. N1 is the drowsy transition, where the alpha rhythm fades "
         "and the eyes roll slowly; N2 carries sleep spindles and K-complexes; N3 is filled with "
         "slow waves; REM joins a low-amplitude EEG with rapid eye movements and the night's "
         "lowest chin tone. An adult's night passes through them in four to six NREM-REM cycles, "
         "with most N3 early and most REM late."),
    Term("architecture", "Sleep architecture", r"sleep architecture|architecture",
         "Sleep architecture is the structure of a night: how much of each stage there is, how "
         "they follow each other in NREM-REM cycles, how long it took to fall asleep, and how "
         "often sleep was broken. The hypnogram shows it; a report sums it up as total sleep "
         "time, efficiency, latencies, WASO and each stage's share."),
    Term("cycle", "Sleep cycle", r"sleep cycles?|nrem[- ]rem cycles?|(?:the )?cycles?",
         "A sleep cycle is one pass from light NREM sleep through deeper NREM to a REM period, "
         "about 90 minutes long in adults. A night holds four to six; the early ones carry most "
         "of the deep sleep and the late ones most of the REM."),
    Term("hypnogram", "Hypnogram", r"hypnograms?",
         "A hypnogram is the night's stages drawn over time, one value per 30-second epoch: wake "
         "at the top, then REM and the NREM stages down to N3. It shows the cycles, awakenings "
         "and where deep sleep and REM fall at a glance. A healthy adult's falls asleep within "
         "half an hour, steps down to N3 in the first cycles, climbs to REM about every 90 "
         "minutes with the REM periods lengthening toward morning, and wakes only briefly in "
         "between.",
         asked=r"\b(?:normal|healthy|typical) hypnogram\b"),
    Term("psg", "Polysomnography (PSG)", r"polysomnogra\w*|psg|sleep study",
         "Polysomnography records many signals through a night at once: EEG, eye movements "
         "(EOG) and chin muscle (EMG) to score the stages; airflow, chest and belly effort and "
         "oxygen saturation to score breathing; ECG, leg EMG, body position and snoring. A "
         "scorer reads it in 30-second epochs."),
    Term("eeg", "EEG (electroencephalogram)", r"eeg|electroencephalo\w*",
         "The EEG records the brain's electrical activity from scalp electrodes, each against a "
         "reference (C4-M1: the central scalp against the opposite mastoid). Its rhythms (alpha, "
         "theta, spindles, slow waves) are what the stages are scored on.",
         slots=("EEG_C3", "EEG_C4")),
    Term("eog", "EOG (electro-oculogram)", r"eog|electro-?oculo\w*|eye (?:leads?|channels?|electrodes?)",
         "The EOG records eye movements from electrodes beside the eyes: the eye is a small "
         "battery (cornea positive), so moving it shifts the voltage. Rapid eye movements mark "
         "REM sleep, slow rolling movements mark drowsiness and N1.", slots=("EOG_L", "EOG_R")),
    Term("chin_emg", "Chin EMG", r"chin (?:emg|muscle|electrodes?|leads?)|submental emg|(?:the )?emg",
         "The chin EMG records the tone of the muscles under the chin. Tone falls from wake "
         "through NREM to its lowest in REM, where the body is paralysed; that drop helps score "
         "REM, and tone that stays high in REM (REM without atonia) is a sign of REM sleep "
         "behaviour disorder.", slots=("EMG_CHIN",)),
    Term("leg_emg", "Leg EMG", r"leg (?:emg|electrodes?|leads?|channels?)|tibialis\w*|anterior tibialis",
         "Leg EMG electrodes over the shin muscles (tibialis anterior) record leg movements; "
         "series of them at regular intervals are periodic limb movements of sleep.",
         slots=("EMG_LEG",)),
    Term("ecg", "ECG (electrocardiogram)", r"ecg|ekg|electrocardio\w*",
         "The ECG records the heart's electrical activity; in a sleep study one lead is enough to "
         "time the beats, for heart rate, its variability, pauses and irregular rhythms.",
         slots=("ECG",)),
    Term("airflow", "Airflow sensor", r"airflow (?:sensor|channel|signal)|thermistor|nasal pressure"
         r"|(?:nasal )?cannula|oronasal \w+",
         "Airflow is measured at the nose and mouth: a thermistor senses the warm breath (apneas "
         "are scored on it), a nasal pressure cannula the pressure swings (hypopneas are scored "
         "on it).", slots=("AF",)),
    Term("belts", "Effort belts", r"(?:effort|respiratory|rip|chest|abdominal|thoracic) belts?"
         r"|respiratory inductance\w*|effort (?:channels?|sensors?)",
         "Belts around the chest and the belly record the breathing effort. They tell the kinds "
         "of apnea apart: in an obstructive apnea they keep moving against the closed airway, "
         "often out of phase; in a central apnea they stop too.", slots=("THX", "ABD")),
    Term("oximetry", "Pulse oximetry", r"(?:pulse )?oxim\w*|spo2 (?:sensor|probe|channel)"
         r"|finger (?:probe|sensor)",
         "A pulse oximeter on the finger shines red and infrared light through the tissue to "
         "read the blood's oxygen saturation (SpO2) and the pulse. Falls of 3 % or more are "
         "desaturations; they trail the breathing event that caused them by 20-40 s.",
         slots=("SPO2",)),
    Term("atonia", "REM atonia",
         r"(?:rem |muscle )?atonia|(?:the )?chin (?:go(?:es)?|is|becomes?|gets?|falls?) (?:so )?(?:quiet"
         r"|silent|flat|still|slack)(?: (?:in|during) rem(?: sleep)?)?|(?:the )?(?:body|muscles?)"
         r" (?:is |are |goes |go )?(?:paraly[sz]ed|limp|relaxed)(?: (?:in|during) rem(?: sleep)?)?",
         "In REM sleep the brainstem actively inhibits the motor neurons of the limbs and trunk, "
         "so the chin EMG falls to its lowest level of the night: REM atonia. It keeps the body "
         "from acting out the dreams of REM; brief twitches still break through. Chin tone that "
         "stays up, or frequent twitches, in REM (REM sleep without atonia) is what a scorer "
         "looks for in REM sleep behaviour disorder; ask *was there REM without atonia?* to read "
         "it in this night.", slots=("EMG_CHIN",),
         # "why is the chin quiet?", "why is muscle tone so low in REM?"
         asked=r"\bwhy (?:is|are|does|do|did|was|were) (?:the |her |his |their )?(?:chin(?: emg| tone)?|muscle tone"
               r"|muscles?|emg|body)\b.{0,20}\b(?:quiet|silent|flat|low|lowest|still|slack|limp|paraly[sz]ed"
               r"|relaxed|drop|fall|go (?:quiet|flat|down))\b(?!.{0,30}\b(?:n[123]|wake|nrem|non[- ]?rem)\b)"),
    Term("spectrogram", "Spectrogram",
         r"(?:eeg )?spectrograms?",
         "The spectrogram shows the EEG's power at each frequency (up the side, 0.5-30 Hz) over "
         "the night (along the bottom), brighter for more power. Deep sleep shows as bright "
         "bands below 2 Hz, spindles as a band near 12-14 Hz in N2, wake as power near 10 Hz "
         "(alpha) and above; its columns line up with the hypnogram above it, so a change of "
         "stage is a change of colour.", slots=("EEG_C3", "EEG_C4")),
    Term("plots", "The night overview",
         r"(?:those |these |the )?(?:green|blue|black|orange|dotted|grey|gray|colou?red) (?:lines?"
         r"|dots?|boxes|bars?|regions?|bands?|shading|areas?|marks?|tracks?)|(?:the )?legend"
         r"|(?:the )?colou?rs(?: on the plots?)?|(?:the )?night overview",
         "The overview stacks three panels on one time axis. The hypnogram: the black line is "
         "the human scoring (when the file has one), the green line the machine staging (YASA), "
         "the blue dotted line the model's zero-shot stages. The spectrogram below it shows the "
         "EEG's power by frequency. The event tracks mark each scored event by type; "
         "machine-scored events carry '(machine)' in their name. Blue regions are what an answer "
         "found in the scoring, orange ones the model's matches; click anywhere to open that "
         "epoch in the viewer."),
    Term("slow_why", "Why the EEG of deep sleep is slow",
         r"(?:cortical )?(?:up|down)[- ]states?|slow oscillations? of the cortex",
         "In deep NREM sleep the arousing input from the brainstem falls away, and cortical "
         "neurons fall into a rhythm of firing together (up-states) and falling silent together "
         "(down-states) about once a second. The scalp EEG sums millions of them, so it shows "
         "that rhythm as large 0.5-2 Hz slow waves (Steriade et al. 1993, Science 262:679). The "
         "deeper the sleep, the more neurons join in step, and the larger and slower the waves "
         "grow; awake or in REM they fire out of step, and the EEG is small and fast.",
         stage="N3",
         asked=r"\bwhy\b.{0,20}\b(?:slow waves?|deep sleep|n3|slow[- ]wave sleep|delta (?:waves?|activity)|the eeg"
               r" (?:of|in) (?:n3|deep sleep))\b.{0,20}\b(?:so )?(?:slow|large|big)\b"),
    Term("sws_early", "Why deep sleep comes early in the night",
         r"sleep (?:pressure|homeostasis)|process s|homeostatic (?:sleep )?(?:drive|pressure)",
         "Sleep pressure builds up over the hours awake and is discharged by slow-wave sleep: "
         "the longer the wake before, the more slow-wave activity the first NREM periods carry, "
         "and it then decays over the night, roughly exponentially. This is Process S of "
         "Borbély's two-process model (Borbély 1982, Hum Neurobiol 1:195; Achermann & Borbély). "
         "So N3 gathers in the first cycles, and a nap or a long awakening before sleep takes "
         "some of it away.",
         asked=r"\bwhy\b.{0,40}\b(?:more|most)\s+(?:deep|slow[- ]wave|n3|delta)(?:\s+sleep)?\b.{0,30}"
               r"\b(?:early|first|beginning|start)\b|\bwhy\b.{0,30}\b(?:deep|slow[- ]wave|n3)(?:\s+sleep)?"
               r"\s+(?:comes?|happens?|occurs?|is)\s+(?:mostly\s+)?(?:early|first|in the first)"
               # "why is N3 mostly early in the night?"
               r"|\bwhy (?:is|does|do|are) (?:the )?(?:deep|slow[- ]wave|n3|delta)(?:\s+sleep)?\s+(?:mostly |usually "
               r"|always |all )?(?:early|in the first|at the (?:start|beginning)|concentrated early)"
               # "why does deep sleep shrink across the night?"
               r"|\bwhy\b.{0,30}\b(?:deep|slow[- ]wave|n3|delta)(?:\s+sleep)?\b.{0,20}\b(?:shrinks?|shrinking"
               r"|decreas\w*|declin\w*|falls?|falling|drops?|dropping|fades?|fading|diminish\w*|less(?:ens)?|goes"
               r" down|gets? (?:less|shorter))\b|\bwhy\b.{0,40}\b(?:less|fewer|little)\s+(?:deep|slow[- ]wave|n3"
               r"|delta)(?:\s+sleep)?\b.{0,30}\b(?:late|later|end|morning|second half|last)"),
    Term("rem_late", "Why REM comes late in the night",
         r"rem (?:timing|propensity)",
         "REM sleep follows the body clock more than sleep pressure: its propensity peaks near "
         "the minimum of core body temperature, in the early morning. As slow-wave pressure is "
         "discharged over the night, the REM periods lengthen, so most REM falls in the last "
         "third of the night and a night cut short loses REM first (Dijk & Czeisler 1995, "
         "J Neurosci 15:3526). The first REM period comes only after a full NREM cycle, 60-110 "
         "minutes after sleep onset in healthy adults, and is short; REM within 15 minutes of "
         "sleep onset (a sleep-onset REM period) is unusual outside sleep deprivation, shifted "
         "sleep times and narcolepsy.",
         asked=r"\bwhy\b.{0,40}\b(?:more|most|longer)\s+(?:rem|dream\w*)(?:\s+sleep|\s+periods?)?\b.{0,30}"
               r"\b(?:late|later|morning|end|towards? (?:the )?(?:end|morning))\b|\bwhy\b.{0,30}\b(?:rem|dream"
               r"\w*)(?:\s+sleep)?\s+(?:comes?|happens?|occurs?|is)\s+(?:mostly\s+)?(?:late|later|in the"
               r" (?:morning|last))"
               # "why does REM get longer toward morning?"
               r"|\bwhy\b.{0,20}\b(?:rem|dream\w*)(?:\s+sleep|\s+periods?)?\s+(?:gets?|grows?|becomes?|is|are"
               r"|lengthens?)\s+(?:longer|more|lengthen\w*)?\b.{0,30}\b(?:late|later|morning|end|night goes on|night"
               r" went on)\b"
               # "why is there no REM in the first hour?", "why doesn't REM come right away?"
               r"|\bwhy\b.{0,30}\b(?:no|little|not any|isn't any|is not any|don't \w+ any|doesn't \w+ any)"
               r"\s+(?:rem|dream\w*)(?:\s+sleep)?\b.{0,20}\b(?:first|early|beginning|start|right away"
               r"|straight away|at once|immediately)\b|\bwhy\b.{0,30}\b(?:doesn't|does not|don't|do not"
               r"|didn't|did not|can't|cannot)\b.{0,20}\b(?:start|begin|go|enter|fall|drop)\w*\s+(?:in|into"
               r"|with|straight into|directly into)?\s*(?:rem|dream\w*)"),
    Term("early_rem", "What brings REM early",
         r"(?:early|short(?:ened)?) rem(?: latency)?|sleep[- ]onset rem(?: periods?)?|soremps?",
         "A REM latency well under the usual 60-110 minutes has a handful of common causes. REM "
         "pressure builds up when REM is lost, so sleep deprivation or restriction, and stopping a "
         "drug that suppresses REM (most antidepressants, alcohol), bring it early and long (REM "
         "rebound). Sleeping at a time of day when the body clock favours REM, the early morning, "
         "as after night shifts or with a delayed sleep phase, does the same. A short REM latency "
         "is a classic finding in major depression, and fragmented sleep, as in obstructive sleep "
         "apnea, can shorten it. REM within 15 minutes of sleep onset (a sleep-onset REM period) "
         "in a nocturnal study counts towards the diagnosis of narcolepsy, which a clinician "
         "confirms with a multiple sleep latency test. One night's latency points at these; it "
         "does not tell them apart.",
         asked=r"\b(?:what|which)\b.{0,20}\b(?:causes?|could cause|can cause|might cause|would cause|leads? to"
               r"|explains?|brings?|makes?)\b.{0,20}\b(?:(?:an? )?(?:early|short(?:ened)?|quick) (?:first )?rem"
               r"|sleep[- ]onset rem|soremps?)\b|\bwhy (?:is|was|would|could|might|does|did)\b.{0,20}\brem"
               r"(?: sleep| latency)? (?:be |come |start |begin )?(?:so )?(?:early|short|quick(?:ly)?|soon)\b"
               r"|\bcauses? of (?:an? )?(?:early|short(?:ened)?) rem\b"),
    Term("rem_eyes", "Why the eyes move in REM sleep",
         r"rapid eye movements? generation",
         "The rapid eye movements that give REM its name are bursts of quick movements of both "
         "eyes together, generated, like the rest of REM sleep, by networks in the brainstem "
         "while the muscles of the body are held slack. They come in clusters (phasic REM) "
         "between quieter stretches (tonic REM). Whether they follow the gaze of a dream is "
         "still debated: in people whose REM atonia is lost, the eyes have been seen to move "
         "with the acted-out dream (Leclair-Visonneau et al. 2010, Brain 133:1737), while "
         "others read them as a by-product of brainstem activity. The EOG records each one as "
         "opposite deflections in the two eye leads.",
         asked=r"\bwhy\b.{0,30}\b(?:eyes?|eyeballs?|eye movements?)\b.{0,20}\b(?:mov\w*|dart\w*|twitch\w*"
               r"|jerk\w*|flick\w*)\b|\bwhy\b.{0,30}\b(?:are there|do we have|do people have)\s+(?:rapid )?eye"
               r" movements\b"),
    Term("rem_why", "What REM sleep is for", r"(?:the )?(?:function|purpose|point) of rem(?: sleep)?",
         "Why we have REM sleep is not settled. The leading ideas tie it to the processing of "
         "memories, emotional ones above all, and to brain development: newborns spend about "
         "half their sleep in REM, adults about a fifth. The brain regulates it: after a night "
         "short of REM, the next one makes up part of it (REM rebound). Its paralysis keeps the "
         "body from acting out dreams, which is what fails in REM sleep behaviour disorder.",
         stage="REM",
         asked=r"^\W*(?:so\s+|and\s+)?why (?:do|does) (?:we|people|humans|you|the brain|the body|anyone) "
               r"(?:have|need|get|go into) rem(?: sleep)?\W*$|\bwhat(?:'s| is) rem(?: sleep)? (?:for|good"
               r" for)\b"),
    Term("desat_lag", "Why the oxygen falls after the breathing event",
         r"(?:circulation|lung[- ]to[- ]finger|nadir) (?:time|delay|lag)",
         "The oximeter reads the blood at the finger or the ear, not in the lungs. Blood that "
         "took up less oxygen during an apnea reaches the probe only after the circulation "
         "time from the lungs, often 20 to 40 seconds at the finger in adults and longer with a "
         "weak heart, and the oximeter averages its reading over a few seconds on top. So the "
         "SpO2 keeps falling after breathing has resumed, and its lowest point comes after the "
         "event ends; scoring ties a desaturation to the event it follows (this app: starting "
         "within 30 s of its end).",
         # "why does oxygen drop after an apnea?" names the event: its explanation measures
         # the SpO2 around those events instead
         asked=r"\bwhy\b.{0,40}\b(?:oxygen|spo2|o2|saturation|sats?|desat\w*)\b.{0,40}\b(?:lags?|lagging"
               r"|later|delay\w*|behind|not during|only once|after (?:the )?breathing(?: stops| resumes)?"
               r"|(?:rather than|instead of|and not|but not) during)\b"),
    Term("eeg_bands", "The EEG's frequency bands",
         r"(?:eeg |brain[- ]wave )?(?:frequency )?bands?(?: of the eeg)?|brain ?waves?|eeg (?:rhythms|frequencies)",
         "The EEG is described by the speed of its waves, in bands named with Greek letters. "
         "Delta (0.5-4 Hz) dominates deep sleep; the slow waves that define N3 are its slowest "
         "and largest part (0.5-2 Hz, over 75 µV peak to peak). Theta (4-8 Hz) is the "
         "low-amplitude mixed activity of N1 and REM. Alpha (8-12 Hz) is the rhythm of relaxed "
         "wake with the eyes closed, strongest over the back of the head; it fades at sleep "
         "onset and returns briefly in arousals. Sigma (12-16 Hz here; spindles run at 11-16 Hz) "
         "carries the sleep spindles of N2. Beta (16-30 Hz) is the fast activity of alert wake, "
         "raised by some medicines such as benzodiazepines. Each band's share of an epoch's "
         "0.5-30 Hz power is what this app measures and compares.",
         asked=r"^\W*(?:(?:so\s+|and\s+)?what(?:'s| is| are| does)|define|explain)\s+(?:an?\s+)?(?:eeg\s+)?"
               # alpha has its own entry (the alpha rhythm, with an example epoch)
               r"(?:theta|sigma|beta|delta)(?:\s+(?:waves?|activity|band|power|frequency))?"
               r"(?:\s+(?:in|on)\s+(?:the|an)\s+eeg)?(?:\s+mean)?\W*$"),
    Term("apnea_stage", "Why breathing events depend on the sleep stage",
         r"positional and stage[- ]dependent apn(?:o)?ea|stage[- ]dependent (?:sleep )?apn(?:o)?ea",
         "Breathing in sleep depends on the stage. In REM the muscle atonia reaches the muscles "
         "that hold the upper airway open, and the drive to breathe answers carbon dioxide and low "
         "oxygen less, so obstructive events tend to be more frequent, longer and deeper in REM. "
         "In slow-wave sleep (N3) the upper-airway muscles are more active, breathing is at its "
         "most regular and the arousal threshold is high, so many people with obstructive sleep "
         "apnea have their fewest events in N3 (Ratnavadivel et al. 2009, J Clin Sleep Med 5:519; "
         "Eckert & Younes 2014, J Appl Physiol 116:302). Central apneas behave the other way "
         "round: they gather in light NREM sleep, where breathing follows carbon dioxide most "
         "closely, and are rare in REM.",
         asked=r"\bwhy\b.{0,40}\b(?:fewer|less|more|most|worse|better|lower|higher)\b.{0,30}\b(?:events?"
               r"|apn\w*|hypopn\w*|breathing)\b.{0,40}\b(?:deep|slow[- ]wave|n[123]|rem|nrem|light|sws)\b"
               r"|\bwhy\b.{0,30}\b(?:apn\w*|hypopn\w*|breathing events?|events|breathing|osa)\b.{0,30}"
               r"\b(?:worse|better|more frequent|less frequent|longer|shorter|deeper|rarer)\b.{0,20}\b(?:in|during)"
               r" (?:deep|slow[- ]wave|n[123]|rem|nrem|light|sws)\b"
               # "why is the AHI higher in REM?"
               r"|\bwhy\b.{0,30}\b(?:o?ahi|rdi|odi|index)\b.{0,20}\b(?:higher|lower|worse|better|greater)\b.{0,20}"
               r"\b(?:in|during) (?:deep|slow[- ]wave|n[123]|rem|nrem|light|sws)\b"),
    Term("heart_sleep", "Why the heart slows in sleep, and speeds up in REM",
         r"(?:nocturnal )?(?:heart rate )?dipping|autonomic (?:changes|activity|balance) (?:in|during) sleep",
         "Through NREM sleep the vagal (parasympathetic) drive to the heart rises and the "
         "sympathetic drive falls, while the body's demand for oxygen drops; so the heart rate "
         "and the blood pressure fall, furthest in N3, and the rate swings more with each breath "
         "(respiratory sinus arrhythmia). In REM the balance swings back: bursts of sympathetic "
         "activity, often with the eye movements, raise the rate and make it irregular, at times "
         "to waking levels (Somers et al. 1993, N Engl J Med 328:303; Trinder et al. 2001, J Sleep "
         "Res 10:253). The heart rate also drifts down over the night with the body clock.",
         # about sleep or a stage, not around events ("why does the heart rate rise after apneas?")
         asked=r"\bwhy\b.{0,40}\b(?:heart(?:[- ]?rate|beat)?s?|pulse|hr|bpm)\b.{0,40}\b(?:slows?|slower|slowing"
               r"|lower|drops?|falls?|decreas\w*|goes down|faster|higher|rises?|increas\w*|speeds? up"
               r"|irregular|variable|jumps?|spikes?)\b.{0,20}\b(?:in|during|when|while|through|at) (?:\w+ )?"
               r"(?:sleep\w*|asleep|n[123]|rem|nrem|sws|night)\b"
               r"|\bwhy\b.{0,40}\b(?:slower|lower|faster|higher|irregular)\s+(?:heart(?:[- ]?rate|beat)?|pulse)\b"
               r".{0,20}\b(?:in|during|when|while) (?:\w+ )?(?:sleep\w*|asleep|n[123]|rem|nrem|sws)\b"),
    Term("rem_breathing", "Why breathing is irregular in REM",
         r"(?:irregular|erratic) breathing (?:in|of) rem|rem breathing",
         "In NREM sleep breathing is run by the automatic controller alone and follows carbon "
         "dioxide closely, so it settles into an even, slightly slower and shallower rhythm. In "
         "REM that control loosens: breathing follows the bursts of REM activity (it speeds up, "
         "grows shallow and pauses briefly with the eye movements), the muscles of breathing "
         "other than the diaphragm lose their tone with the rest of the body, and the drive to "
         "breathe answers carbon dioxide and low oxygen less (Douglas et al. 1982, Thorax 37:840). "
         "So the rate and depth vary from breath to breath, most in phasic REM, without anything "
         "being wrong.",
         asked=r"\bwhy\b.{0,40}\b(?:breath\w*|respirat\w*)\b.{0,40}\b(?:irregular\w*|erratic|variable|uneven"
               r"|faster|shallow\w*|chang\w*)\b.{0,20}\b(?:in|during) rem\b"
               r"|\bwhy\b.{0,40}\b(?:irregular|erratic|uneven|variable)\s+(?:breath\w*|respirat\w*)\b"
               r".{0,20}\b(?:in|during) rem\b"),
    Term("child_sleep", "How a child's sleep differs from an adult's",
         r"(?:children'?s|kids'?|a child'?s|pa?ediatric) sleep",
         "Children sleep longer and deeper. The AASM recommends 9-12 h a day from 6 to 12 years and "
         "8-10 h for teenagers, against 7 h or more for adults. Slow-wave sleep (N3) takes a larger "
         "share of the night and its slow waves are larger; both shrink through adolescence as the "
         "cortex matures, and keep falling with age (Ohayon et al. 2004, Sleep 27:1255). Sleep "
         "efficiency is high and awakenings few, and children are harder to wake from N3. Their "
         "NREM-REM cycles are shorter: about 50-60 minutes in infancy, lengthening through "
         "childhood to the adult 90 minutes or so by adolescence. Their "
         "breathing is judged by stricter rules: an obstructive AHI of 1/h or more is abnormal, "
         "where an adult's index is normal under 5/h.",
         asked=r"\b(?:child(?:ren)?'?s?|kids?'?|pa?ediatric)\b.{0,30}\bsleep\b.{0,30}\b(?:differ\w*|compare\w*|vs\.?"
               r"|versus|unlike)\b.{0,20}\badults?\b|\bhow (?:do|does) (?:children|kids|a child) sleep differently\b"
               # "how long are cycles in children?"
               r"|\b(?:sleep )?cycles?\b.{0,30}\b(?:in|for|of) (?:children|kids|a child|infants|babies|teens|teenagers)\b"),
    Term("spindle_n2", "Why spindles mark N2 sleep",
         r"spindle (?:generation|generator|origin)s?",
         "Sleep spindles are bursts of 11-16 Hz waves that the thalamus makes as the brain settles "
         "into NREM sleep: cells of its reticular nucleus fire in rhythmic bursts that pace the "
         "thalamocortical circuits, and the cortex shows the rhythm for half a second to two "
         "seconds (Steriade et al. 1993, Science 262:679). They appear as light sleep deepens, "
         "which is why the AASM uses them, with K-complexes, to score N2. In N3 the same cells are "
         "pulled further down and slow, delta and slow oscillations take over, so spindles thin "
         "out and ride the slow waves' up-states; in REM and in wake the brainstem's arousal "
         "systems keep the thalamus depolarised and spindles are absent.",
         asked=r"\bwhy\b.{0,40}\bspindles?\b.{0,40}\b(?:n2|stage (?:2|two)|light sleep|nrem)\b"
               r"|\bwhy\b.{0,30}\b(?:no|fewer|less|few)\s+spindles?\b.{0,30}\b(?:rem|wake|n3|deep)\b"),
    Term("snore_apnea", "Why snoring stops during an apnea",
         r"snor\w* (?:and|vs\.?|versus) apn\w*",
         "Snoring is the vibration of the soft palate and the walls of a narrowed upper airway as "
         "air is pulled through it. When the airway closes completely, in an obstructive apnea, "
         "no air moves and the sound stops; it comes back, often as a loud snort, with the large "
         "recovery breaths when the event ends. So heavy snoring broken by silences is a classic "
         "sign of obstructive apnea, and on a snore channel the events show as gaps between "
         "bursts of sound; in a central apnea the sound stops too, because no breath is drawn.",
         asked=r"\bwhy\b.{0,30}\bsnor\w*\b.{0,30}\b(?:stops?|stopped|goes quiet|silent|pauses?|disappears?)\b"
               r".{0,30}\b(?:apn\w*|events?|pauses?)\b|\bwhy\b.{0,30}\b(?:no|silence|quiet)\b.{0,20}\bsnor\w*\b"
               r".{0,30}\b(?:during|in)\b.{0,10}\bapn\w*"),
    Term("hsat", "Home sleep apnea test (HSAT)",
         r"home sleep (?:apnea )?tests?|hsats?|out[- ]of[- ]cent(?:er|re) (?:sleep )?tests?|type (?:iii|3) (?:studies|study"
         r"|monitors?)",
         "A home sleep apnea test records breathing (airflow, effort belts), oximetry and usually "
         "pulse, position and snoring, but no EEG, EOG or chin EMG. Without them sleep cannot be "
         "staged and arousals cannot be seen. So its index is the REI, events per hour of "
         "recording, which counts time awake too and so reads lower than the AHI of a full PSG; "
         "hypopneas can be scored only by their desaturation (3 % or 4 %), never by an arousal, "
         "which misses some; and leg movements, REM sleep behaviour and other sleep disorders go "
         "unseen. A negative or inconclusive home test in a patient still suspected of sleep "
         "apnea calls for an in-lab PSG (Kapur et al. 2017, J Clin Sleep Med 13:479).",
         slots=("AF", "THX", "ABD", "SPO2"),
         asked=r"\b(?:what|how) (?:would|will|could) (?:\w+ ){0,4}(?:change|differ\w*|be different|be missing"
               r"|be added|gain\w*)\b.{0,40}\b(?:full|in-?lab|attended|real|proper) (?:psg|polysomnogra\w+|sleep study)"
               r"|\bhow (?:is|are|do you|can you|does one) (?:an? )?hypopneas? (?:be )?scored?\b.{0,20}\bwithout (?:an? )?eeg\b"
               r"|\b(?:hsat|home (?:sleep )?(?:apnea )?test) (?:vs\.?|versus|compared (?:to|with)|against)"
               r" (?:an? )?(?:full )?(?:psg|polysomnogra\w+)\b|\b(?:psg|polysomnogra\w+) (?:vs\.?|versus|compared"
               r" (?:to|with)|against) (?:an? )?(?:hsat|home (?:sleep )?(?:apnea )?test)\b"),
    Term("rem_osa", "REM-related obstructive sleep apnea",
         r"rem[- ](?:related|predominant|dependent|associated) (?:obstructive )?(?:sleep )?(?:apn(?:o)?ea|osa)",
         "REM-related obstructive sleep apnea is OSA whose events gather in REM sleep. Its usual "
         "definition is a REM AHI at least twice the NREM AHI; stricter ones also ask for an NREM "
         "AHI under 15 per hour and at least 30 minutes of REM (Mokhlesi & Punjabi 2012, Curr Opin "
         "Pulm Med 18:578). The REM atonia that reaches the airway muscles is the reason, and since "
         "most REM comes late in the night, a short or REM-poor recording can miss it."),
    Term("arousal_threshold", "The respiratory arousal threshold",
         r"(?:respiratory )?arousal thresholds?",
         "The respiratory arousal threshold is how hard the sleeper must struggle to breathe "
         "before arousing. A low threshold wakes the sleeper at small efforts, ending events early "
         "and fragmenting sleep; it is one of the traits behind obstructive sleep apnea besides a "
         "collapsible airway, in about a third of patients (Eckert et al. 2013, Am J Respir Crit Care "
         "Med 188:996). A high threshold, as in N3, lets events run longer and desaturate more. A "
         "sleep study does not measure it directly (that needs an oesophageal pressure catheter); "
         "Edwards's score estimates it from the AHI, the lowest SpO2 and the share of hypopneas "
         "(Edwards et al. 2014, Am J Respir Crit Care Med 190:1293).",
         asked=r"\b(?:low|high|lower|higher)\s+(?:respiratory\s+)?arousal thresholds?\b"),
    Term("apnea_arousal", "Why breathing events end in arousals",
         r"post[- ]apn(?:o)?eic arousals?",
         "During an apnea or hypopnea the breathing effort grows, carbon dioxide rises and oxygen "
         "falls, until the brain arouses. The arousal restores the tone of the muscles that hold "
         "the airway open, and breathing resumes with a few large breaths, a burst of faster EEG "
         "and a rise in heart rate. Not every event needs one: some end when the rising drive "
         "alone reopens the airway, which is why scorers tie arousals to events rather than "
         "assume them.",
         asked=r"\bwhy\b.{0,40}\b(?:apn\w*|hypopn\w*|events?|breathing)\b.{0,30}\b(?:end|finish|stop|terminat)"
               r"\w*\b.{0,20}\b(?:with|in|by)\b.{0,10}\barousals?\b|\bwhy\b.{0,30}\barousals?\b.{0,30}\b"
               r"(?:after|at the end of|follow\w*|end\w*)\b.{0,15}\b(?:apn\w*|hypopn\w*|events?)\b"),
    Term("epoch", "Epoch", r"(?:an? |the )?(?:30[- ]s(?:ec(?:ond)?)? )?epochs?",
         "An epoch is the 30-second window a sleep study is scored in: each one gets one stage, "
         "and the hypnogram is their sequence, while events such as apneas and spindles are timed "
         "to the second inside them. The length comes from paper recordings, where one page at "
         "10 mm/s held 30 seconds (Rechtschaffen & Kales 1968), and the AASM manual kept it. The "
         "model here reads one 30-s epoch at a time, and the epoch viewer opens on one.",
         asked=r"^\W*why (?:are|is) (?:an? |the )?(?:sleep )?(?:epochs?|scoring)(?: windows?)? 30 "
               r"s(?:ec(?:ond)?s?)?\b|^\W*why 30 s(?:ec(?:ond)?s?)?\W*$"
               # "why do we score in 30 s epochs?", "why is sleep scored in 30-second epochs?"
               r"|^\W*why (?:do (?:we|you|they|scorers)|is (?:sleep|a sleep study|a psg)) (?:score[ds]?|staged?)"
               r"(?: sleep)? in 30[- ]?s(?:ec(?:ond)?s?)?\b"),
    Term("aasm", "The AASM", r"(?:the )?aasm|american academy of sleep medicine"
         r"|(?:the )?aasm (?:scoring )?(?:manual|rules?)",
         "The American Academy of Sleep Medicine (AASM) publishes the scoring manual sleep "
         "laboratories follow. Its rules (version 2.6 here) define the stages, arousals, apneas, "
         "hypopneas (a 30 % fall in airflow with a 3 % desaturation or an arousal, or the 4 % "
         "rule some payers ask for), desaturations and leg movements that this app scores and "
         "counts. The AHI's adult bands (under 5 normal, 5 to under 15 mild, 15 to under 30 "
         "moderate, 30 or more severe per hour) come from its 1999 task force."),
    Term("sleeplm", "SleepLM, the model in this app", r"sleeplm|sleep ?lm|(?:sleep[- ]language )?model|(?:this|your|the app'?s) model",
         "SleepLM is the sleep-language model inside this app, built in the style of the "
         "published SleepLM: it maps each 30-s epoch of the signals and each sentence into one "
         "space, so that words can find moments. It finds the moments a phrase describes (the "
         "orange regions and the match track), puts an epoch into words, stages a night when "
         "nothing better can (zero-shot) and searches the library for similar epochs. It was "
         "trained on synthetic nights only, and its reading of real recordings is rough (its "
         "model card gives the figures), so when a file has EEG the stages and events come from "
         "the field's validated tools (YASA and the AASM rules), and every answer names its "
         "source."),
    Term("hypoventilation", "Sleep hypoventilation",
         r"(?:sleep[- ]related |nocturnal |sleep )?hypoventilation|hypercapnia|(?:high|raised|elevated) (?:co2|carbon dioxide)",
         "Sleep hypoventilation is breathing too shallow to clear carbon dioxide. The AASM scores it "
         "from CO2 itself, arterial, end-tidal or transcutaneous: a rise to over 55 mmHg for 10 "
         "minutes or more, or a rise of 10 mmHg or more from the awake value to over 50 mmHg for "
         "10 minutes or more. Oximetry cannot show it, though a long, flat stretch of low SpO2 "
         "without the dips of apneas is the usual hint to measure CO2.",
         asked=r"\b(?:any|was there|were there|is there|did (?:she|he|they) have)\b.{0,30}\bhypoventilat\w*"
               r"|\bhypoventilat\w*\b.{0,30}\b(?:present|here|on this|in this)\b"),
    Term("arousal_awakening", "Arousal or awakening",
         r"arousals? (?:and|or|vs\.?|versus) awakenings?|awakenings? (?:and|or|vs\.?|versus) arousals?",
         "Both are a shift of the EEG to alpha or faster activity out of sleep; what tells them apart is how "
         "long it lasts. An arousal lasts 3 seconds to under 15 seconds (AASM), after at least 10 seconds of "
         "sleep, and the epoch keeps its sleep stage. An awakening lasts long enough to take over most of a "
         "30-second epoch, which is then scored W. Arousals fragment sleep without the sleeper remembering "
         "them; awakenings add to the wake after sleep onset (WASO). Ask *how many of each?* for this "
         "night's.",
         asked=r"\b(?:differen\w*|differ|distinguish\w*|tell apart|vs\.?|versus|compared?)\b.{0,40}"
               r"\b(?:arousals?\b.{0,25}\bawakenings?|awakenings?\b.{0,25}\barousals?)\b"),
    Term("rls", "Restless legs syndrome",
         r"restless legs?(?: syndrome)?|rls|willis[- ]ekbom(?: disease)?",
         "Restless legs syndrome is diagnosed from what the person reports while awake: an urge to "
         "move the legs, worse at rest and in the evening and relieved by moving. A sleep study "
         "cannot show it; it shows periodic limb movements in sleep, which most people with the "
         "syndrome have but which are common without it too. Ask *PLM index?* for this night's."),
    Term("ahi", "Apnea-hypopnea index (AHI)", r"(?!)",
         "The AHI counts apneas (airflow down by 90 % or more for 10 s or longer) and hypopneas "
         "(airflow down by 30 % or more for 10 s or longer, with a 3 % desaturation or an arousal, "
         "AASM 2.6) per hour of sleep. It is the main number of a sleep apnea study: in adults under "
         "5 per hour is normal, 5 to under 15 mild, 15 to under 30 moderate and 30 or more severe. A "
         "home test without EEG cannot tell sleep from wake, so it divides by the time recorded "
         "instead and calls the result the REI.",
         asked=_defined(r"ahi|apnea[- ]hypopnea index")),
    Term("rei", "Respiratory event index (REI)", r"(?!)",
         "The REI counts the same apneas and hypopneas as the AHI, per hour of recording rather than "
         "per hour of sleep. A home sleep test without EEG cannot tell sleep from wake, so it reports "
         "the REI; since wake counts in the hours, the REI runs lower than the AHI of the same night.",
         asked=_defined(r"rei|respiratory event index")),
    Term("odi", "Oxygen desaturation index (ODI)", r"(?!)",
         "The ODI counts falls of the blood oxygen saturation (SpO2) of 3 % or more (4 % in some "
         "labs) from the level just before, per hour of sleep. It needs only a pulse oximeter, so it "
         "is a quick screen; it follows the AHI but misses breathing events that end in an arousal "
         "without a desaturation.",
         asked=_defined(r"odi|oxygen desaturation index|desaturation index")),
    Term("t90", "T90", r"(?!)",
         "T90 is the time with SpO2 under 90 %, in minutes or as a share of sleep. Counting "
         "desaturations misses oxygen that stays low for long stretches; T90 shows how much of the "
         "night the blood oxygen spent low.",
         asked=_defined(r"t90|t ?< ?90|time with spo2 below 90 ?%")),
    Term("se", "Sleep efficiency", r"(?!)",
         "Sleep efficiency is the total sleep time as a share of the time in bed (lights off to "
         "lights on). Healthy adults usually sleep 85 % or more of it; it falls with age and with "
         "trouble falling or staying asleep.",
         asked=_defined(r"(?:sleep )?efficiency")),
    Term("waso", "Wake after sleep onset (WASO)", r"(?!)",
         "WASO is the time awake between falling asleep and the final awakening, in minutes. It "
         "measures how broken the night is: in healthy young adults usually under 30 minutes, "
         "growing with age.",
         asked=_defined(r"waso|wake after sleep onset")),
    Term("sol", "Sleep onset latency", r"(?!)",
         "Sleep onset latency is the time from lights off to the first epoch of any sleep stage. "
         "Adults usually fall asleep within 30 minutes in the laboratory; a longer latency points to "
         "trouble falling asleep, a very short one to a sleep debt.",
         asked=_defined(r"(?:sleep )?(?:onset )?latency|sol")),
    Term("arousal_index", "Arousal index", r"(?!)",
         "The arousal index is the number of arousals per hour of sleep. An arousal is an abrupt "
         "shift of the EEG to faster frequencies lasting 3 s or more after at least 10 s of sleep "
         "(AASM). Healthy adults have about 10 to 25 per hour, more with age; breathing events and "
         "leg movements raise it.",
         asked=_defined(r"arousal index|arousal rate|ai")),
    Term("rem_density", "REM density", r"(?!)",
         "REM density is how many rapid eye movements occur in REM sleep, counted here per minute "
         "of REM. It rises through the night, is higher in depression and lower after some "
         "antidepressants.",
         asked=_defined(r"rem density|rapid eye movements per minute in rem")),
    Term("vertex", "Vertex sharp waves", r"vertex (?:sharp )?waves?|v[- ]waves?",
         "Vertex sharp waves are sharp waves under half a second, largest over the top of the "
         "head (the vertex), that appear in N1 as the sleeper drifts off. They look like small "
         "K-complexes without the slow positive part."),
)
"""The glossary, stages first (the patterns are tried in order)."""

# "what is N2 sleep?", "why is deep sleep important?", "what does the EOG record?"
_ASK_RE = re.compile(
    r"^\s*(?:(?:can|could) you\s+|please\s+)*(?:(?:explain|tell me|describe)(?: to me)? what(?! happen)"
    r"|what(?:'s| is| are| does| do)|explain|define"
    r"|teach me(?: about)?|tell me about|describe what|how (?:do|should|can|would) (?:i|you|we|one)"
    r" (?:read|interpret|understand|look at)|why (?:is|are|do (?:we|you|they) record"
    r"|does (?:a|the) \w+ (?:record|use)|does|do)|how does|what(?:'s| is) the (?:point|purpose) of"
    r"|what(?:'s| is) (?:an?|the) \w+ for)\s+", re.IGNORECASE)
_TAIL_RE = re.compile(
    r"^(?:\s+(?:sleep|stage|for|important|recorded|used|measured|measure|record|show|mean|look|do|is|are"
    r"|like|in a sleep study|in sleep|on a psg|work|to a student|to me|to us|matter|needed|good for"
    r"|on the eeg|mean|on the plots?|on the screen|here|(?:using|in|with|from|on) (?:this|the)"
    r" (?:night|recording|study)|(?:also )?(?:called|known as) [\w\s-]+))*"
    r"\W*$", re.IGNORECASE)


def asked_term(text: str) -> Term | None:
    """The term a question asks about in its own words ("why is there more deep sleep early
    in the night?"), else None. A stage's rules are asked before the night's figures are
    (:func:`stage_rules`), never here, where "does this epoch meet the criteria for N3?" would
    lose its epoch."""
    return next((t for t in TERMS if t.asked and not t.stage and re.search(t.asked, text, re.I)), None)


def find_term(text: str) -> Term | None:
    """The term a definitional question asks about ("what is N2 sleep?"), else None."""
    if (asked := asked_term(text)) is not None:
        return asked
    m = _ASK_RE.search(text)
    if m is None:
        return None
    rest = re.sub(r"^(?:an?|the|a typical)\s+", "", text[m.end():].strip(), flags=re.IGNORECASE)
    for term in TERMS:
        hit = re.match(rf"(?:{term.pattern})\b", rest, re.IGNORECASE)
        if hit and _TAIL_RE.match(rest[hit.end():]):
            return term
    return None


# "point out the effort belts", "where is the chin EMG?", "show me the EOG": a channel shown
_SHOW_CHANNEL_RE = re.compile(
    r"^\W*(?:(?:can|could) you\s+|please\s+)*(?:show me|point out|point to|where (?:is|are)|which (?:trace|line|signal"
    r"|channel)s? (?:is|are)|highlight|find)\s+(?:me\s+)?(?:the\s+)?(?P<rest>.+?)(?:\s+(?:channels?|traces?|leads?"
    r"|signals?))?(?:\s+(?:on|in) the (?:screen|plots?|viewer|display))?(?:,?\s*please)?\W*$", re.IGNORECASE)


def channel_shown(text: str) -> Term | None:
    """The recording channel a request to show or point out names ("point out the effort
    belts"), else None; the answer says what it records and which of the file's channels it is."""
    m = _SHOW_CHANNEL_RE.search(text)
    if m is None:
        return None
    return next((t for t in TERMS if t.slots and not t.stage and re.fullmatch(rf"(?:{t.pattern})", m["rest"],
                                                                             re.IGNORECASE)), None)


def stage_rules(text: str) -> Term | None:
    """The stage whose scoring rules ``text`` asks for ("what are the AASM rules for N3?"),
    else None; asked before the night's own figures, which share the stage's words."""
    return next((t for t in TERMS if t.stage and re.search(t.asked, text, re.I)), None)


def term(key: str | None) -> Term | None:
    """The glossary term of ``key``, None for none."""
    return next((t for t in TERMS if t.key == key), None)
