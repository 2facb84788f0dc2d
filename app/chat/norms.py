"""Published age norms of a night's sleep statistics, for "is this normal?" answers.

The ranges are approximate healthy-adult values per age band read from the
age trends of Ohayon, Carskadon, Guilleminault and Vitiello's meta-analysis of
65 polysomnography studies (3,577 healthy subjects aged 5-102). They frame a night
against healthy sleepers; they are not diagnostic cut-offs, and the chat says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sleeplm_core.heads.summary import NightSummary

if TYPE_CHECKING:
    from app.night import LoadedNight

CITATION = ("Ohayon MM, Carskadon MA, Guilleminault C, Vitiello MV. Meta-analysis of "
            "quantitative sleep parameters from childhood to old age in healthy individuals. "
            "Sleep 2004;27(7):1255-73")
SHORT_CITATION = "Ohayon et al. 2004"
""":data:`CITATION` where a sentence names it in passing."""

# (lowest age, label) of each band; the norms below have one (low, high) per band.
_BANDS: tuple[tuple[int, str], ...] = ((18, "20-39 years"), (40, "40-59 years"),
                                       (60, "60-79 years"), (80, "80+ years"))
# statistic -> unit, (low, high) per band. Percentages of stages are of total sleep time.
NORMS: dict[str, tuple[str, tuple[tuple[float, float], ...]]] = {
    "total sleep time": ("min", ((360, 480), (330, 450), (300, 420), (300, 400))),
    "sleep efficiency": ("%", ((85, 98), (80, 95), (75, 92), (70, 90))),
    "sleep onset latency": ("min", ((5, 25), (5, 25), (5, 30), (5, 30))),
    "wake after sleep onset": ("min", ((5, 40), (15, 60), (30, 90), (40, 110))),
    "N1": ("%", ((2, 8), (3, 10), (4, 12), (5, 14))),
    "N2": ("%", ((44, 58), (46, 62), (48, 65), (48, 66))),
    "N3 (slow-wave sleep)": ("%", ((12, 25), (8, 20), (5, 17), (3, 15))),
    "REM": ("%", ((19, 27), (17, 25), (15, 24), (14, 23))),
    "REM latency": ("min", ((60, 110), (55, 105), (50, 100), (50, 100))),
}
ROW_OF_STAT = {"se": "sleep efficiency", "waso": "wake after sleep onset", "tst": "total sleep time",
               "sol": "sleep onset latency"}
ROW_OF_STAGE = {"N1": "N1", "N2": "N2", "N3": "N3 (slow-wave sleep)", "REM": "REM"}
"""Rows of :data:`NORMS` by the statistic (``Query.stat``) or the stage a question names."""
BREATHING_ROW = "AHI"
"""The row a question about the breathing index asks ("is that abnormal for a child?" after the
obstructive AHI): a child's answer leads with the pediatric breathing rule."""
ODI_ROW = "ODI"
"""The row a question about the oxygen desaturation index asks ("is that normal?" after the ODI)."""
ODI_USUAL = 5.0
"""ODI (desaturations per hour of sleep) below which healthy-sleeper studies usually fall, the
usual screening cut-off of the 3 % and 4 % ODI."""
AROUSAL_ROW = "arousal index"
"""The name a question gives the arousal index read against its age means."""
AROUSAL_CITATION = ("Boselli M, Parrino L, Smerieri A, Terzano MG. Effect of age on EEG arousals "
                    "in normal sleep. Sleep 1998;21(4):351-7")
# (lowest age, label, mean arousal index per hour of sleep) of healthy sound sleepers, ten per
# age group: the index rises with age, so one adult figure would misread the young or the old.
AROUSAL_MEANS: tuple[tuple[int, str, float], ...] = ((10, "10-19 years", 13.8), (20, "20-39 years", 14.7),
                                                    (40, "40-59 years", 17.8), (60, "60 years or more", 27.1))
_ADULT = "adults (20-59 years)"
ADULT_AGE = 18
"""Youngest age the adult bands are read for; a younger sleeper is a child."""
OLDER_AGE = 65
"""Age from which a sleeper is called older ("is the patient elderly?"), the usual geriatric
cut-off; the norms' bands are not split there."""
PLMS_ADULT, PLMS_CHILD = 15.0, 5.0
"""PLMS index (periodic leg movements per hour of sleep) above which the ICSD-3 allows periodic
limb movement disorder, in an adult and in a child."""
CENTRAL_APNEA_INDEX = 5.0
"""Central apneas (and central hypopneas) per hour of sleep from which the ICSD-3 allows central
sleep apnea, when central events are also more than half of all apneas and hypopneas."""
PEDIATRIC_OAHI = 1.0
"""Obstructive AHI (/h of sleep) from which a child's breathing in sleep is abnormal by the
AASM's pediatric rules (ICSD-3: one or more obstructive or mixed apneas or obstructive
hypopneas per hour); the adult 5/h does not apply."""
NADIR_ROW = "SpO2 nadir"
CENTRAL_ROW = "central apnea index"
"""The rows a child's "is the nadir of 90 % ok for a 10-year-old?" and "are the central apneas
significant in a child?" ask about: no adult band is read for either."""
CHILD_NADIR_MEAN, CHILD_NADIR_SD = 94.6, 2.2
CHILD_CAI_MEAN, CHILD_CAI_P975 = 0.4, 0.9
"""Healthy children aged 1-15 (n = 70): SpO2 nadir in sleep (%, mean and sd) and central apneas
per hour of sleep (mean and 97.5th percentile), from :data:`CHILD_BREATHING_CITATION`."""
CHILD_BREATHING_CITATION = ("Uliel S, Tauman R, Greenfeld M, Sivan Y. Normal polysomnographic respiratory values "
                            "in children and adolescents. Chest 2004;125(3):872-8")
CHILD_SLEEP_CITATION = ("Paruthi S, Brooks LJ, D'Ambrosio C, et al. Recommended amount of sleep for "
                        "pediatric populations: a consensus statement of the American Academy of Sleep "
                        "Medicine. J Clin Sleep Med 2016;12(6):785-6")
# (lowest age in years, highest, hours per 24 h the AASM recommends, naps included for the young)
CHILD_SLEEP_HOURS: tuple[tuple[float, float, tuple[int, int]], ...] = (
    (1 / 3, 1, (12, 16)), (1, 3, (11, 14)), (3, 6, (10, 13)), (6, 13, (9, 12)), (13, 18, (8, 10)))


def child_sleep_hours(age: float) -> tuple[int, int] | None:
    """Hours of sleep per 24 h the AASM recommends at ``age`` (years), None outside 4 months-18
    years."""
    return next((hours for lo, hi, hours in CHILD_SLEEP_HOURS if lo <= age < hi), None)


def band_of(age: int | None) -> tuple[int, str]:
    """Index and label of the age band; without an age, the younger adult band."""
    if age is None:
        return 0, _ADULT
    index = max(i for i, (lo, _) in enumerate(_BANDS) if age >= lo) if age >= _BANDS[0][0] else 0
    return index, _BANDS[index][1]


def range_of(name: str, age: int | None) -> tuple[str, float, float]:
    """(unit, low, high) of the statistic ``name`` (a key of :data:`NORMS`) for ``age``; without
    an age, the union of the two adult bands, as :func:`compare_with_norms` reads it."""
    unit, ranges = NORMS[name]
    if age is None:
        return unit, float(min(ranges[0][0], ranges[1][0])), float(max(ranges[0][1], ranges[1][1]))
    low, high = ranges[band_of(age)[0]]
    return unit, float(low), float(high)


def arousal_mean(age: float | None) -> tuple[str, float] | None:
    """(age group, mean arousal index per hour of sleep) of healthy sleepers of that age
    (:data:`AROUSAL_MEANS`); None without an age or under the youngest group."""
    if age is None or age < AROUSAL_MEANS[0][0]:
        return None
    _, label, mean = max((row for row in AROUSAL_MEANS if age >= row[0]), key=lambda row: row[0])
    return label, mean


def by_age() -> tuple[tuple[str, ...], list[tuple[str, str, tuple[tuple[float, float], ...]]]]:
    """The age bands' labels and every statistic's (name, unit, (low, high) per band): how a
    healthy night changes with age."""
    return tuple(label for _, label in _BANDS), [(name, unit, ranges) for name, (unit, ranges) in NORMS.items()]


MIN_NIGHT_MIN = 240.0
"""Least time in bed (min) read against the norms: they describe whole nights, so a 30-min
excerpt's total sleep, latencies and stage shares (a nap, one part of a split night) say
nothing against them."""


def too_short(s: NightSummary) -> bool:
    """Whether a recording is too short to be read against whole-night norms."""
    return s.tib_min < MIN_NIGHT_MIN


def values(s: NightSummary) -> dict[str, float]:
    """The night's value of each statistic :data:`NORMS` holds (NaN where it has none)."""
    return {"total sleep time": s.tst_min, "sleep efficiency": s.se_pct,
            "sleep onset latency": s.sol_min, "wake after sleep onset": s.waso_min,
            "N1": s.stage_pct["N1"], "N2": s.stage_pct["N2"], "N3 (slow-wave sleep)": s.stage_pct["N3"],
            "REM": s.stage_pct["REM"], "REM latency": s.rem_latency_min}


def compare_with_norms(s: NightSummary, age: int | None, cut_at_onset: bool = False
                       ) -> tuple[str, list[tuple[str, float, str, float, float]]]:
    """(band label, rows of (statistic, value, unit, low, high)); NaN statistics are left out,
    and so is the sleep onset latency of a span cut at sleep onset (``cut_at_onset``: the
    main sleep period of a long recording), which has none of its own.

    Without an age the adult range is the union of the two adult bands.
    """
    index, label = band_of(age)
    rows = []
    for name, value in values(s).items():
        if value != value or (cut_at_onset and name == "sleep onset latency"):
            continue
        unit, ranges = NORMS[name]
        if age is None:
            low, high = min(ranges[0][0], ranges[1][0]), max(ranges[0][1], ranges[1][1])
        else:
            low, high = ranges[index]
        rows.append((name, float(value), unit, float(low), float(high)))
    return label, rows


# The AASM's adult AHI bands, events/h of sleep (AASM Task Force, Sleep 1999;22:667-89;
# Epstein et al., J Clin Sleep Med 2009;5:263-76): where a clinician starts grading, never a
# diagnosis on their own.
_AHI_BANDS = ((5.0, "below 5/h, the usual normal range"), (15.0, "mild (5 to under 15/h)"),
              (30.0, "moderate (15 to under 30/h)"), (float("inf"), "severe (30/h or more)"))


MOST_OFF_STAGE = "most off stage"
MOST_OFF_ROW = "most off row"
"""What a "which stage is most off?" (or "which figure is furthest from normal?") after the norms
asks: the stage row, or any row, furthest outside its range."""


def off_by(value: float, low: float, high: float) -> float:
    """How far ``value`` lies outside ``low``-``high``, in widths of that range (0 inside it):
    rows of different units and spreads ranked alike (REM at 6.9 % against 17-25 % is 1.3
    widths below; N1 at 17.6 % against 3-10 % is 1.1 above)."""
    width = max(high - low, 1e-9)
    return max(low - value, value - high, 0.0) / width


def side(value: float, low: float, high: float) -> str:
    """Where ``value`` falls against a norm's range: "within", "below" or "above"."""
    return "within" if low <= value <= high else ("below" if value < low else "above")


def unsettled(value: float, other: float | None, low: float, high: float, unit: str) -> str:
    """"; **not settled**: the model's zero-shot staging gives 31.0 min (within)" where ``other``,
    the value under the model's stages, falls on another side of the range than ``value`` under
    a machine staging nobody checked; "" otherwise (and without ``other``)."""
    if other is None or side(other, low, high) == side(value, low, high):
        return ""
    return f"; **not settled**: the model's zero-shot staging gives {other:.1f} {unit} ({side(other, low, high)})"


def ahi_band(ahi: float, age: float | None = None) -> str:
    """The AASM adult band an AHI (events/h) falls in, with what the band does not say; for a
    child (``age`` in years under :data:`ADULT_AGE`, as the file's header gives it) no band:
    the adult scale does not apply."""
    if age is not None and age < ADULT_AGE:
        return (f"not graded on the adult scale (the file's header gives age {age:g}: the AASM's "
                f"adult bands do not apply to children, whose breathing is judged by the "
                f"obstructive AHI against {PEDIATRIC_OAHI:g}/h; ask *is this normal?* or *what severity?*)")
    band = next(words for limit, words in _AHI_BANDS if ahi < limit)
    # the whole scale, so that "what's a normal AHI?" is answered beside the night's band
    return (f"{band} on the AASM's adult scale (under 5/h normal, then mild, moderate and from 30/h "
            f"severe); a clinician grades severity with the symptoms, the oxygen and the scoring "
            f"rule used")


_CHILD_BANDS = ((PEDIATRIC_OAHI, "normal (under 1/h)"), (5.0, "mild (1 to under 5/h)"),
                (10.0, "moderate (5 to under 10/h)"), (float("inf"), "severe (10/h or more)"))


def child_band(oahi: float) -> str:
    """The band a child's obstructive AHI (events/h of sleep) falls in on the scale pediatric sleep
    studies commonly use; the ICSD-3 sets only the 1/h from which it is abnormal."""
    band = next(words for limit, words in _CHILD_BANDS if oahi < limit)
    return (f"{band} on the pediatric scale in common use (under 1/h normal, then mild, from 5/h moderate "
            f"and from 10/h severe); a clinician grades it with the symptoms, the tonsils and the oxygen")


def band_name(index: float, night: LoadedNight) -> str:
    """The AASM adult band of an AHI in one word or two ("moderate", "normal"); "not graded"
    for a child, by the age the file's header gives."""
    age = night.recording.patient.age
    if age is not None and age < ADULT_AGE:
        return "not graded (a child)"
    return next(words for limit, words in _AHI_BANDS if index < limit).split(" (")[0].replace(
        "below 5/h, the usual normal range", "normal")


def graded(index: float, night: LoadedNight) -> str:
    """:func:`ahi_band` for the night's patient: a child's index, by the age the file's header
    gives, is not graded on the adult scale."""
    return ahi_band(index, night.recording.patient.age)


_BAND_FLOORS = ((5.0, "mild"), (15.0, "moderate"), (30.0, "severe"))
"""The AASM adult bands above normal by their lowest index (events/h), as :data:`_AHI_BANDS`."""


def rei_wake_caveat(events: int, hours: float, night: LoadedNight) -> str:
    """Why a home test's REI can only run low, in figures: it divides ``events`` by all ``hours``
    recorded, awake or not, so the same events over less sleep grade higher; the sleep under
    which they would reach each higher adult band ("" for a child, or where none is higher)."""
    age = night.recording.patient.age
    if events <= 0 or hours <= 0 or (age is not None and age < ADULT_AGE):
        return ""
    rei = events / hours
    steps = [f"**{name}** (≥{limit:g}/h) at **{events / limit:.1f} h** of sleep or less"
             for limit, name in _BAND_FLOORS if limit > rei]
    if not steps:
        return ""
    bands = " and ".join(steps)
    return (f"⚠️ The REI divides by all {hours:.1f} h recorded, awake or not, and a home test cannot see wake, "
            f"so it runs low against the AHI a PSG would measure whenever the patient lay awake: the same {events} events would "
            f"grade {bands}. Ask how long the patient slept; a PSG measures it.")
