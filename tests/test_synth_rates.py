"""Synthetic nights at high rates (> 256 Hz: rendered at an internal rate and upsampled) and the pinned
output of nights at 256 Hz and below, which the high-rate path must leave unchanged sample for sample."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy import fft
from scipy.signal import welch

from sleeplm_core.io.synth import SynthConfig, noise, synth_night, waveforms
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
# power became band noise (docs/synthetic.md, "Sleep alpha as background"), and every row but Position
# when breathing events came to depend on the stage (stop 47: the plan's later draws moved). The ECG rows
# and the EEG rows the ECG bleeds into were re-pinned (stop 72) with closed-form beats in place of ecgsyn's
# (_closed_form_beats), which no CPU's rounding can move; every other row stayed as it was. Any change to
# how a <= 256-Hz night is drawn moves these far more than the 1e-12 tolerance; the tolerance only
# forgives last-bit differences of another CPU's maths.
GOLDEN = {
    'aasm-default-3': {
        'ECG II': (128.0, 21954565.11115557, 161.67899960473153, -80.76904371803649, -77.41486859415343, -72.67652869576023, -53.16505475448148),
        'Abdomen': (25.0, 10.953567217895023, 0.4221773195244348, -0.5530742597800257, -0.52302709622609, -0.515620940537057, -0.514439454766639),
        'Thorax': (25.0, -88.93517474577718, 0.3523339491598032, -0.4399713431920236, -0.45942455915741587, -0.44938705024265363, -0.4402158149488361),
        'Airflow': (25.0, 2.6316751692193225, 0.613685603643986, 0.08901711312116854, 0.09812479034336602, 0.14446169733641445, 0.17433549298973594),
        'E1-M2': (100.0, -244.20091559596153, 25.68390404540346, -8.71598244090459, -4.056975994890244, -5.655063238673884, -5.250032594490648),
        'E2-M1': (100.0, 258.6505184204891, 24.25079832026973, 15.306078001741966, 11.216105625559601, 13.341918328731403, -6.469313043883833),
        'C3-M2': (100.0, -9.393703788041165, 17.015050093741177, 1.4011787862183125, 5.055936860072242, 1.4912067617281568, -0.9410815055171824),
        'C4-M1': (100.0, 320.3538061361708, 18.94534938137687, 13.375404447276278, 6.2372291763712475, 3.7375857897511953, 1.7142483578001357),
        'Chin EMG': (100.0, 0.3669964197933062, 12.562390758381673, -6.973006308078766, 18.576424837112427, -21.70992112159729, 4.343439698219299),
        'Position': (1.0, 2814.0, 0.7152233528377302, 2.0, 2.0, 2.0, 2.0),
        'SpO2': (1.0, 174650.6, 0.9144329079871725, 97.1, 97.0, 97.2, 97.2),
        'Pulse': (1.0, 114959.0, 4.8671650873639285, 72.0, 72.0, 72.0, 71.0),
        'Snore': (25.0, -7.527882599759605, 0.25294995587731195, 0.003637358232593061, -0.0316030072628954, -0.013197731626227822, 5.668855644282751e-05),
        'Leg EMG': (100.0, -0.002380305830003593, 2.313723867973484, 3.191953659057617, 0.2792755663394928, -2.5435142517089844, 0.784651517868042),
    },
    'aasm-256-5': {
        'ECG II': (256.0, 64783988.98824111, 232.79804846271165, -3.3093649599933377, 10.602309241547704, -3.442786617468057, -1.5408496300645318),
        'Abdomen': (32.0, -18.352351862396326, 0.4128243976231674, -0.5077638679275429, -0.5021418225899807, -0.48528699643777107, -0.5056415856007629),
        'Thorax': (32.0, -42.37649565153258, 0.34412587588259314, -0.43617921841193064, -0.41159511510359137, -0.4044723444932574, -0.42816269110265487),
        'Airflow': (32.0, -17.481969314790913, 0.6989334455413576, 0.08217894079617333, 0.13924278856949285, 0.17009495293309085, 0.20271113576610372),
        'E1-M2': (256.0, -1179.604988371535, 26.776427003628175, -0.001250969383890276, 0.19082610462898905, 1.057386092644946, 1.7972704226579603),
        'E2-M1': (256.0, 1393.2053953664, 24.33594016065863, 0.9985599407941024, 3.8549343454079246, 6.375677275409402, 6.309608024995602),
        'C3-M2': (256.0, 112.66946068319538, 9.693345160107194, 0.41018501083731196, 1.4072450918014525, 2.2222697623909817, 2.392373947077734),
        'C4-M1': (256.0, 293.5518349615671, 11.207240665147927, 1.5183936205455486, 5.824603717608285, 10.257297013004878, 11.65938020465787),
        'Chin EMG': (256.0, -0.03515691211441663, 13.946110177042923, 6.448714017868042, 33.35877084732056, -5.251169919967651, -14.994383573532104),
        'Position': (1.0, 2311.0, 0.8999792521613971, 2.0, 2.0, 2.0, 2.0),
        'SpO2': (1.0, 173265.7, 0.7878180349375352, 95.5, 95.8, 95.8, 96.2),
        'Pulse': (1.0, 125039.0, 3.3294921849850527, 73.0, 73.0, 73.0, 73.0),
        'Snore': (32.0, 4.559507802917714, 0.08269160819701325, 0.011503855044884286, -0.004451864750229429, -0.007535616228781672, -0.013960309657584616),
        'Leg EMG': (256.0, 0.007448132917918571, 2.0914311512697354, 3.1492018699645996, 0.5609460473060608, -2.510106325149536, -0.8171182870864868),
    },
    'sleep-edf-200-7': {
        'EEG Fpz-Cz': (200.0, 444.9534332217918, 20.763761053704872, 4.681395581670751, 2.3701198379046193, 2.930000018549385, 6.178043740919991),
        'EEG Pz-Oz': (200.0, 509.74642672385494, 14.87307487412057, -6.991407108116758, -1.6717759600391129, -5.102066274978518, -11.678082317244328),
        'EOG horizontal': (200.0, 1235.6908033153577, 34.063032318372954, 40.58383573433981, 32.812306478190635, 35.6904235140941, 36.19206289317309),
        'Resp oro-nasal': (1.0, 0.4061055956388434, 0.38019369821585, -0.06483004932857801, 0.5693203130715798, 0.5269556455737266, -0.22581941417483611),
        'EMG submental': (1.0, 21450.485954720487, 5.077929143789417, 13.633738799366784, 13.889423966909897, 14.598937690353893, 14.483830439425454),
    },
    'textbook-256-1': {
        'ECG II': (256.0, 46685217.74187233, 179.27009895739818, 15.760994739558152, 32.32803381239954, 36.16951434784146, 23.503064862160837),
        'Abdomen': (32.0, 295.4488236160948, 0.41008326591243094, -0.5904750692814269, -0.5803256520875127, -0.5910527690271473, -0.5817353644169646),
        'Thorax': (32.0, 277.880392835928, 0.341300495607748, -0.5030261531310206, -0.4855110984153578, -0.4927892394834352, -0.470434979940399),
        'Airflow': (32.0, 12.51012209824026, 0.5905329939909078, 0.0977140392886788, 0.12666228514659333, 0.16865558568737146, 0.2472644329780167),
        'E1-M2': (256.0, 1073514.8350262726, 42.477689151304396, -9.985274191697581, -8.018143337917007, -5.435987533292715, -1.867525187837956),
        'E2-M1': (256.0, -963869.5711449841, 38.542477472066814, -19.031078899973224, -4.967405992205311, -18.319483950999743, -7.814235273073488),
        'C3-M2': (256.0, -182020.04537827623, 16.046259691078365, -10.229804049730301, -5.1284604060649865, -6.73455690741539, -1.7366626691818239),
        'C4-M1': (256.0, -148295.82304707277, 14.699694570077266, -9.928539718985556, 0.032617875635624016, 0.270442570373416, 2.3022092777490615),
        'Chin EMG': (256.0, -18.958035743853884, 11.473937811564653, 12.439783215522766, 19.44513463973999, -19.532479763031006, -28.062100887298584),
        'Position': (1.0, 2849.0, 0.6487878060536824, 2.0, 2.0, 2.0, 2.0),
        'SpO2': (1.0, 173798.09999999998, 1.1138630351668517, 96.2, 96.3, 96.5, 96.6),
        'Pulse': (1.0, 113161.0, 4.310405118309718, 68.0, 68.0, 68.0, 67.0),
        'Snore': (32.0, -11.925286481972265, 0.17171152885890734, -0.007620946729577324, -0.037012915075191895, 0.026632206463865004, -0.002082087578824042),
        'Leg EMG': (256.0, -0.00828641271640862, 2.309845425374678, 0.6494567394256592, -0.5707648992538452, -1.932338833808899, 5.008533954620361),
    },
}


def _closed_form_beats(k: int, vary: bool, rng: np.random.Generator) -> np.ndarray:
    """``k`` beat templates as sums of Gaussian P, Q, R, S and T waves (R = 1), drawing from ``rng``
    exactly what ``waveforms.beat_templates`` draws, so every later draw of the night stays in step.

    ecgsyn's templates cannot be pinned: its adaptive ODE turns a 1e-16 relative change of one input
    (another CPU's BLAS or SIMD rounding) into a beat that differs by up to a tenth of its R wave
    (docs/synthetic.md, "Reproducibility across machines"). With these, every sample of the night is pinned.
    """
    scale = np.exp(rng.normal(0.0, 0.15, 5)) if vary else np.ones(5)
    scale[2] = 1.0
    rng.integers(0, 2**31 - 1)  # the seed ecgsyn would be given
    before = int(-waveforms.BEAT_SPAN[0] * waveforms.BEAT_FS)
    t = (np.arange(before + int(waveforms.BEAT_SPAN[1] * waveforms.BEAT_FS)) - before) / waveforms.BEAT_FS
    at, width, height = np.array([-0.2, -0.025, 0.0, 0.025, 0.3]), np.array([0.04, 0.01, 0.012, 0.01, 0.07]), \
        np.array([0.15, -0.15, 1.0, -0.25, 0.3])
    beat = (height * scale * np.exp(-0.5 * ((t[:, None] - at) / width) ** 2)).sum(axis=1)
    return np.tile(beat / beat[before], (k, 1))


@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_nights_at_256_hz_and_below_are_unchanged(case, monkeypatch):
    monkeypatch.setattr(waveforms, "beat_templates", _closed_form_beats)
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
