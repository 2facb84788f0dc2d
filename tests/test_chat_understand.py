"""Chat understanding: a phrasing table (technician, educator, researcher) with the
structured query each question must give, follow-up marks, and time expressions."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from app.chat.query import Intent, Ref, Scope
from app.chat.timespan import NightClock, TimeSpan, parse_time, resolve
from app.chat.understand import understand
from app.timeexpr import format_clock

(TIM, AMT, SUM, NOR, SHO, NAV, EXP, LOC, THR, MEA, CLA, CMP, DES, SIM, HLP, OFF, MED, UNK,
 REC, BRK) = (
    Intent.STAGE_TIMING, Intent.STAGE_AMOUNT, Intent.SUMMARY, Intent.NORMAL, Intent.SHOW,
    Intent.NAVIGATE, Intent.EXPLAIN, Intent.LOCATE, Intent.THRESHOLD, Intent.MEASURE,
    Intent.CLASSIFY, Intent.COMPARE, Intent.DESCRIBE, Intent.SIMILAR, Intent.HELP,
    Intent.OFF_TOPIC, Intent.MEDICAL, Intent.UNKNOWN, Intent.RECORDING, Intent.BREAKDOWN)

# (question, intent, expected slots: only the keys given are checked)
TECHNICIAN: list[tuple[str, Intent, dict]] = [
    ("when does REM first start", TIM, {"stages": ("REM",), "stage_event": "first"}),
    ("time of the first REM epoch", TIM, {"stages": ("REM",), "stage_event": "first"}),
    ("what time did the patient fall asleep", TIM, {"stage_event": "onset"}),
    ("sleep onset?", TIM, {"stage_event": "onset"}),
    ("when was sleep onset", TIM, {"stage_event": "onset"}),
    ("how long did it take them to fall asleep", TIM, {"stage_event": "onset"}),
    ("REM latency", TIM, {"stage_event": "latency"}),
    ("what's the REM latency?", TIM, {"stage_event": "latency"}),
    ("how long until the first REM", TIM, {"stage_event": "latency"}),
    ("last awakening", TIM, {"stage_event": "final_wake"}),
    ("when did the patient wake up for good", TIM, {"stage_event": "final_wake"}),
    ("time of final awakening", TIM, {"stage_event": "final_wake"}),
    ("when is the last REM period", TIM, {"stages": ("REM",), "stage_event": "last"}),
    ("first N3 epoch?", TIM, {"stages": ("N3",), "stage_event": "first"}),
    ("when did N2 start", TIM, {"stages": ("N2",), "stage_event": "first"}),
    ("show me the REM periods", TIM, {"stages": ("REM",), "stage_event": "periods"}),
    ("show me slow wave sleep", TIM, {"stages": ("N3",), "phenomenon": None}),
    ("where is the deep sleep", TIM, {"stages": ("N3",)}),
    ("list wake periods after sleep onset", TIM, {"stages": ("W",), "stage_event": "awakenings"}),
    ("how many times did the patient wake up during the night?", TIM, {"stage_event": "awakenings"}),
    ("what is the longest period of continuous sleep?", TIM, {"stage_event": "longest", "stages": ("N1", "N2", "N3", "REM")}),
    ("when did the first apnea occur?", LOC, {"phenomenon": "apnea", "count": 1}),
    ("how many obstructive events were there in total", LOC, {"phenomenon": "obstructive_apnea", "how_many": True}),
    ("where are the respiratory events", LOC, {"phenomenon": "respiratory_event"}),
    ("which stage had the most arousals", BRK, {"phenomenon": "arousal", "by": "stage"}),
    # The stage a description names is what it describes, not the current epoch.
    ("describe REM sleep", DES, {"stages": ("REM",)}),
    ("describe the N3 periods", DES, {"stages": ("N3",)}),
    # "drop" names the desaturation: where its events are, in REM, not REM against NREM.
    ("where did the oxygen drop in REM?", LOC, {"phenomenon": "desaturation", "stages": ("REM",)}),
    ("when did the saturation fall in N2", LOC, {"phenomenon": "desaturation", "stages": ("N2",)}),
    ("where did breathing get shallow?", LOC, {"phenomenon": "hypopnea"}),
    ("when does the breathing become shallower in REM", LOC, {"phenomenon": "hypopnea",
                                                             "stages": ("REM",)}),
    # "drop more" is how far: the desaturations' depth in REM against NREM (stop 54)
    ("did SpO2 drop more in REM?", CMP, {"phenomenon": "desaturation", "stages": ("REM",)}),
    ("how much time was spent in each stage?", SUM, {}),
    # The recording itself: channels, who scored it, signal quality.
    ("which channels are in this file?", REC, {"topic": "channels"}),
    ("what kind of study is this?", REC, {"topic": "channels"}),
    ("how many events per hour in the worst hour?", BRK, {"by": "hour", "stat": "ahi"}),
    ("how long was each REM period?", TIM, {"stage_event": "periods", "rank": None}),
    ("how many REM periods were there and how long was each?", TIM, {"stage_event": "periods"}),
    ("how much time was valid?", REC, {"topic": "quality"}),
    ("were the events mostly obstructive?", LOC, {"share": "obstructive_apnea"}),
    ("were most of the hypopneas in N2?", LOC,
     {"phenomenon": "hypopnea", "share": "scope", "stages": ("N2",)}),
    ("what signals were recorded?", REC, {"topic": "channels"}),
    ("what's the sampling rate of the EEG?", REC, {"topic": "channels"}),
    ("is there an ECG channel?", REC, {"topic": "channels"}),
    ("is this night scored?", REC, {"topic": "scoring"}),
    ("who scored this study?", REC, {"topic": "scoring"}),
    ("how confident are you in the staging?", REC, {"topic": "scoring"}),
    ("which epochs is the machine least sure about?", REC, {"topic": "scoring"}),
    ("was there any artifact or bad signal?", REC, {"topic": "quality"}),
    ("any flat lines on the SpO2?", REC, {"topic": "quality"}),
    # Hypnogram structure and rates.
    ("how many sleep cycles were there?", TIM, {"stage_event": "cycles"}),
    ("describe the NREM-REM cycles", TIM, {"stage_event": "cycles"}),
    ("when was the longest REM period?", TIM, {"stages": ("REM",), "rank": "longest"}),
    ("how many spindles per minute in N2?", LOC, {"phenomenon": "spindle", "per": "minute",
                                                  "stages": ("N2",)}),
    ("what's the spindle density?", LOC, {"phenomenon": "spindle", "per": "minute"}),
    ("what is the arousal index?", LOC, {"phenomenon": "arousal", "per": "hour"}),
    ("arousals per hour in REM", LOC, {"phenomenon": "arousal", "per": "hour",
                                       "stages": ("REM",)}),
    ("show me 3:15 to 3:45", NAV, {"time": ("clock", 11700.0, 13500.0)}),
    ("how much N3 in the first cycle?", AMT, {"stages": ("N3",), "time": ("cycle", 0.0, None)}),
    ("spindles in the last sleep cycle", LOC, {"phenomenon": "spindle",
                                               "time": ("cycle", -1.0, None)}),
    ("zoom to the second cycle", NAV, {"time": ("cycle", 1.0, None)}),
    # Indices split by position, stage or hour.
    ("is the apnea worse when supine?", BRK, {"by": "position", "phenomenon": "apnea"}),
    ("AHI on the back vs on the side", BRK, {"by": "position", "stat": "ahi"}),
    ("REM-related AHI", BRK, {"by": "stage", "stat": "ahi"}),
    ("which hour had the most apneas?", BRK, {"by": "hour", "phenomenon": "apnea"}),
    ("how long did she sleep on her back?", BRK, {"by": "position"}),
    ("were apneas longer in REM?", BRK, {"by": "stage", "phenomenon": "apnea"}),
    ("compare spindles in the first and second half", CMP, {
        "phenomenon": "spindle", "group_times": ("fraction", "fraction")}),
    ("how long was N3 in the first half vs the second half?", CMP, {
        "groups": (("N3",), ("N3",))}),
    ("how many obstructive vs central apneas?", LOC, {"phenomenon": "apnea", "how_many": True}),
    ("what is the average duration of apneas?", LOC, {"phenomenon": "apnea"}),
    ("what was the longest time without breathing?", LOC, {"phenomenon": "apnea", "rank": "longest"}),
    ("when was the patient not breathing?", LOC, {"phenomenon": "apnea"}),
    ("how long was the first REM period?", TIM, {"time": ("period", 0, None), "stage_event": "length"}),
    ("whats the sleep efficency", SUM, {"stat": "se"}),
    ("how many arousals were associated with apneas?", LOC, {"phenomenon": "arousal"}),
    ("what triggered the arousals?", LOC, {"phenomenon": "arousal"}),
    ("which hour had the most N3?", BRK, {"by": "hour", "stages": ("N3",)}),
    ("when was the longest awakening?", TIM, {"stage_event": "awakenings", "rank": "longest"}),
    ("how many stage shifts were there?", SUM, {"stat": "shifts"}),
    ("when were the lights turned off?", SUM, {"stat": "lights"}),
    ("what is the T90?", THR, {"condition": ("spo2", "<", 90.0)}),
    ("how much sleep in the first 3 hours?", AMT, {"stages": (),
                                                   "time": ("elapsed", 0.0, 10800.0)}),
    ("which stage has the highest heart rate?", BRK, {"by": "stage", "phenomenon": None}),
    ("how do spindles change across the night?", BRK, {"by": "hour", "phenomenon": "spindle"}),
    ("what's the delta power trend across the night?", BRK, {"by": "hour", "phenomenon": None}),
    ("export the events", HLP, {"note": "export"}),
    ("how many epochs are there?", REC, {"topic": "channels"}),
    ("did heart rate go up during REM?", BRK, {"by": "stage", "phenomenon": None}),
    ("show me what N3 looks like", CLA, {"stages": ("N3",), "stage_event": "example"}),
    ("how fragmented was the sleep?", SUM, {"stat": "shifts"}),
    ("how much REM in the last third?", AMT, {"stages": ("REM",),
                                              "time": ("fraction", 2 / 3, 1.0)}),
    ("when did the patient have the most deep sleep?", BRK, {"by": "hour", "stages": ("N3",)}),
    ("what was the heart rate during apneas?", MEA, {"signal": "hr", "phenomenon": "apnea"}),
    ("SpO2 after obstructive apneas", MEA, {"signal": "spo2",
                                            "phenomenon": "obstructive_apnea"}),
    # Why an epoch has its stage.
    ("why do you say it was N3 at 1am?", CLA, {"stage_event": "why", "stages": ("N3",),
                                               "time": ("clock", 3600.0, None)}),
    ("why is epoch 300 scored N2?", CLA, {"stage_event": "why", "stages": ("N2",)}),
    ("what makes this epoch REM?", CLA, {"stage_event": "why", "stages": ("REM",)}),
    # Whole-night statistics asked by name: the summary, that number first.
    ("How long did the patient actually sleep?", SUM, {"stat": "tst"}),
    ("what was the TST", SUM, {"stat": "tst"}),
    ("hours of sleep in total?", SUM, {"stat": "tst"}),
    ("how long was the patient in bed", SUM, {"stat": "tib"}),
    ("tell me the sleep efficiency", SUM, {"stat": "se"}),
    ("what percentage of time was spent asleep?", SUM, {"stat": "se"}),
    ("what fraction of the night was the patient asleep?", SUM, {"stat": "se"}),
    ("what is the sleep maintenance efficiency?", SUM, {"stat": "sme", "more_stats": ()}),
    ("how much wake after sleep onset was there", SUM, {"stat": "waso"}),
    ("give me the apnea-hypopnea index", SUM, {"stat": "ahi"}),
    ("what's the RDI?", SUM, {"stat": "rdi"}),
    ("oxygen desaturation index please", SUM, {"stat": "odi"}),
    ("longest stretch of wake after sleep onset", TIM, {"stage_event": "longest", "stat": None}),
    ("how long did they sleep in REM", AMT, {"stages": ("REM",), "stat": None}),
    # Desaturation depth (% points below the pre-event baseline) vs an SpO2 level.
    ("count desaturations deeper than 3 percent", LOC, {"phenomenon": "desaturation", "min_depth": 3.0}),
    ("list the oxygen desaturations of at least 4%", LOC, {"phenomenon": "desaturation", "min_depth": 4.0}),
    ("desaturations below 88% in REM", THR, {"condition": ("spo2", "<", 88.0), "min_depth": None}),
    ("where are the longest apneas?", LOC, {"phenomenon": "apnea", "rank": "longest"}),
    ("where are the apneas", LOC, {"phenomenon": "apnea", "rank": None}),
    ("find obstructive apneas in REM", LOC, {"phenomenon": "obstructive_apnea", "stages": ("REM",)}),
    ("central apneas between 1 and 2 am", LOC, {"phenomenon": "central_apnea", "time": ("clock", 3600, 7200)}),
    ("where did breathing stop without effort?", LOC, {"phenomenon": "central_apnea"}),
    ("which apneas were central?", LOC, {"phenomenon": "central_apnea"}),
    ("where did the airflow stop despite continued effort", LOC, {"phenomenon": "obstructive_apnea"}),
    ("show the apneas that were obstructive in REM", LOC, {"phenomenon": "obstructive_apnea",
                                                           "stages": ("REM",)}),
    ("top 5 obstructive apneas", LOC, {"phenomenon": "obstructive_apnea", "count": 5}),
    ("earliest 3 hypopneas", LOC, {"phenomenon": "hypopnea", "count": 3, "rank": "earliest"}),
    ("how many hypopneas in N2?", LOC, {"phenomenon": "hypopnea", "how_many": True, "stages": ("N2",)}),
    ("number of arousals", LOC, {"phenomenon": "arousal", "how_many": True}),
    ("count the desaturations in the second half", LOC, {"phenomenon": "desaturation", "how_many": True, "time": ("fraction", 0.5, 1.0)}),
    ("hypopneas longer than 20 s", LOC, {"phenomenon": "hypopnea", "min_duration": 20.0}),
    ("apneas lasting more than 30 seconds in REM", LOC, {"phenomenon": "apnea", "min_duration": 30.0, "stages": ("REM",)}),
    ("list the desats", LOC, {"phenomenon": "desaturation"}),
    ("oxygen drops in the first hour", LOC, {"phenomenon": "desaturation", "time": ("elapsed", 0, 3600)}),
    ("where did breathing stop in the first 10 minutes?", LOC, {"phenomenon": "apnea", "count": None, "time": ("elapsed", 0, 600)}),
    ("arousals in REM sleep", LOC, {"phenomenon": "arousal", "stages": ("REM",)}),
    ("any leg movements during deep sleep?", LOC, {"phenomenon": "limb_movement", "stages": ("N3",)}),
    ("PLMs after 4am", LOC, {"phenomenon": "limb_movement", "time": ("after", 4 * 3600, None)}),
    ("Any oxygen desaturations below 90% after 3am?", THR, {"signal": "spo2", "condition": ("spo2", "<", 90.0), "time": ("after", 3 * 3600, None)}),
    ("SpO2 below 88%", THR, {"condition": ("spo2", "<", 88.0)}),
    ("sats under 85 percent", THR, {"condition": ("spo2", "<", 85.0)}),
    ("desaturations below 92 % before 1 am", THR, {"condition": ("spo2", "<", 92.0), "time": ("before", 3600, None)}),
    ("heart rate above 100", THR, {"condition": ("hr", ">", 100.0)}),
    ("HR over 90 bpm in REM", THR, {"condition": ("hr", ">", 90.0), "stages": ("REM",)}),
    ("pulse below 50", THR, {"condition": ("hr", "<", 50.0)}),
    ("find tachycardia episodes", THR, {"phenomenon": "tachycardia", "condition": ("hr", ">", 90.0)}),
    ("any bradycardia?", THR, {"phenomenon": "bradycardia", "condition": ("hr", "<", 40.0)}),
    ("breathing rate above 20", THR, {"condition": ("resp", ">", 20.0)}),
    ("respiratory rate under 10 breaths per minute", THR, {"condition": ("resp", "<", 10.0)}),
    ("times when oxygen was below 90 for longer than 20 s", THR, {"condition": ("spo2", "<", 90.0), "min_duration": 20.0}),
    ("low oxygen episodes", THR, {"phenomenon": "hypoxemia", "condition": ("spo2", "<", 90.0)}),
    ("summarize the night", SUM, {}),
    ("what is the AHI?", SUM, {}),
    ("ODI?", SUM, {}),
    ("give me the sleep statistics", SUM, {}),
    ("sleep efficiency", SUM, {}),
    ("what was the WASO", SUM, {}),
    ("total sleep time?", SUM, {}),
    ("what stage is it at 02:15?", CLA, {"time": ("clock", 8100, None), "labels": ()}),
    ("which sleep stage is epoch 120", CLA, {"time": ("epoch", 120, None)}),
    ("classify the current epoch", CLA, {"time": ("current", 0, None)}),
    ("is this REM?", CLA, {}),
    ("score epoch 300", CLA, {"time": ("epoch", 300, None)}),
    ("zoom to 3 am", NAV, {"time": ("clock", 3 * 3600, None)}),
    ("jump to epoch 300", NAV, {"time": ("epoch", 300, None)}),
    ("go to 02:15", NAV, {"time": ("clock", 8100, None)}),
    ("take me to 11:45 pm", NAV, {"time": ("clock", 23.75 * 3600, None)}),
    ("show me 03:40", NAV, {"time": ("clock", 3 * 3600 + 40 * 60, None)}),
    ("next epoch", NAV, {"step": 1, "ref": Ref.NONE}),
    ("previous epoch", NAV, {"step": -1, "ref": Ref.NONE}),
    ("show the hypnogram", SHO, {"view": "hypnogram"}),
    ("display the hypnogram", SHO, {"view": "hypnogram"}),
    ("open the spectrogram", SHO, {"view": "spectrogram"}),
    ("lowest SpO2?", MEA, {"signal": "spo2"}),
    ("mean heart rate in N2", MEA, {"signal": "hr", "stages": ("N2",)}),
    ("what was the average oxygen saturation in REM", MEA, {"signal": "spo2", "stages": ("REM",)}),
    ("Between 2 and 3 am, how stable was the heart rate?", MEA, {"signal": "hr", "time": ("clock", 7200, 10800)}),
    ("how variable was breathing in the last hour", MEA, {"signal": "resp", "time": ("from_end", 3600, 0)}),
    ("highest pulse of the night", MEA, {"signal": "hr"}),
    ("does the patient have sleep apnea?", MED, {}),
    ("should I prescribe melatonin for this sleep?", MED, {}),
    ("is CPAP indicated?", MED, {}),
    ("what dose of zolpidem would help", MED, {}),
    ("diagnose this recording", MED, {}),
    ("is the epoch at 01:20 wake or sleep?", CLA, {"labels": ("wake", "sleep"), "time": ("clock", 4800, None)}),
    ("describe epoch 300", DES, {"time": ("epoch", 300, None)}),
    ("what happens at 02:15?", DES, {"time": ("clock", 8100, None)}),
    ("what's going on in this epoch", DES, {"time": ("current", 0, None)}),
    ("find epochs like this one in the library", SIM, {"time": ("current", 0, None)}),
    ("similar epochs to epoch 42", SIM, {"time": ("epoch", 42, None)}),
    # Latency to any stage, not only REM; sleep latency stays the onset.
    ("how long did it take to reach N3?", TIM, {"stages": ("N3",), "stage_event": "latency"}),
    ("what was the N3 latency?", TIM, {"stages": ("N3",), "stage_event": "latency"}),
    ("how long until deep sleep?", TIM, {"stages": ("N3",), "stage_event": "latency"}),
    ("time to first REM?", TIM, {"stages": ("REM",), "stage_event": "latency"}),
    ("what was the sleep latency?", TIM, {"stage_event": "onset"}),
    # A phenomenon after an ordinal is a question of its own, not a pick from the last list.
    ("take me to the first apnea", LOC, {"phenomenon": "apnea"}),
    ("zoom to the first desaturation", LOC, {"phenomenon": "desaturation"}),
    # "the events" split by stage or time are the AHI's.
    ("are events clustered in REM?", BRK, {"stat": "ahi", "by": "stage"}),
    ("were the events concentrated in one part of the night?", BRK, {"stat": "ahi", "by": "hour"}),
    ("were hypopneas clustered in a particular part of the night?", BRK,
     {"phenomenon": "hypopnea", "by": "hour"}),
    ("how severe is the apnea?", MED, {"condition_name": "sleep apnea"}),
    ("is the sleep apnea mild, moderate or severe?", MED, {"condition_name": "sleep apnea"}),
    ("what was the REM density?", LOC, {"phenomenon": "rem", "stages": ("REM",), "per": "minute"}),
    ("what's the mean heart rate asleep vs awake?", CMP,
     {"groups": (("N1", "N2", "N3", "REM"), ("W",))}),
    # A body system as a whole over the night: its overview; a scope or a signal is not one.
    ("how was the breathing overall?", SUM, {"topic": "system", "modality": "respiratory"}),
    ("describe the breathing", SUM, {"topic": "system", "modality": "respiratory"}),
    ("how did the patient breathe?", SUM, {"topic": "system", "modality": "respiratory"}),
    ("was the breathing bad?", SUM, {"topic": "system", "modality": "respiratory"}),
    ("summarize the heart", SUM, {"topic": "system", "modality": "heart"}),
    # A system named alone is its overview; a signal named alone is its measurement.
    ("breathing?", SUM, {"topic": "system", "modality": "respiratory"}),
    ("the heart", SUM, {"topic": "system", "modality": "heart"}),
    ("heart rate?", MEA, {"signal": "hr"}),
    ("breathing rate", MEA, {"signal": "resp"}),
    ("oxygen saturation?", MEA, {"signal": "spo2"}),
    ("describe the breathing during REM", DES, {"stages": ("REM",)}),
    ("how does breathing change across the night?", BRK, {"by": "hour", "topic": None}),
    ("describe the heart rate", MEA, {"signal": "hr", "topic": None}),
    ("how was the breathing rate?", MEA, {"signal": "resp", "topic": None}),
    # A ranked "what is the ..." searches; "what is a typical X?" explains with an example.
    ("what's the longest apnea?", LOC, {"phenomenon": "apnea", "rank": "longest"}),
    ("what is the strongest spindle?", LOC, {"phenomenon": "spindle"}),
    ("what is a typical spindle?", EXP, {"phenomenon": "spindle"}),
    ("what is the mean desaturation depth?", LOC, {"phenomenon": "desaturation"}),
    ("when did the lowest saturation happen and in what stage?", MEA,
     {"signal": "spo2", "rank": "lowest"}),
    ("how does a central apnea differ?", EXP, {"phenomenon": "central_apnea"}),
    ("what's the difference between a spindle and a K-complex?", EXP,
     {"phenomenon": "spindle", "contrast": "k_complex"}),
    ("how do hypopneas differ from apneas?", EXP, {"phenomenon": "hypopnea", "contrast": "apnea"}),
    ("difference between obstructive and central apnea?", EXP,
     {"phenomenon": "obstructive_apnea", "contrast": "central_apnea"}),
    ("what's the difference between N2 and N3?", CMP, {"contrast": None}),
    ("how is a K-complex different from a slow wave?", EXP, {"phenomenon": "k_complex"}),
    ("show me one spindle", LOC, {"phenomenon": "spindle"}),
    ("which epoch has the highest delta power?", MEA, {"rank": "highest", "phenomenon": None}),
    ("when was the chin EMG lowest?", MEA, {"rank": "lowest"}),
    ("when was the heart rate highest?", MEA, {"signal": "hr", "rank": "highest"}),
    ("when was the patient on their back?", MEA, {"measure": "position", "target": "supine"}),
    ("at what times was she on her side?", MEA, {"measure": "position", "target": "left,right"}),
    ("is the apnea worse when supine?", BRK, {"by": "position"}),
    # A stage alone is where it is; thanks and a bare "compare" get a line of their own.
    ("REM", TIM, {"stages": ("REM",), "stage_event": "periods"}),
    ("N2?", TIM, {"stages": ("N2",), "stage_event": "periods"}),
    ("deep sleep", TIM, {"stages": ("N3",), "stage_event": "periods"}),
    ("thanks!", HLP, {"note": "thanks"}),
    ("ok, thank you", HLP, {"note": "thanks"}),
    ("compare", HLP, {"note": "compare"}),
    ("what happened at epoch -3", DES, {"time": ("epoch", -3, None)}),
    # One of a stage's periods is a span; asked about itself it is that period of the stage.
    ("how many apneas in the last REM period?", LOC, {"time": ("period", -1, None)}),
    ("describe the longest N3 period", DES, {"time": ("period", -2, None)}),
    ("compare the first and last REM periods", CMP, {"group_times": ("period", "period")}),
    ("how long did the first cycle last?", TIM, {"time": ("cycle", 0, None), "stage_event": "length"}),
    ("when was the longest REM period?", TIM, {"stages": ("REM",), "rank": "longest"}),
    # what the file lacks, then what the scoring skipped from what it holds (stop 73)
    ("what can't you measure here?", REC, {"topic": "channels"}),
    ("which captions match epoch 200?", SIM, {"time": ("epoch", 200, None)}),
    ("what's the total sleep time and WASO?", SUM, {"stat": "tst", "more_stats": ("waso",)}),
    # A sleeper's own words.
    ("how many hours did I sleep?", SUM, {"stat": "tst"}),
    ("when did I get the best sleep?", TIM, {"rank": "longest", "stages": ("N1", "N2", "N3", "REM")}),
    ("why am I tired?", MED, {"condition_name": "a sleep disorder"}),
    ("is it bad that I stopped breathing so often?", MED, {"condition_name": "a sleep disorder"}),
    ("any SOREMP?", TIM, {"stages": ("REM",), "stage_event": "latency", "note": "soremp"}),
    ("were there any sleep-onset REM periods?", TIM, {"stage_event": "latency", "note": "soremp"}),
]

EDUCATOR: list[tuple[str, Intent, dict]] = [
    ("hi, what can you do?", HLP, {}),
    # "an example of X" names X: no earlier answer is needed ("an example of that" is one)
    ("show me an example of a K-complex", LOC, {"phenomenon": "k_complex", "count": 1}),
    # "what is it here?" is this recording, not the epoch on screen
    ("what is sleep spindle density and what is it here?", LOC,
     {"phenomenon": "spindle", "per": "minute", "scope": Scope()}),
    ("give me an example of an apnea", LOC, {"phenomenon": "apnea", "count": 1}),
    ("hello", HLP, {}),
    ("help", HLP, {}),
    ("what can I ask?", HLP, {}),
    ("", HLP, {}),
    ("explain what an obstructive apnea is and show one", EXP, {"phenomenon": "obstructive_apnea"}),
    ("what is a sleep spindle?", EXP, {"phenomenon": "spindle"}),
    ("what does a K-complex look like", EXP, {"phenomenon": "k_complex"}),
    ("explain K-complexes", EXP, {"phenomenon": "k_complex"}),
    ("what are slow waves?", EXP, {"phenomenon": "slow_waves"}),
    ("define hypopnea", EXP, {"phenomenon": "hypopnea"}),
    ("what is an arousal", EXP, {"phenomenon": "arousal"}),
    ("can you explain alpha rhythm", EXP, {"phenomenon": "alpha"}),
    ("what is a central apnea", EXP, {"phenomenon": "central_apnea"}),
    ("tell me what a desaturation is", EXP, {"phenomenon": "desaturation"}),
    ("what are rapid eye movements", EXP, {"phenomenon": "rem"}),
    # A stage is defined as a stage (its rules and this night's minutes), not by its hallmark.
    ("what is REM sleep?", EXP, {"note": "glossary", "target": "rem"}),
    ("what is deep sleep", EXP, {"note": "glossary", "target": "n3"}),
    ("what is N2 sleep?", EXP, {"note": "glossary", "target": "n2"}),
    ("why is deep sleep important?", EXP, {"note": "glossary", "target": "n3"}),
    ("what is sleep architecture?", EXP, {"note": "glossary", "target": "architecture"}),
    ("explain the sleep cycle to a student", EXP, {"note": "glossary", "target": "cycle"}),
    ("what is an EOG?", EXP, {"note": "glossary", "target": "eog"}),
    ("why is the chin EMG recorded?", EXP, {"note": "glossary", "target": "chin_emg"}),
    ("what is a vertex wave?", EXP, {"note": "glossary", "target": "vertex"}),
    ("what's a normal number of awakenings?", NOR, {}),
    ("how much REM should an adult get?", NOR, {}),
    ("what percentage of sleep should be N3 for a 45 year old?", NOR, {"age": 45}),
    ("which stage did the machine find hardest?", REC, {"topic": "scoring"}),
    ("how do I know it is central?", EXP, {"phenomenon": "central_apnea"}),
    ("how can you tell it was obstructive?", EXP, {"phenomenon": "obstructive_apnea"}),
    ("are spindles faster in N3 or N2?", CMP, {"phenomenon": "spindle", "groups": (("N3",), ("N2",))}),
    ("were spindles faster in N3?", CMP, {"phenomenon": "spindle", "groups": (("N3",), ("N2",))}),
    ("show me the least certain part", REC, {"topic": "scoring"}),
    ("how many REMs per minute of REM?", LOC, {"phenomenon": "rem", "stages": ("REM",), "per": "minute"}),
    ("what was the longest continuous sleep?", TIM, {"stage_event": "longest"}),
    ("did breathing rate change with stage?", BRK, {"by": "stage"}),
    ("did oxygen drop below 88 during REM?", THR, {"stages": ("REM",), "condition": ("spo2", "<", 88)}),
    ("how many minutes below 90 in REM?", THR, {"stages": ("REM",), "condition": ("spo2", "<", 90)}),
    ("did the heart rate go above 90 in REM?", THR, {"stages": ("REM",), "condition": ("hr", ">", 90)}),
    ("how much REM should a 70-year-old get?", NOR, {"age": 70}),
    ("what should the efficiency be for adults?", NOR, {}),
    ("what should I look at first?", SUM, {"topic": "findings"}),
    ("what's the desaturation nadir?", LOC, {"phenomenon": "desaturation", "rank": "strongest"}),
    ("mean desaturation depth", LOC, {"phenomenon": "desaturation"}),
    ("what is tachycardia", EXP, {"phenomenon": "tachycardia"}),
    ("show a clear example of REM sleep", CLA, {"stages": ("REM",), "stage_event": "example"}),
    ("show me a spindle", LOC, {"phenomenon": "spindle", "count": 1}),
    ("find sleep spindles", LOC, {"phenomenon": "spindle", "modality": "brain"}),
    ("find spindles in N2", LOC, {"phenomenon": "spindle", "stages": ("N2",)}),
    ("show me K-complexes during stage 2", LOC, {"phenomenon": "k_complex", "stages": ("N2",)}),
    ("show slow waves in the first hour", LOC, {"phenomenon": "slow_waves", "time": ("elapsed", 0, 3600)}),
    ("highlight alpha rhythm", LOC, {"phenomenon": "alpha"}),
    ("did the person ever stop breathing?", LOC, {"phenomenon": "apnea"}),
    ("when did the breathing pause?", LOC, {"phenomenon": "apnea"}),
    ("when was their heart racing?", THR, {"phenomenon": "tachycardia"}),
    ("racing heart", THR, {"phenomenon": "tachycardia"}),
    ("where was the breathing shallow", LOC, {"phenomenon": "hypopnea"}),
    ("how long was the patient in REM", AMT, {"stages": ("REM",)}),
    ("how much deep sleep did they get?", AMT, {"stages": ("N3",)}),
    ("what fraction of the night was N3", AMT, {"stages": ("N3",)}),
    ("how much dream sleep was there", AMT, {"stages": ("REM",)}),
    ("percentage of light sleep", AMT, {"stages": ("N1", "N2")}),
    ("how long were they awake", AMT, {"stages": ("W",)}),
    ("how much REM in the second half of the night", AMT, {"stages": ("REM",), "time": ("fraction", 0.5, 1.0)}),
    ("what proportion was stage 2", AMT, {"stages": ("N2",)}),
    ("how many minutes of N1", AMT, {"stages": ("N1",)}),
    ("Is this person's sleep normal?", NOR, {"age": None}),
    ("is this normal for a 65 year old?", NOR, {"age": 65}),
    ("is that a normal amount of deep sleep?", NOR, {}),
    ("how does this night compare with healthy sleepers", NOR, {}),
    ("are these values in the normal range for a 30-year-old", NOR, {"age": 30}),
    ("does anything look abnormal", NOR, {}),
    ("what's the weather tomorrow?", OFF, {}),
    ("tell me a joke", OFF, {}),
    ("who won the football game", OFF, {}),
    ("what is the capital of Peru", OFF, {}),
    ("write me a poem about cats", OFF, {}),
    ("how do I bake bread", OFF, {}),
    ("what should they take to sleep better", MED, {}),
    ("how is breathing during REM?", DES, {"stages": ("REM",), "modality": "respiratory"}),
    ("describe the brain activity in the first hour", DES, {"modality": "brain", "time": ("elapsed", 0, 3600)}),
    ("tell me about the EEG at 11:30 pm", DES, {"modality": "brain", "time": ("clock", 23.5 * 3600, None)}),
    ("what does the night look like around 4 am", DES, {"time": ("clock", 4 * 3600, None)}),
    ("when does dream sleep start", TIM, {"stages": ("REM",), "stage_event": "first"}),
    ("when did they first reach deep sleep", TIM, {"stages": ("N3",), "stage_event": "first"}),
    ("when did the person wake up in the morning", TIM, {"stage_event": "final_wake"}),
    ("what time did they wake up?", TIM, {"stage_event": "final_wake"}),
    ("did they wake up during the night?", TIM, {"stage_event": "awakenings"}),
    ("did she wake up at night", TIM, {"stage_event": "awakenings"}),
    ("at what time did she nod off", TIM, {"stage_event": "onset"}),
    ("zoom into 1 am", NAV, {"time": ("clock", 3600, None)}),
    ("move to 5:30 am", NAV, {"time": ("clock", 5.5 * 3600, None)}),
    ("plot the sleep stages over the night", SHO, {}),
    ("show the whole night", SHO, {}),
    ("classify this epoch as wake, drowsy or asleep", CLA, {"labels": ("wake", "drowsy", "asleep"), "time": ("current", 0, None)}),
    ("label the current epoch as calm or restless", CLA, {"labels": ("calm", "restless")}),
    ("is this epoch dreaming or deep sleep?", CLA, {"labels": ("dreaming", "deep sleep")}),
    ("classify epoch 200 as relaxed, alert or asleep", CLA, {"labels": ("relaxed", "alert", "asleep"), "time": ("epoch", 200, None)}),
    ("categorize the first hour into awake, dozing, sleeping", CLA, {"labels": ("awake", "dozing", "sleeping"), "time": ("elapsed", 0, 3600)}),
    ("where are the times the airway closed", LOC, {"phenomenon": "obstructive_apnea"}),
    ("show me when the legs kicked", LOC, {"phenomenon": "limb_movement"}),
    ("when did the oxygen dip", LOC, {"phenomenon": "desaturation"}),
    ("brief awakenings in the second half", LOC, {"phenomenon": "arousal", "time": ("fraction", 0.5, 1.0)}),
    ("slow heart rate episodes", THR, {"phenomenon": "bradycardia"}),
    # Telling two things apart, whichever way it is asked; what no detector reads.
    ("how do I tell N1 from REM?", CMP, {"groups": (("N1",), ("REM",))}),
    ("how can you distinguish N2 from N3?", CMP, {"groups": (("N2",), ("N3",))}),
    ("how to tell a spindle and a K-complex apart?", EXP, {"phenomenon": "spindle",
                                                          "contrast": "k_complex"}),
    ("what are sawtooth waves?", UNK, {"note": "unmeasured"}),
    ("what's the hypoxic burden?", Intent.MEASURE, {"measure": "hypoxic_burden"}),
]

RESEARCHER: list[tuple[str, Intent, dict]] = [
    # Parts of the night side by side; the time either side of sleep onset.
    ("how does the first sleep cycle compare to the last?", CMP, {"group_times": ("cycle", "cycle")}),
    ("compare the first and last cycles", CMP, {"group_times": ("cycle", "cycle")}),
    ("compare wake before sleep onset with wake after", CMP,
     {"group_times": ("before_onset", "after_onset"), "groups": (("W",), ("W",))}),
    ("heart rate before falling asleep vs after falling asleep", CMP, {"groups": ((), ())}),
    ("how much time awake after sleep onset", SUM, {"stat": "waso"}),
    ("how long was she awake before falling asleep?", TIM, {"stage_event": "onset"}),
    ("when did she fall asleep and when did she wake up for good?", TIM, {"stage_event": "window"}),
    # The worst hour for breathing; the heart against the rest of sleep, not the norms.
    ("what's the worst part of the night for breathing?", BRK, {"by": "hour",
                                                              "phenomenon": "respiratory_event"}),
    ("how fast was the heart during the apneas compared to normal breathing?", MEA,
     {"signal": "hr", "phenomenon": "apnea"}),
    ("when was the oxygen lowest and what was happening then?", MEA, {"signal": "spo2"}),
    # Band powers and the epoch on screen.
    ("what is the alpha power here?", BRK, {"by": "scope", "time": ("current", 0.0, None)}),
    ("what was the alpha power?", BRK, {"by": "stage"}),
    ("was there alpha intrusion into deep sleep?", BRK, {"stages": ("N3",), "measure": "alpha power"}),
    # The library itself, retrieval from the epoch on screen, the scoring's doubts.
    ("which night in the library has the most apneas?", REC, {"topic": "library",
                                                             "phenomenon": "apnea"}),
    ("what's in the library?", REC, {"topic": "library"}),
    ("what's the REI?", SUM, {"stat": "ahi"}),
    ("is the ECG any good?", REC, {"topic": "quality"}),
    ("what should I look at first in this night?", SUM, {"topic": "findings"}),
    ("what's the most interesting thing in this recording?", SUM, {"topic": "findings"}),
    ("any red flags?", SUM, {"topic": "findings"}),
    ("did she wake up a lot?", TIM, {"stage_event": "awakenings"}),
    ("were there any periods of poor signal?", REC, {"topic": "quality"}),
    ("how well does your staging agree with YASA?", REC, {"topic": "scoring"}),
    ("what is the kappa?", REC, {"topic": "scoring"}),
    ("how many epochs were N1?", AMT, {"stages": ("N1",)}),
    ("how many epochs are there?", REC, {"topic": "channels"}),
    # A scorer's shorthand.
    ("n3 mins", AMT, {"stages": ("N3",)}),
    ("sleep eff", SUM, {"stat": "se"}),
    ("apneas>20s", LOC, {"phenomenon": "apnea", "min_duration": 20.0}),
    ("centrals in rem", LOC, {"phenomenon": "central_apnea", "stages": ("REM",)}),
    ("hrv", BRK, {"by": "stage"}),
    ("sol", TIM, {"stage_event": "onset"}),
    ("rol", TIM, {"stage_event": "latency", "stages": ("REM",)}),
    ("REM periods longer than 20 minutes", TIM, {"min_duration": 1200.0}),
    ("was the airflow usable?", REC, {"topic": "quality"}),
    ("is this a good study?", REC, {"topic": "quality"}),
    ("how was the staging done?", REC, {"topic": "scoring"}),
    ("which stager was used?", REC, {"topic": "scoring"}),   # not respelled "stage"
    ("show me a sleep-onset transition", TIM, {"stage_event": "onset"}),
    ("was there more deep sleep early in the night?", CMP, {}),
    ("were there more apneas toward morning?", BRK, {"by": "hour"}),
    # an "or" with a comparative classifies an epoch unless it compares a signal
    ("is this epoch more like wake or N1?", CLA, {"labels": ("wake", "N1")}),
    ("was the heart rate higher at the start of the night or at the end?", CMP, {"signal": "hr"}),
    ("where do the machine and the model disagree?", REC, {"topic": "scoring",
                                                           "note": "disagree"}),
    ("what algorithm was used?", REC, {"topic": "scoring"}),
    ("is the recording good quality?", REC, {"topic": "quality"}),
    ("was this study technically adequate?", REC, {"topic": "quality"}),
    ("how many transitions from N2 to N3?", MEA, {"measure": "transitions", "target": "N2>N3"}),
    ("summarize the oxygen", SUM, {"topic": "system", "modality": "respiratory"}),
    ("is the breathing worse on the back?", BRK, {"by": "position", "stat": "ahi"}),
    ("is the breathing rate higher on the back?", BRK, {"by": "position", "stat": None}),
    ("find more like this in other nights", SIM, {"target": None}),
    ("find similar epochs", SIM, {"target": None}),
    ("are there any periods where the signals look bad?", REC, {"topic": "quality"}),
    ("which stage was hardest for you to score?", REC, {"topic": "scoring"}),
    # Diagnosis questions, whatever the verb: no diagnosis, the disorder kept for its numbers.
    ("could this person have obstructive sleep apnea?", MED, {"condition_name": "sleep apnea"}),
    ("is this consistent with insomnia", MED, {"condition_name": "insomnia"}),
    ("does this look like insomnia?", MED, {"condition_name": "insomnia"}),
    ("does the subject suffer from narcolepsy?", MED, {"condition_name": "narcolepsy"}),
    ("are there signs of restless legs syndrome?", MED, {"condition_name": "restless legs"}),
    ("compare EEG in N1 and N3", CMP, {"groups": (("N1",), ("N3",)), "measure": "eeg"}),
    ("heart rate in REM vs N3", CMP, {"groups": (("REM",), ("N3",)), "measure": "heart rate"}),
    ("compare breathing in N2 versus REM", CMP, {"groups": (("N2",), ("REM",)), "measure": "breathing"}),
    ("EEG in the first hour vs the last hour", CMP, {"groups": ((), ()), "group_times": ("elapsed", "from_end")}),
    ("what is the difference between deep sleep and REM sleep", CMP, {"groups": (("N3",), ("REM",))}),
    ("compare delta power in N2 and N3", CMP, {"groups": (("N2",), ("N3",)), "measure": "delta power"}),
    ("sigma power N2 versus N3", CMP, {"groups": (("N2",), ("N3",))}),
    ("HRV in REM compared to NREM", CMP, {"groups": (("REM",), ("N1", "N2", "N3"))}),
    ("compare SpO2 in the first half and the second half", CMP, {"group_times": ("fraction", "fraction")}),
    ("contrast alpha in wake and N1", CMP, {"groups": (("W",), ("N1",))}),
    ("chin EMG in REM vs N2", CMP, {"groups": (("REM",), ("N2",))}),
    ("theta power: N1 vs REM", CMP, {"groups": (("N1",), ("REM",))}),
    ("breathing rate between 1 and 2 am vs between 4 and 5 am", CMP, {"group_times": ("clock", "clock")}),
    ("what fraction of total sleep time was N1?", AMT, {"stages": ("N1",)}),
    ("percent REM", AMT, {"stages": ("REM",)}),
    ("N3 as a percentage of TST", AMT, {"stages": ("N3",)}),
    ("minutes of wake in the first 2 hours", AMT, {"stages": ("W",), "time": ("elapsed", 0, 7200)}),
    ("how much NREM sleep", AMT, {"stages": ("N1", "N2", "N3")}),
    ("share of REM after 3 am", AMT, {"stages": ("REM",), "time": ("after", 3 * 3600, None)}),
    ("mean breathing rate between 1 and 2 am", MEA, {"signal": "resp", "time": ("clock", 3600, 7200)}),
    ("SpO2 variability in the last 2 hours", MEA, {"signal": "spo2", "time": ("from_end", 7200, 0)}),
    ("median heart rate in REM", MEA, {"signal": "hr", "stages": ("REM",)}),
    ("standard deviation of the respiratory rate during N3", MEA, {"signal": "resp", "stages": ("N3",)}),
    ("heart rate trend in the second half", MEA, {"signal": "hr", "time": ("fraction", 0.5, 1.0)}),
    ("minimum saturation between midnight and 2 am", MEA, {"signal": "spo2"}),
    ("top 3 longest arousals in the second half", LOC, {"phenomenon": "arousal", "count": 3, "rank": "longest"}),
    ("spindles during the first 2 hours", LOC, {"phenomenon": "spindle", "time": ("elapsed", 0, 7200)}),
    ("K-complexes between 1 and 2 am", LOC, {"phenomenon": "k_complex"}),
    ("first 5 desaturations", LOC, {"phenomenon": "desaturation", "count": 5, "rank": "earliest"}),
    ("last 3 hypopneas", LOC, {"phenomenon": "hypopnea", "count": 3, "rank": "latest"}),
    ("shortest central apneas", LOC, {"phenomenon": "central_apnea", "rank": "shortest"}),
    ("the 3 longest hypopneas in N2", LOC, {"phenomenon": "hypopnea", "count": 3, "rank": "longest", "stages": ("N2",)}),
    ("sawtooth waves", UNK, {"target": "sawtooth"}),
    ("did the patient snore?", THR, {"phenomenon": "snoring", "signal": "snore"}),
    ("how loud was the snoring in REM?", MEA, {"signal": "snore", "stages": ("REM",)}),
    ("was the snoring louder on the back?", BRK, {"by": "position"}),
    ("did the snoring get louder through the night?", BRK, {"by": "hour"}),
    ("snore index", THR, {"phenomenon": "snoring"}),
    ("did the apneas get worse during the night?", BRK, {"by": "hour", "phenomenon": "apnea"}),
    ("teeth grinding", UNK, {"target": "teeth grinding"}),
    ("was there any bruxism?", UNK, {"target": "bruxism"}),
    ("what's the average apnea length?", LOC, {"phenomenon": "apnea"}),
    ("what is the typical spindle duration?", LOC, {"phenomenon": "spindle"}),
    ("what percentage of apneas were central?", LOC, {"phenomenon": "apnea", "share": "central_apnea"}),
    ("AHI in REM", SUM, {"stat": "ahi", "stages": ("REM",)}),
    ("sleep efficiency in the second half", SUM, {"stat": "se", "time": ("fraction", 0.5, 1.0)}),
    ("any sleepwalking?", UNK, {"target": "sleepwalking"}),
    ("was the ODI higher in the first or the second half?", CMP, {"stat": "odi"}),
    ("compare the AHI in REM and N2", CMP, {"stat": "ahi"}),
    ("label epoch 300 as arousal or no arousal", CLA, {"labels": ("arousal", "no arousal"), "time": ("epoch", 300, None)}),
    ("classify the current epoch into alert, drowsy, sleeping", CLA, {"labels": ("alert", "drowsy", "sleeping")}),
    ("zero-shot classify the second half with labels: REM, NREM", CLA, {"labels": ("REM", "NREM"), "time": ("fraction", 0.5, 1.0)}),
    ("sort this epoch into spindle / no spindle", CLA, {"labels": ("spindle", "no spindle")}),
    ("retrieve examples of spindles from the library", SIM, {"phenomenon": "spindle"}),
    ("nearest neighbours of epoch 400 in other recordings", SIM, {"time": ("epoch", 400, None)}),
    ("summarize sleep architecture", SUM, {}),
    ("sleep report please", SUM, {}),
    ("what is the oxygen desaturation index", SUM, {}),
    ("how well did the patient sleep", NOR, {}),   # the night against healthy sleepers' norms
    ("when was the last REM period", TIM, {"stages": ("REM",), "stage_event": "last"}),
    ("latency to REM", TIM, {"stage_event": "latency"}),
    ("first epoch of N2 after 1 am", TIM, {"stages": ("N2",), "time": ("after", 3600, None)}),
    ("when did the final REM period end", TIM, {"stages": ("REM",), "stage_event": "last"}),
    ("is the REM latency within norms", NOR, {}),
    ("compare this night to normative values for age 72", NOR, {"age": 72}),
    ("is this treatable?", MED, {}),
    ("recommend a therapy", MED, {}),
    ("quantum chromodynamics lecture notes", OFF, {}),
    ("asdf qwerty", OFF, {}),
    ("breathing rate above 25 in REM", THR, {"condition": ("resp", ">", 25.0), "stages": ("REM",)}),
    ("HR > 100 after 2 am", THR, {"condition": ("hr", ">", 100.0), "time": ("after", 2 * 3600, None)}),
    ("SpO2 < 90 in N2", THR, {"condition": ("spo2", "<", 90.0), "stages": ("N2",)}),
    ("runs of heart rate exceeding 95 bpm for at least 60 s", THR, {"condition": ("hr", ">", 95.0), "min_duration": 60.0}),
    ("epochs where saturation stays under 91%", THR, {"condition": ("spo2", "<", 91.0)}),
    ("describe the respiratory signals in REM", DES, {"modality": "respiratory", "stages": ("REM",)}),
    ("characterize epochs 100-110", DES, {"time": ("epoch", 100, 110)}),
]

FOLLOW_UPS: list[tuple[str, Ref, dict]] = [
    ("and in REM?", Ref.REPEAT, {"stages": ("REM",)}),
    ("and the RDI?", Ref.REPEAT, {"stat": "rdi"}),
    ("what about N3?", Ref.REPEAT, {"stages": ("N3",)}),
    ("and during deep sleep?", Ref.REPEAT, {"stages": ("N3",)}),
    ("and in the first hour?", Ref.REPEAT, {"time": ("elapsed", 0, 3600)}),
    ("and breathing?", Ref.REPEAT, {"signal": "resp"}),
    ("what about the heart rate?", Ref.REPEAT, {"signal": "hr"}),
    ("how about oxygen", Ref.REPEAT, {"signal": "spo2"}),
    ("only the ones after 4 am", Ref.REFINE, {"time": ("after", 4 * 3600, None)}),
    ("just those in REM", Ref.REFINE, {"stages": ("REM",)}),
    ("only the ones longer than 20 s", Ref.REFINE, {"min_duration": 20.0}),
    ("how many were there?", Ref.COUNT, {}),
    ("how many?", Ref.COUNT, {}),
    ("zoom into the second one", Ref.FOCUS, {"ordinal": 1}),
    ("show me the third one", Ref.FOCUS, {"ordinal": 2}),
    ("go to the last one", Ref.FOCUS, {"ordinal": -1}),
    ("zoom to it", Ref.FOCUS, {"ordinal": None}),
    ("jump to number 4", Ref.FOCUS, {"ordinal": 3}),
    ("show me the longest one", Ref.FOCUS, {"rank": "longest"}),
    ("next one", Ref.STEP, {"step": 1}),
    ("the previous one", Ref.STEP, {"step": -1}),
    ("next", Ref.STEP, {"step": 1}),
    ("go back", Ref.BACK, {}),
    ("back", Ref.BACK, {}),
    ("what happened just before it?", Ref.CONTEXT, {"step": -1}),
    ("what happened right after that?", Ref.CONTEXT, {"step": 1}),
    ("what led up to it", Ref.CONTEXT, {"step": -1}),
    ("compare with the first half", Ref.COMPARE_WITH, {"group_times": (None, "fraction")}),
    ("compare it to N3", Ref.COMPARE_WITH, {}),
    ("how long was it?", Ref.ITEM, {}),
    ("how fast was it?", Ref.ITEM, {}),
    ("what frequency was it?", Ref.ITEM, {}),
    # Bare picks from the last list and bare "before?" / "after?".
    ("the longest one", Ref.FOCUS, {"rank": "longest"}),
    ("ok, the shortest of them", Ref.FOCUS, {"rank": "shortest"}),
    ("the third", Ref.FOCUS, {"ordinal": 2}),
    ("and the last one?", Ref.FOCUS, {"ordinal": -1}),
    ("that one", Ref.FOCUS, {"ordinal": None, "rank": None}),
    ("what was going on right before?", Ref.CONTEXT, {"step": -1}),
    ("and what happened after?", Ref.CONTEXT, {"step": 1}),
    ("what was the oxygen during it?", Ref.ITEM, {}),
    # The phenomenon just talked about, found; the last list counted in a narrower scope.
    ("show me one", Ref.EXAMPLE, {"count": 1}),
    ("find one in REM", Ref.EXAMPLE, {"stages": ("REM",), "count": 1}),
    ("give me an example", Ref.EXAMPLE, {}),
    ("give me an example of those in REM", Ref.EXAMPLE, {"stages": ("REM",)}),
    ("and another one", Ref.EXAMPLE, {"count": 1}),
    ("one more please", Ref.EXAMPLE, {"count": 1}),
    ("show me the clearest example", Ref.EXAMPLE, {"count": 1}),
    ("show me some more", Ref.EXAMPLE, {"count": None}),
    ("how many of them were in REM?", Ref.COUNT, {"stages": ("REM",)}),
    ("how many were after 4 am?", Ref.COUNT, {"time": ("after", 4 * 3600, None)}),
    ("what does that mean?", Ref.MEANING, {}),
    ("the deepest one", Ref.FOCUS, {"rank": "strongest"}),
    ("what was the heart rate then?", Ref.ITEM, {}),
    ("and then?", Ref.CONTEXT, {"step": 1}),
    ("what happened next?", Ref.CONTEXT, {"step": 1}),
    ("only the deep ones", Ref.REFINE, {"stages": ()}),
    ("ok, explain that", Ref.MEANING, {}),
    ("which was the deepest?", Ref.FOCUS, {"rank": "strongest"}),
    ("when was the longest one?", Ref.FOCUS, {"rank": "longest"}),
    ("how long did it last?", Ref.ITEM, {}),
    ("why?", Ref.WHY, {}),
    ("how do you know?", Ref.WHY, {}),
    ("what makes you say that?", Ref.WHY, {}),
    ("what percentage is that?", Ref.SHARE, {}),
    ("what woke the patient?", Ref.CONTEXT, {"step": -1}),
    ("and as a fraction of all of them?", Ref.SHARE, {}),
    ("show it to me", Ref.FOCUS, {"ordinal": None}),
    ("can you show me that please", Ref.FOCUS, {"ordinal": None}),
    ("list them", Ref.LIST, {}),
    ("how many did this night have?", Ref.COUNT, {}),
    ("describe it", Ref.ITEM, {}),
    ("where's the clearest one?", Ref.EXAMPLE, {"count": 1}),
    ("show me all of them", Ref.LIST, {}),
    ("give me the full list", Ref.LIST, {}),
    ("split that by supine vs non-supine", Ref.REPEAT, {}),
    ("break it down by stage", Ref.REPEAT, {}),
]

TABLE = ([("technician",) + row for row in TECHNICIAN] + [("educator",) + row for row in EDUCATOR]
         + [("researcher",) + row for row in RESEARCHER])


def _check(q, key: str, expected) -> None:
    if key == "stages":
        assert q.scope.stages == expected, q
    elif key == "time":
        t = q.scope.time
        assert t is not None, q
        kind, start, end = expected
        assert (t.kind, t.start, t.end) == (kind, start, end), t
    elif key == "condition":
        assert q.condition is not None and (q.condition.signal, q.condition.op,
                                            q.condition.value) == expected, q
    elif key == "groups":
        assert q.groups is not None and tuple(g.stages for g in q.groups) == expected, q
    elif key == "group_times":
        assert q.groups is not None, q
        assert tuple(g.time.kind if g.time else None for g in q.groups) == expected, q.groups
    else:
        assert getattr(q, key) == expected, q


@pytest.mark.parametrize(("voice", "text", "intent", "args"), TABLE,
                         ids=[f"{t[0]}:{t[1] or '<empty>'}" for t in TABLE])
def test_phrasing_table(voice: str, text: str, intent: Intent, args: dict) -> None:
    q = understand(text)
    assert q.intent == intent, q
    assert q.ref == Ref.NONE, q
    for key, expected in args.items():
        _check(q, key, expected)


@pytest.mark.parametrize(("text", "ref", "args"), FOLLOW_UPS, ids=[t[0] for t in FOLLOW_UPS])
def test_follow_ups_are_marked(text: str, ref: Ref, args: dict) -> None:
    q = understand(text)
    assert q.ref == ref, q
    for key, expected in args.items():
        _check(q, key, expected)


def test_table_is_large_and_covers_every_intent() -> None:
    assert len(TABLE) >= 200
    assert {i for _, _, i, _ in TABLE} == set(Intent)
    assert {v for v, *_ in TABLE} == {"technician", "educator", "researcher"}


def _night(start: datetime | None) -> NightClock:
    return NightClock(start, 8 * 3600.0, np.arange(960) * 30.0, current_epoch=10)


def test_clock_times_resolve_across_midnight() -> None:
    night = _night(datetime(2026, 1, 1, 22, 30, 0))
    assert resolve(TimeSpan("clock", 2 * 3600 + 15 * 60), night) == (3.75 * 3600, 3.75 * 3600 + 30)
    assert resolve(parse_time("between 11 pm and 1 am"), night) == (1800.0, 9000.0)
    assert resolve(parse_time("after 3am"), night) == (4.5 * 3600, 8 * 3600.0)
    assert resolve(parse_time("before 1 am"), night) == (0.0, 2.5 * 3600)
    assert resolve(TimeSpan("clock", 23 * 3600 + 40), night) == (1830.0, 1860.0)


@pytest.mark.parametrize(("text", "by"), [("by position?", "position"), ("and by hour?", "hour"),
                                         ("split by sleep stage", "stage")])
def test_a_bare_split_refers_to_the_last_question(text: str, by: str) -> None:
    q = understand(text)
    assert (q.intent, q.by, q.ref) == (Intent.BREAKDOWN, by, Ref.REPEAT)


def test_a_length_of_time_tied_to_a_clock_is_that_long() -> None:
    night = _night(datetime(2026, 1, 1, 22, 30, 0))
    assert resolve(parse_time("what happened in the hour after 4 am?"), night) == (
        5.5 * 3600, 6.5 * 3600)
    assert resolve(parse_time("the 30 minutes before 3 am"), night) == (4 * 3600, 4.5 * 3600)
    assert resolve(parse_time("apneas in the two hours after 11 pm"), night) == (1800.0, 9000.0)
    assert resolve(parse_time("the hour around 2am"), night) == (3 * 3600, 4 * 3600)
    assert parse_time("the 10 minutes after 25") is None


def test_a_time_outside_the_night_resolves_to_an_empty_span() -> None:
    night = _night(datetime(2026, 1, 1, 22, 30, 0))
    start, end = resolve(parse_time("at 9 pm"), night)
    assert start >= 8 * 3600 and end == start


def test_a_range_opening_before_the_recording_is_clipped_to_its_start() -> None:
    night = _night(datetime(2026, 1, 1, 22, 30, 0))
    assert resolve(parse_time("between 10 pm and 7 am"), night) == (0.0, 8 * 3600.0)
    assert resolve(parse_time("between 10 pm and 11 pm"), night) == (0.0, 1800.0)
    assert resolve(parse_time("after 10 pm"), night) == (0.0, 8 * 3600.0)
    start, end = resolve(parse_time("before 10 pm"), night)
    assert end == start   # wholly before the recording: empty, and refused by the plan


def test_spans_without_clock_and_relative_spans() -> None:
    night = _night(None)
    assert resolve(parse_time("at 02:15"), night) == (8100.0, 8130.0)
    assert resolve(parse_time("the last hour"), night) == (7 * 3600.0, 8 * 3600.0)
    assert resolve(parse_time("epoch 300"), night) == (9000.0, 9030.0)
    assert resolve(parse_time("this epoch"), night) == (300.0, 330.0)
    assert resolve(parse_time("first half of the night"), night) == (0.0, 4 * 3600.0)
    assert resolve(parse_time("late in the night"), night) == (8 * 3600 * 2 / 3, 8 * 3600.0)


def test_format_clock() -> None:
    assert format_clock(3.75 * 3600, datetime(2026, 1, 1, 22, 30, 0)) == "02:15:00"
    assert format_clock(3725.0, None) == "+1:02:05"


@pytest.mark.parametrize("text", ["what is the spindle frequency?", "what is the arousal rate?",
                                  "what is the hypopnea duration?", "what's the K-complex amplitude?"])
def test_a_property_of_events_is_measured_not_defined(text: str) -> None:
    q = understand(text)
    assert q.intent == Intent.LOCATE and q.phenomenon is not None, q


@pytest.mark.parametrize("text", ["what is a spindle?", "what is a hypopnea?", "what are arousals?"])
def test_a_phenomenon_named_alone_is_defined(text: str) -> None:
    assert understand(text).intent == Intent.EXPLAIN


@pytest.mark.parametrize(("text", "phen"), [("why do we dream in REM?", "rem"),
                                            ("why do people have deep sleep?", "slow_waves")])
def test_a_why_about_a_stage_explains_its_hallmark(text: str, phen: str) -> None:
    q = understand(text)
    assert (q.intent, q.phenomenon) == (Intent.EXPLAIN, phen), q


@pytest.mark.parametrize(("text", "phen", "together", "apart"), [
    ("show me a hypopnea with a desaturation", "hypopnea", "desaturation", False),
    ("how many apneas had a desaturation?", "apnea", "desaturation", False),
    ("how many hypopneas had no desaturation?", "hypopnea", "desaturation", True),
    ("hypopneas that did not cause an arousal", "hypopnea", "arousal", True),
    ("which apneas ended in an arousal?", "apnea", "arousal", False),
    ("how many desaturations were tied to an apnea?", "desaturation", "apnea", False),
    # not ties: a signal threshold, and the arousals' own causes
    ("apneas with SpO2 below 90%", "apnea", None, False),
    ("arousals associated with apneas", "arousal", None, False),
])
def test_events_tied_to_another_kind(text: str, phen: str, together: str | None,
                                     apart: bool) -> None:
    q = understand(text)
    assert (q.phenomenon, q.together, q.apart) == (phen, together, apart), q


@pytest.mark.parametrize(("text", "intent", "phen"), [
    ("what is the oahi?", Intent.LOCATE, "obstructive_event"),
    ("CAI?", Intent.LOCATE, "central_apnea"),
    ("what does OAHI mean?", Intent.EXPLAIN, "obstructive_event"),
    # the index's own definition (the glossary's), not the arousal's
    ("what does the arousal index mean?", Intent.EXPLAIN, None),
])
def test_index_abbreviations_are_event_rates_and_their_meaning_a_definition(
        text: str, intent: Intent, phen: str) -> None:
    q = understand(text)
    assert (q.intent, q.phenomenon) == (intent, phen), q
    assert understand("what is the apnea-hypopnea index?").stat == "ahi"


def test_how_does_that_compare_with_normal_asks_for_the_norms() -> None:
    assert understand("how does that compare with normal?").intent == Intent.NORMAL
    assert understand("compare it with the first half").ref == Ref.COMPARE_WITH


@pytest.mark.parametrize("text", ["when did the longest N3 period occur?",
                                  "when did the shortest REM period start?"])
def test_when_was_the_longest_period_ranks_the_periods(text: str) -> None:
    q = understand(text)
    assert (q.intent, q.stage_event) == (Intent.STAGE_TIMING, "periods"), q
    assert q.rank in ("longest", "shortest"), q


@pytest.mark.parametrize(("text", "stat", "phen"), [
    ("did the breathing get worse toward morning?", "ahi", None),
    ("did the apnea get worse as the night went on?", None, "apnea"),
    ("were there more desaturations toward morning?", None, "desaturation"),
])
def test_worse_toward_morning_is_the_night_hour_by_hour(text: str, stat: str | None,
                                                        phen: str | None) -> None:
    q = understand(text)
    assert (q.intent, q.by, q.stat, q.phenomenon, q.scope.time) == (
        Intent.BREAKDOWN, "hour", stat, phen, None), q
    # asked without a trend, "toward morning" is the last third of the night
    assert understand("how many apneas toward morning?").scope.time.kind == "fraction"


@pytest.mark.parametrize("text", ["how long did the recording last?",
                                  "what time did the recording start?"])
def test_the_recording_length_and_start_are_about_the_file(text: str) -> None:
    q = understand(text)
    assert (q.intent, q.topic) == (Intent.RECORDING, "channels"), q


@pytest.mark.parametrize(("text", "intent", "event"), [
    ("what does a normal night look like compared to this one?", Intent.NORMAL, None),
    ("when did they get up?", Intent.STAGE_TIMING, "final_wake"),
    ("did they nap?", Intent.STAGE_TIMING, "naps"),
])
def test_a_scorers_plain_questions_about_the_night(text: str, intent: Intent,
                                                  event: str | None) -> None:
    q = understand(text)
    assert (q.intent, q.stage_event) == (intent, event), q
    # "compared to normal breathing" is the rest of the night, not the norms
    assert understand("was the breathing in REM different compared to normal breathing?"
                      ).intent != Intent.NORMAL


@pytest.mark.parametrize(("text", "intent", "by"), [
    ("how bad were the apneas in rem compared to nrem", Intent.BREAKDOWN, "stage"),
    ("pt on back much?", Intent.BREAKDOWN, "position"),
    ("how severe is the apnea?", Intent.MEDICAL, None),
])
def test_a_scorers_shorthand_and_comparisons_are_not_judgements(text: str, intent: Intent,
                                                               by: str | None) -> None:
    q = understand(text)
    assert (q.intent, q.by) == (intent, by), q


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("mostly obstructive or central?", Intent.LOCATE, {"phenomenon": "apnea",
                                                       "share": "obstructive_apnea"}),
    ("are they central or obstructive", Intent.LOCATE, {"share": "central_apnea"}),
    ("when were they worst?", Intent.BREAKDOWN, {"by": "hour", "phenomenon": "respiratory_event"}),
    ("when was the breathing at its worst?", Intent.BREAKDOWN, {"phenomenon": "respiratory_event"}),
    ("show me the worst 10 minutes", Intent.MEASURE, {"measure": "busiest_epochs",
                                                      "window": 600.0}),
    ("which 15 minutes had the most desaturations?", Intent.MEASURE, {"window": 900.0,
                                                                      "phenomenon": "desaturation"}),
    ("is the flow signal good quality?", Intent.RECORDING, {"topic": "quality"}),
    ("can you stage this night?", Intent.RECORDING, {"topic": "scoring"}),
    ("can you stage epoch 40?", Intent.CLASSIFY, {}),
    ("how fragmented was REM?", Intent.MEASURE, {"measure": "fragmentation"}),
    ("was N3 interrupted?", Intent.MEASURE, {"measure": "fragmentation"}),
    ("how fragmented was sleep?", Intent.SUMMARY, {"stat": "shifts"}),
    ("what caused the awakenings?", Intent.MEASURE, {"measure": "awakening_causes"}),
    ("why did she keep waking up?", Intent.MEASURE, {"measure": "awakening_causes"}),
    ("the 5 longest wake bouts", Intent.STAGE_TIMING, {}),
    ("how many were there per hour?", Intent.LOCATE, {"ref": Ref.COUNT, "per": "hour"}),
    ("is that high?", Intent.NORMAL, {}),
    ("plot the delta power across the night", Intent.BREAKDOWN, {"by": "hour"}),
    ("why is REM called paradoxical sleep?", Intent.EXPLAIN, {"target": "rem"}),
    ("which channel was used for staging?", Intent.RECORDING, {"topic": "scoring"}),
    ("what frequency were they?", Intent.LOCATE, {"ref": Ref.REPEAT}),
    ("does it decline across the night?", Intent.BREAKDOWN, {"by": "hour", "ref": Ref.REPEAT}),
    ("what's the SWA in the first cycle vs the last?", Intent.COMPARE, {}),
    ("and per hour?", Intent.LOCATE, {"ref": Ref.COUNT, "per": "hour"}),
    ("by hour?", Intent.BREAKDOWN, {"by": "hour", "ref": Ref.REPEAT}),
    ("is the heart rate normal?", Intent.SUMMARY, {"modality": "heart", "note": "normal"}),
    ("was the breathing ok?", Intent.SUMMARY, {"modality": "respiratory", "note": "normal"}),
    ("was there enough REM?", Intent.NORMAL, {"target": "REM"}),
    ("did he get enough sleep for a 70 year old?", Intent.NORMAL, {"target": "total sleep time",
                                                                   "age": 70}),
    ("give me the highlights", Intent.SUMMARY, {"topic": "findings"}),
    ("nadir?", Intent.MEASURE, {"signal": "spo2", "rank": "lowest"}),
    ("odi4", Intent.LOCATE, {"phenomenon": "desaturation", "min_depth": 4.0}),
    ("tst/se/waso", Intent.SUMMARY, {"stat": "tst", "more_stats": ("se", "waso")}),
    ("plms w/ arousal", Intent.LOCATE, {"phenomenon": "limb_movement", "together": "arousal"}),
    ("which position were most of them in?", Intent.BREAKDOWN, {"by": "position", "ref": Ref.REPEAT}),
    ("which position did they sleep in most?", Intent.BREAKDOWN, {"by": "position", "ref": Ref.NONE}),
    ("what's the mean duration?", Intent.LOCATE, {"ref": Ref.REPEAT}),
    ("how much was there?", Intent.STAGE_AMOUNT, {"ref": Ref.REPEAT}),
    ("compare obstructive and central apneas", Intent.MEASURE,
     {"measure": "event_kinds", "phenomenon": "obstructive_apnea", "contrast": "central_apnea"}),
    ("were centrals longer than obstructives?", Intent.MEASURE, {"measure": "event_kinds"}),
    ("compare hypopneas with apneas in REM", Intent.MEASURE, {"measure": "event_kinds"}),
    ("apneas in REM vs NREM", Intent.BREAKDOWN, {"by": "stage"}),
    ("compare heart rate during apneas and hypopneas", Intent.MEASURE, {"signal": "hr"}),
    ("how much W?", Intent.STAGE_AMOUNT, {"scope": Scope(("W",))}),
    ("show me one of each", Intent.LOCATE, {"ref": Ref.EXAMPLE, "note": "each"}),
])
def test_a_technicians_second_round_of_plain_questions(text: str, intent: Intent,
                                                       slots: dict) -> None:
    """Each was off topic, not understood or answered as another question (2026-12-03)."""
    q = understand(text)
    assert q.intent == intent, q
    for key, value in slots.items():
        assert getattr(q, key) == value, (key, q)
