"""A clinician's judgement questions read as the question whose answer holds the judgement:
"should the central apneas concern me?" is the ICSD-3's central sleep apnea criteria read on
the night, "is the N2 excess meaningful?" is N2 against the norms, "should REM-related OSA be
mentioned in the report?" is the REM-related rule read on the night.

Each reading keeps the judgement with the clinician: the answers give the criteria and the
night's figures against them, never a diagnosis.
"""

from __future__ import annotations

import re

I = re.IGNORECASE
_JUDGED = r"(?:concern\w*|worr\w*|matter|matters|significan\w*|relevant|important|meaningful|real|a problem)"
_STAGE = r"(?P<stage>n1|n2|n3|rem|deep sleep|slow[- ]wave sleep|light sleep)"
_STAT = (r"(?P<stat>sleep efficiency|efficiency|waso|wake after sleep onset|tst|total sleep time|sleep latency"
         r"|sleep onset latency|rem latency)")

_READINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "should the central apneas concern me?", "are the centrals significant enough to change management?"
    (re.compile(rf"^(?=.*\bcentral(?:s| apn\w*| events?)?\b)(?=.*\b(?:{_JUDGED}|change (?:the |her |his )?management"
                r"|treat\w*)\b)(?!.*\b(?:vs\.?|versus|or obstructive|compared)\b)", I),
     "does she have central sleep apnea?"),
    # "should REM-related OSA be mentioned in the report?", "can I call it positional?"
    (re.compile(r"^(?=.*\brem[- ](?:related|dependent|predominant)\b)(?=.*\b(?:report\w*|mention\w*|include|diagnos\w*"
                r"|call (?:it|this)|label\w*|document\w*)\b)", I), "is the apnea REM-related?"),
    (re.compile(r"^(?=.*\bpositional\b)(?=.*\b(?:report\w*|mention\w*|include|diagnos\w*|call (?:it|this)|label\w*"
                r"|document\w*)\b)", I), "is the apnea positional?"),
    # "is the T90 clinically significant?"
    (re.compile(rf"^(?=.*\bt90\b)(?=.*\b(?:{_JUDGED}|normal|abnormal|high|elevated)\b)", I), "is her oxygen normal?"),
    # "is there any sleep apnea at all?"
    (re.compile(r"^\W*(?:is there|does (?:she|he|they|the patient) have) (?:any )?(?:sleep )?apn(?:o)?ea(?: at all)?\W*$", I),
     "does she have sleep apnea?"),
    # "is this Cheyne-Stokes?": a pattern of runs over hours, which no one epoch shows
    (re.compile(r"^\W*(?:is|was)\s+(?:this|that|it)\s+(?:a\s+)?(?:cheyne[- ]stokes|csr|periodic breathing)"
                r"(?:\s+(?:breathing|respiration))?\W*$", I), "any Cheyne-Stokes breathing?"),
    # "is the arousal index reliable?", "are the spindles accurate?": how they were found and how
    # well that did where it was checked
    (re.compile(r"^\W*(?:is|are)\s+(?:the\s+)?(?P<what>arousal index|arousals|spindles?|k[- ]complexes|slow waves"
                r"|limb movements|leg movements|plms|hypopneas|apneas|desaturations)\s+(?:count\s+)?(?:reliable|accurate"
                r"|trustworthy|believable|right|correct|valid)\W*$", I), "how were the {what} scored?"),
    # "would you order an MSLT?", "is an MSLT indicated?"
    (re.compile(r"^(?=.*\b(?:mslt|mwt|multiple sleep latency test)\b)(?=.*\b(?:order|indicated|need\w*|recommend\w*"
                r"|should|request|warranted|worth)\b)", I), "would you recommend an MSLT?"),
)


def judged(text: str) -> str:
    """``text`` read as the question that answers its judgement; else unchanged."""
    for pattern, reading in _READINGS:
        if m := pattern.search(text):
            what = (m.groupdict().get("what") or "").lower()
            return reading.format(what="arousals" if what == "arousal index" else what)
    if (m := re.search(rf"\b{_STAGE}\s+(?:excess|increase|deficit|reduction|shortage|surplus)\b"
                       rf"|\b(?:excess|increased|reduced|decreased|too much|too little)\s+{_STAGE.replace('stage', 's2')}\b",
                       text, I)) and re.search(rf"\b(?:{_JUDGED}|normal|abnormal)\b", text, I):
        # "is the N2 excess meaningful?": that stage against the norms
        return f"is the {(m['stage'] or m['s2'])} normal?"
    if m := re.match(rf"^\W*is (?:the |her |his |their )?{_STAT} (?:acceptable|ok|okay|fine|good|adequate|reasonable"
                     r"|alright|all right)\W*$", text, I):
        # "is the sleep efficiency acceptable?": that figure against the norms
        return f"is the {m['stat']} normal?"
    return text
