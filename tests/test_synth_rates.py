"""Synthetic nights at high rates (> 256 Hz: rendered at an internal rate and upsampled) and the pinned
output of nights at 256 Hz and below, which the high-rate path must leave unchanged sample for sample."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy import fft
from scipy.signal import welch

from sleeplm_core.io.synth import SynthConfig, noise, synth_night
from sleeplm_core.io.synth.config import ChannelRates
from sleeplm_core.io.synth.noise import _band_mask, _band_mask_flat
from sleeplm_core.io.synth.upsample import INTERNAL_HZ, amplifier_response, upsample
from sleeplm_core.io.synth.variation import TEXTBOOK

R256 = ChannelRates(eeg=256.0, eog=256.0, emg=256.0, ecg=256.0, resp=32.0, snore=32.0)
R200 = ChannelRates(eeg=200.0, eog=200.0, emg=200.0, ecg=200.0)
R512 = ChannelRates(eeg=512.0, eog=512.0, emg=512.0, ecg=512.0)
GOLDEN_CASES = {
    "aasm-default-3": dict(seed=3),
    "aasm-256-5": dict(seed=5, rates=R256),
    "sleep-edf-200-7": dict(seed=7, profile="sleep-edf", rates=R200),
    "textbook-256-1": dict(seed=1, rates=R256, randomise=False),
}
# Per channel of a 0.5-h night: (rate, sum, std, first four samples), generated at 173e791, before the
# high-rate path existed (issue 14); the EEG and EOG rows re-pinned when the sleep stages' 8-12 Hz
# power became band noise (docs/synthetic.md, "Sleep alpha as background"), every other row as was. Any change to how a <= 256-Hz night is drawn moves these far more
# than the 1e-12 tolerance; the tolerance only forgives last-bit differences of another CPU's maths.
GOLDEN = {
    'aasm-default-3': {
        'ECG II': (128.0, 15294949.631267551, 189.37259404556744, -80.76904371803649, -77.41486859415343, -72.67652869576023, -53.16505475448148),
        'Abdomen': (25.0, 7.946345864894084, 0.4222864548966067, -0.5521108309043299, -0.5210077753511526, -0.5126443045809524, -0.5105812735485339),
        'Thorax': (25.0, -43.848900182829425, 0.351800001097793, -0.4391684857956104, -0.4577417917616347, -0.4469065202792332, -0.4370006639337486),
        'Airflow': (25.0, -53.3857313914516, 0.6176679008107627, 0.11331123069205609, 0.12435171692284155, 0.16867390300193835, 0.19689961259289143),
        'E1-M2': (100.0, -229.92709920907942, 25.700882070261695, -3.6362022066239046, -6.835848015134946, -10.838259935867422, -9.70992944648716),
        'E2-M1': (100.0, 236.97141746908562, 24.28743228073272, 21.489070460152906, 12.167838421061683, 9.275369671272395, -8.65929340364381),
        'C3-M2': (100.0, -19.947830289936974, 18.660620324227576, 5.5485792858225516, 2.173671719494594, -3.2528258044265304, -5.2062566471004335),
        'C4-M1': (100.0, 224.45269931708444, 20.41855347927878, 11.167230526250444, 11.053178772688456, 6.503139811353681, -0.9072273399556336),
        'Chin EMG': (100.0, 0.1882441270882076, 12.178575293208294, -6.973006308078766, 18.576424837112427, -21.70992112159729, 4.343439698219299),
        'Position': (1.0, 2814.0, 0.7152233528377302, 2.0, 2.0, 2.0, 2.0),
        'SpO2': (1.0, 174780.3, 0.7676840893955738, 97.1, 97.0, 97.2, 97.2),
        'Pulse': (1.0, 114741.0, 4.900110826411083, 72.0, 72.0, 72.0, 71.0),
        'Snore': (25.0, -12.474504837614543, 0.25409120074232056, 0.003637358232593061, -0.0316030072628954, -0.013197731626227822, 5.668855644282751e-05),
        'Leg EMG': (100.0, -0.002691421142851702, 2.3264243342775797, 3.191953659057617, 0.2792755663394928, -2.5435142517089844, 0.784651517868042),
    },
    'aasm-256-5': {
        'ECG II': (256.0, 40226412.58813766, 283.3300530356186, -3.3093649599933377, 10.602309241547704, -3.442786617468057, -1.5408496300645318),
        'Abdomen': (32.0, -10.035420339308143, 0.41125871500377886, -0.5044734390893779, -0.4973698101635139, -0.47845609307457293, -0.4963089677437791),
        'Thorax': (32.0, -11.863288420588892, 0.3425440082015712, -0.4334371943801264, -0.40761843808153575, -0.3987799250239256, -0.42038550955516835),
        'Airflow': (32.0, 77.46510798553041, 0.6990465039022118, 0.11727438595760005, 0.19745878442840897, 0.24708876032726163, 0.2940178296592084),
        'E1-M2': (256.0, -1184.363784805214, 26.800475817938718, 0.012006836779864784, 0.5504799999995689, 2.2362647834957636, 3.468599873538186),
        'E2-M1': (256.0, 1389.4145771218118, 24.354311126156095, 0.827746370230516, 3.6250894007825503, 6.870899375304051, 7.629645290938808),
        'C3-M2': (256.0, 98.3010694069884, 9.895294045870015, 0.42344281700106695, 1.766898987172032, 3.401148453241799, 4.063703397957959),
        'C4-M1': (256.0, 278.15491698869755, 11.297145756536722, 1.4840485956915106, 4.943464967695362, 8.19667799730005, 10.691536644485918),
        'Chin EMG': (256.0, 0.20913681012962115, 13.847513158423048, 6.448714017868042, 33.35877084732056, -5.251169919967651, -14.994383573532104),
        'Position': (1.0, 2311.0, 0.8999792521613971, 2.0, 2.0, 2.0, 2.0),
        'SpO2': (1.0, 173266.0, 0.698696316871555, 95.5, 95.8, 95.8, 96.2),
        'Pulse': (1.0, 124981.0, 3.2996744601869255, 73.0, 73.0, 73.0, 73.0),
        'Snore': (32.0, 4.27299920899478, 0.08857510959889818, 0.011503855044884286, -0.004451864750229429, -0.007535616228781672, -0.013960309657584616),
        'Leg EMG': (256.0, -0.0028115364183562974, 2.107283981714573, 3.1492018699645996, 0.5609460473060608, -2.510106325149536, -0.8171182870864868),
    },
    'sleep-edf-200-7': {
        'EEG Fpz-Cz': (200.0, 410.35095924005327, 22.382284677373942, 7.061710055243849, 8.161384849953045, 7.1236259678693195, 8.13683969844299),
        'EEG Pz-Oz': (200.0, 531.8493531212544, 18.397720488697924, -10.14342804265794, -6.897713617698631, -5.462375192242492, -0.9436731348588225),
        'EOG horizontal': (200.0, 1186.2101126742255, 34.04445486923029, 41.58237590193883, 34.95091522329232, 40.10885473576192, 38.648478667588854),
        'Resp oro-nasal': (1.0, 0.4008242248619621, 0.38421937659717786, -0.05314617969725528, 0.5834502341852793, 0.5338225693050697, -0.2249303112665307),
        'EMG submental': (1.0, 21274.293611369947, 4.873259212569803, 13.633738799366784, 13.889423966909897, 14.598937690353893, 14.483830439425454),
    },
    'textbook-256-1': {
        'ECG II': (256.0, 24016806.13999609, 217.57726010455124, 15.760994739558152, 32.32803381239954, 36.16951434784146, 23.503064862160837),
        'Abdomen': (32.0, 276.4996839066982, 0.40904080730885173, -0.5904750692814269, -0.5803256520875127, -0.5910527690271473, -0.5817353644169646),
        'Thorax': (32.0, 300.6322545559757, 0.34090655051809693, -0.5030261531310206, -0.4855110984153578, -0.4927892394834352, -0.470434979940399),
        'Airflow': (32.0, 87.50827857530697, 0.5869097718940223, 0.0977140392886788, 0.12666228514659333, 0.16865558568737146, 0.2472644329780167),
        'E1-M2': (256.0, 1072913.0908812096, 42.49530419552535, -5.179069519539817, -0.5095619558807973, 2.865150826015528, -1.0912999726413464),
        'E2-M1': (256.0, -964712.012948073, 38.607599958359806, -11.036937812184147, 5.404182383299904, -2.8679758702950173, -2.3184713747224004),
        'C3-M2': (256.0, -182621.7895233395, 16.103675049141035, -5.423599377572536, 2.3801209759712227, 1.5665814518928527, -0.9604374539852143),
        'C4-M1': (256.0, -149058.1757445108, 14.718271819537186, -6.886327888369559, -7.7255444335937495, -1.8892234086990356, 2.3726441609859457),
        'Chin EMG': (256.0, -17.978022768185603, 11.538724645264962, 12.439783215522766, 19.44513463973999, -19.532479763031006, -28.062100887298584),
        'Position': (1.0, 2849.0, 0.6487878060536824, 2.0, 2.0, 2.0, 2.0),
        'SpO2': (1.0, 173762.09999999998, 1.079811596220995, 96.2, 96.3, 96.5, 96.6),
        'Pulse': (1.0, 113173.0, 4.248030444137728, 68.0, 68.0, 68.0, 67.0),
        'Snore': (32.0, -11.152208869092235, 0.18666670508880015, -0.007620946729577324, -0.037012915075191895, 0.026632206463865004, -0.002082087578824042),
        'Leg EMG': (256.0, -0.005022324941819534, 2.2184301072008625, 0.6494567394256592, -0.5707648992538452, -1.932338833808899, 5.008533954620361),
    },
}


@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_nights_at_256_hz_and_below_are_unchanged(case):
    rec = synth_night(SynthConfig(hours=0.5, **GOLDEN_CASES[case]))
    assert not noise._SAMPLE_TIMES  # the shared time axes are dropped once the night is rendered
    golden = GOLDEN[case]
    assert list(rec.signals) == list(golden)
    for label, (sfreq, total, std, *head) in golden.items():
        data = rec.signals[label].data
        assert rec.signals[label].sfreq == sfreq, label
        np.testing.assert_allclose(data[:4], head, rtol=1e-12, atol=1e-12, err_msg=label)
        np.testing.assert_allclose([np.sum(data), np.std(data)], [total, std], rtol=1e-12, atol=1e-9,
                                   err_msg=label)


def test_band_mask_on_tapers_only_matches_the_full_formula_bit_for_bit():
    for fs in (50.0, 100.0, 256.0, 512.0):
        freqs = fft.rfftfreq(int(1800 * fs), 1.0 / fs)
        for low, high in ((0.5, 2.0), (16.0, 30.0), (20.0, fs / 2.0), (0.05, 0.5)):
            taper = 0.15 * (high - low)
            lo, hi = np.searchsorted(freqs, [low - taper / 2, high + taper / 2])
            full = _band_mask(freqs[lo:hi], low, high, taper).astype(np.float32)
            assert full.tobytes() == _band_mask_flat(freqs, lo, hi, low, high, taper).tobytes()


def test_upsample_keeps_the_rendered_band_and_adds_the_hum_at_its_amplitude():
    t = np.arange(60 * 128) / 128.0
    x = 30.0 * np.sin(2 * np.pi * 5.0 * t + 0.3)
    rng = np.random.default_rng(0)
    y = upsample(x, 128.0, 512.0, rng, 1.0)
    t_out = np.arange(60 * 512) / 512.0
    assert len(y) == 60 * 512
    assert np.max(np.abs(y - 30.0 * np.sin(2 * np.pi * 5.0 * t_out + 0.3))) < 1e-3
    hum = upsample(np.zeros(60 * 128), 128.0, 512.0, rng, 1.0, replace(TEXTBOOK, line_hz=60.0, line_uv=2.0))
    assert np.std(hum) == pytest.approx(2.0, rel=1e-3)
    spectrum = np.abs(np.fft.rfft(hum))
    assert np.argmax(spectrum) == 60 * 60  # 60 Hz over 60 s


def test_amplifier_response_is_the_butterworth_cascade():
    from scipy.signal import butter, sosfreqz

    var = replace(TEXTBOOK, highpass_hz=0.3, lowpass_hz=70.0)
    response = amplifier_response(100, 512.0, var)
    sos = np.vstack([butter(1, 0.3, "highpass", fs=512.0, output="sos"),
                     butter(2, 70.0, "lowpass", fs=512.0, output="sos")])
    _, reference = sosfreqz(sos, worN=np.arange(len(response)) / 100.0, fs=512.0)
    assert np.max(np.abs(response - reference)) < 1e-4
    assert amplifier_response(100, 512.0, TEXTBOOK) is None  # no filters on the textbook night


@pytest.fixture(scope="module")
def nights_512():
    cfg = SynthConfig(hours=1.0, seed=2, rates=R512)
    return synth_night(cfg), synth_night(replace(cfg, rates=ChannelRates()))


def _band(f, p, lo, hi):
    return float(np.mean(p[(f >= lo) & (f < hi)]))


def test_a_512_hz_night_has_energy_up_to_its_low_pass_and_its_mains_hum(nights_512):
    rec, _ = nights_512
    var = rec.source["ground_truth"]["variation"]
    lowpass, line = var["lowpass_hz"], var["line_hz"]
    assert lowpass > INTERNAL_HZ / 2 and var["line_uv"] > 1.0  # the seed draws what this test needs
    for label in ("C3-M2", "C4-M1", "E1-M2", "E2-M1"):
        sig = rec.signals[label]
        assert sig.sfreq == 512.0 and len(sig.data) == 3600 * 512
        f, p = welch(sig.data, sig.sfreq, nperseg=2048)
        nyquist = 0.5 * INTERNAL_HZ
        below, above = _band(f, p, nyquist - 6, nyquist - 2), _band(f, p, nyquist + 2, nyquist + 6)
        assert 0.4 < above / below < 1.2, label  # no step at the internal Nyquist frequency
        # Energy up to the low-pass corner, falling off beyond it as the Butterworth filter makes it.
        assert _band(f, p, 0.8 * lowpass, lowpass) > 0.05 * _band(f, p, 40.0, 48.0), label
        assert _band(f, p, 200.0, 250.0) < 0.05 * _band(f, p, 0.8 * lowpass, lowpass), label
        # Mains hum: a narrow peak on its frequency.
        assert _band(f, p, line - 0.3, line + 0.3) > 5 * _band(f, p, line + 3, line + 8), label
    for label in ("Chin EMG", "ECG II"):  # EMG and the ECG's electrode noise are broadband to Nyquist
        f, p = welch(rec.signals[label].data, 512.0, nperseg=2048)
        assert _band(f, p, 200.0, 250.0) > 0.3 * _band(f, p, 60.0, 100.0), label


def test_a_512_hz_night_keeps_the_ground_truth_of_the_same_seed(nights_512):
    high, default = nights_512
    assert np.array_equal(high.stages, default.stages)
    assert [(e.type, e.onset, e.offset) for e in high.events] == [(e.type, e.onset, e.offset) for e in default.events]
    truth_high, truth_default = high.source["ground_truth"], default.source["ground_truth"]
    for key in ("r_peaks_s", "hr_bpm", "resp_rate_bpm", "position"):
        assert np.array_equal(truth_high[key], truth_default[key]), key
    # The upsampled ECG peaks on the true R peaks (within a sample at 512 Hz).
    ecg = high.signals["ECG II"].data
    peaks = np.round(truth_high["r_peaks_s"][10:200] * 512.0).astype(int)
    local = np.array([np.argmax(ecg[p - 20: p + 21]) - 20 for p in peaks])
    assert np.median(np.abs(local)) <= 2


def test_a_500_hz_night_has_whole_seconds_at_its_rate():
    rec = synth_night(SynthConfig(hours=0.5, seed=4, rates=ChannelRates(eeg=500.0, eog=500.0, emg=500.0, ecg=500.0)))
    for label in ("C3-M2", "E1-M2", "Chin EMG", "ECG II"):
        assert rec.signals[label].sfreq == 500.0 and len(rec.signals[label].data) == 1800 * 500
        assert np.all(np.isfinite(rec.signals[label].data))
