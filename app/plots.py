"""Plotly figures of the app: night overview, epoch viewer, cards and summary charts.

Every figure uses seconds from the recording start on its x axis (labelled with
wall-clock time), so a click anywhere maps straight back to an epoch. Regions
found by the model and scored events are layout shapes, named ``highlight`` and
``event`` respectively, which lets tests and exports read their times back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import signal as sps

from app.timeexpr import format_clock
from sleeplm_core.io.recording import STAGES, Event, Signal

HIGHLIGHT = "highlight"
EVENT = "event"
# (fill, outline): the model's matches in orange, human-scored events in blue.
_HIGHLIGHT_COLORS = {"model": ("rgba(255, 140, 0, 0.28)", "darkorange"),
                     "scored": ("rgba(65, 105, 225, 0.22)", "royalblue")}
_EVENT_COLORS = ("rgba(31,119,180,0.22)", "rgba(44,160,44,0.22)", "rgba(148,103,189,0.22)",
                 "rgba(214,39,40,0.22)", "rgba(140,86,75,0.22)", "rgba(227,119,194,0.22)")
# Hypnograms are drawn with W on top and N3 at the bottom, REM between W and N1.
_STAGE_Y = {"W": 4, "REM": 3, "N1": 2, "N2": 1, "N3": 0}
_MAX_POINTS = 4000


@dataclass(frozen=True)
class Highlight:
    """A region to draw over a figure.

    Attributes:
        start: start in seconds from the recording start.
        end: end in seconds from the recording start.
        label: what it is (shown on the figure).
        score: calibrated score of the region (z-score or percentile), None if scored by a human.
    """

    start: float
    end: float
    label: str
    score: float | None = None

    @property
    def text(self) -> str:
        return self.label if self.score is None else f"{self.label} ({self.score:.2f})"


@dataclass
class Spectrogram:
    """Per-epoch power spectrum of one EEG channel.

    Attributes:
        times: centre of each column in seconds from the recording start.
        freqs: frequencies in Hz.
        power_db: power in dB re 1 µV²/Hz, shape (n_freqs, n_times).
        channel: the channel it was computed from.
    """

    times: np.ndarray
    freqs: np.ndarray
    power_db: np.ndarray
    channel: str


@dataclass
class NightView:
    """Everything the night overview draws.

    Attributes:
        duration: recording length in seconds.
        start_time: wall-clock start, None if unknown.
        epoch_starts: start of each epoch in seconds.
        scored: scored stage codes per epoch (-1 unknown), or None.
        predicted: predicted stage codes per epoch, or None.
        confidence: probability of each predicted stage in [0, 1], or None.
        spectrogram: whole-night EEG spectrogram, or None without EEG.
        events: scored (human) events.
        machine: machine-scored stage codes per epoch (-1 unknown), or None.
        machine_label: source of the machine scoring, e.g. "machine-scored (YASA, EEG Fpz-Cz)".
        machine_events: machine-scored events (each with its source).
        similarity: per-epoch query score (calibrated), or None before any query.
        similarity_label: the query the similarity belongs to.
        highlights: regions to draw.
        current_epoch: epoch shown in the viewer (marked with a line).
    """

    duration: float
    start_time: datetime | None
    epoch_starts: np.ndarray
    scored: np.ndarray | None = None
    predicted: np.ndarray | None = None
    confidence: np.ndarray | None = None
    spectrogram: Spectrogram | None = None
    events: Sequence[Event] = ()
    machine: np.ndarray | None = None
    machine_label: str = ""
    machine_events: Sequence[Event] = ()
    similarity: np.ndarray | None = None
    similarity_label: str = ""
    highlights: Sequence[Highlight] = ()
    current_epoch: int = 0


def compute_spectrogram(sig: Signal, epoch_sec: float = 30.0, fmax: float = 30.0) -> Spectrogram:
    """Welch spectrum per ``epoch_sec`` window of ``sig`` (µV), in dB, up to ``fmax`` Hz."""
    nper = int(round(epoch_sec * sig.sfreq))
    n = len(sig.data) // nper
    if n == 0:
        raise ValueError(f"channel {sig.label} is shorter than one {epoch_sec:.0f}-s window")
    windows = np.asarray(sig.data[: n * nper], dtype=np.float64).reshape(n, nper)
    freqs, psd = sps.welch(windows, fs=sig.sfreq, nperseg=min(nper, int(4 * sig.sfreq)), axis=-1)
    keep = (freqs >= 0.5) & (freqs <= fmax)
    power = 10.0 * np.log10(np.maximum(psd[:, keep].T, 1e-6))
    return Spectrogram((np.arange(n) + 0.5) * epoch_sec, freqs[keep], power, sig.label)


def _clock_axis(fig: go.Figure, start: float, end: float, start_time: datetime | None,
                step: float) -> None:
    ticks = np.arange(np.ceil(start / step) * step, end + 1e-9, step)
    fig.update_xaxes(tickmode="array", tickvals=ticks,
                     ticktext=[format_clock(t, start_time) for t in ticks], range=[start, end])


def _highlight_shapes(fig: go.Figure, highlights: Sequence[Highlight], labelled: bool) -> None:
    """Draw regions; ``labelled=False`` for the whole night, where labels would pile up."""
    for h in highlights:
        fill, outline = _HIGHLIGHT_COLORS["scored" if h.score is None else "model"]
        label = ({"text": h.text, "textposition": "top left", "font": {"size": 10}}
                 if labelled else {})
        fig.add_shape(type="rect", xref="x", yref="paper", x0=h.start, x1=h.end, y0=0, y1=1,
                      fillcolor=fill, line={"color": outline, "width": 1}, layer="below",
                      name=HIGHLIGHT, label=label)


def _event_shapes(fig: go.Figure, events: Sequence[Event], start: float, end: float) -> None:
    types = sorted({e.type for e in events})
    for e in events:
        if e.offset < start or e.onset > end or e.duration <= 0:
            continue
        color = _EVENT_COLORS[types.index(e.type) % len(_EVENT_COLORS)]
        fig.add_shape(type="rect", xref="x", yref="paper", x0=e.onset, x1=e.offset, y0=0, y1=0.04,
                      fillcolor=color, line={"width": 0}, name=EVENT,
                      label={"text": e.type, "textposition": "top center", "font": {"size": 9}})


def _stage_trace(times: np.ndarray, codes: np.ndarray, name: str, **style: object) -> go.Scatter:
    y = np.array([_STAGE_Y[STAGES[c]] if c >= 0 else np.nan for c in codes], dtype=float)
    return go.Scatter(x=times, y=y, mode="lines", line_shape="hv", name=name, **style)


def _add_hypnogram(fig: go.Figure, view: NightView, row: int) -> None:
    t = view.epoch_starts
    if view.scored is not None and np.any(view.scored >= 0):
        fig.add_trace(_stage_trace(t, view.scored, "scored (human)", line={"color": "black"},
                                   legendgroup="hypnogram", showlegend=True), row=row, col=1)
    if view.machine is not None and np.any(view.machine >= 0):
        fig.add_trace(_stage_trace(t, view.machine, view.machine_label or "machine-scored",
                                   line={"color": "seagreen"}, legendgroup="hypnogram",
                                   showlegend=True), row=row, col=1)
    if view.predicted is not None:
        conf = view.confidence if view.confidence is not None else np.ones(len(view.predicted))
        fig.add_trace(_stage_trace(t, view.predicted, "model zero-shot (predicted)",
                                   line={"color": "royalblue", "dash": "dot"}, legendgroup="hypnogram",
                                   showlegend=True), row=row, col=1)
        y = [_STAGE_Y[STAGES[c]] for c in view.predicted]
        fig.add_trace(go.Scatter(x=t + 15.0, y=y, mode="markers", name="confidence", showlegend=False,
                                 marker={"size": 4, "color": conf, "colorscale": "Blues", "cmin": 0,
                                         "cmax": 1, "showscale": False},
                                 hovertemplate="confidence %{marker.color:.2f}<extra></extra>"),
                      row=row, col=1)
    order = sorted(_STAGE_Y, key=_STAGE_Y.get)
    fig.update_yaxes(tickvals=[_STAGE_Y[s] for s in order], ticktext=order, range=[-0.5, 4.5],
                     title_text="stage", row=row, col=1)


EventTrack = tuple[str, list[Event], str | None]

TRACK_PX = 14
"""Height of one event track in the overview, in pixels: a label per track stays legible."""
PANEL_PX = {"hypnogram": 150, "spectrogram": 160, "match": 90}
"""Heights of the overview's other panels, in pixels."""
PANEL_GAP = 0.03
"""Gap between the overview's panels, as a fraction of the plot height."""


def _event_tracks(events: Sequence[Event], machine: Sequence[Event]) -> list[EventTrack]:
    """One track per event type: human-scored ones by type name, machine-scored ones
    as "TYPE (machine)" in green, so the two are never confused."""
    tracks: list[EventTrack] = [(typ, [e for e in events if e.type == typ], None)
                                for typ in sorted({e.type for e in events})]
    tracks += [(f"{typ} (machine)", [e for e in machine if e.type == typ], "seagreen")
               for typ in sorted({e.type for e in machine})]
    return tracks


def _add_events(fig: go.Figure, tracks: Sequence[EventTrack], row: int) -> None:
    for i, (name, sel, color) in enumerate(tracks):
        x = [v for e in sel for v in (e.onset, e.offset, None)]
        line = {"width": 0.6 * TRACK_PX, **({"color": color} if color else {})}
        fig.add_trace(go.Scatter(x=x, y=[i if v is not None else None for v in x], mode="lines",
                                 line=line, name=name, connectgaps=False, showlegend=False),
                      row=row, col=1)
    fig.update_yaxes(tickvals=list(range(len(tracks))),
                     ticktext=[t[0].replace("_", " ") for t in tracks], tickfont={"size": 10},
                     title_text="events",
                     range=[-0.7, max(len(tracks), 1) - 0.3], row=row, col=1)


def night_figure(view: NightView) -> go.Figure:
    """Hypnogram, spectrogram, event tracks and query similarity, stacked on one time axis."""
    tracks = _event_tracks(view.events, view.machine_events)
    # The event panel grows with its tracks (a night scored by both a human and the
    # machine has 15-20), so their labels never pile up; the other panels keep their size.
    heights = [PANEL_PX["hypnogram"], PANEL_PX["spectrogram"], TRACK_PX * max(len(tracks), 4),
               PANEL_PX["match"]]
    fig = make_subplots(rows=len(heights), cols=1, shared_xaxes=True,
                        vertical_spacing=PANEL_GAP, row_heights=[h / sum(heights) for h in heights])
    _add_hypnogram(fig, view, 1)
    if view.spectrogram is not None:
        sp = view.spectrogram
        fig.add_trace(go.Heatmap(x=sp.times, y=sp.freqs, z=sp.power_db, colorscale="Viridis",
                                 showscale=False, name=f"spectrogram {sp.channel}", showlegend=False,
                                 zmin=float(np.percentile(sp.power_db, 2)),
                                 zmax=float(np.percentile(sp.power_db, 98)),
                                 hovertemplate="%{y:.1f} Hz: %{z:.1f} dB<extra></extra>"), row=2, col=1)
        fig.update_yaxes(title_text=f"{sp.channel} Hz", row=2, col=1)
    _add_events(fig, tracks, 3)
    if view.similarity is not None:
        fig.add_trace(go.Scatter(x=view.epoch_starts + 15.0, y=view.similarity, mode="lines",
                                 name=f"match: {view.similarity_label}", line={"color": "darkorange"},
                                 showlegend=False),
                      row=4, col=1)
    fig.update_yaxes(title_text="match", row=4, col=1)
    _highlight_shapes(fig, view.highlights, labelled=False)
    if len(view.epoch_starts):
        t = float(view.epoch_starts[min(view.current_epoch, len(view.epoch_starts) - 1)])
        fig.add_vline(x=t + 15.0, line={"color": "red", "width": 1})
    _clock_axis(fig, 0.0, view.duration, view.start_time, 3600.0 if view.duration > 7200 else 600.0)
    # Only the hypnogram traces are in the legend: it names each hypnogram's source.
    # The legend sits above the hypnogram, in the top margin, so it hides no stage.
    margin = {"l": 60, "r": 10, "t": 40, "b": 30}
    plot_px = sum(heights) / (1 - (len(heights) - 1) * PANEL_GAP)
    fig.update_layout(height=int(plot_px) + margin["t"] + margin["b"],
                      margin=margin, showlegend=True,
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0,
                              "font": {"size": 10}},
                      clickmode="event", hovermode="closest")
    return fig


def _minmax_decimate(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep each block's min and max so that spikes stay visible after decimation."""
    if len(y) <= _MAX_POINTS:
        return t, y
    block = int(np.ceil(len(y) / (_MAX_POINTS / 2)))
    n = len(y) // block
    yb = y[: n * block].reshape(n, block)
    tb = t[: n * block].reshape(n, block)
    lo, hi = yb.argmin(axis=1), yb.argmax(axis=1)
    first = np.minimum(lo, hi)
    second = np.maximum(lo, hi)
    rows = np.arange(n)
    tt = np.column_stack([tb[rows, first], tb[rows, second]]).ravel()
    yy = np.column_stack([yb[rows, first], yb[rows, second]]).ravel()
    return tt, yy


@dataclass
class Trace:
    """One channel to draw in the epoch viewer.

    Attributes:
        name: canonical name (``EEG_C3``) or the file label for auxiliary channels.
        signal: the channel as stored in the file (physical units).
    """

    name: str
    signal: Signal


def epoch_figure(traces: Sequence[Trace], start: float, end: float, start_time: datetime | None,
                 highlights: Sequence[Highlight] = (), events: Sequence[Event] = (),
                 title: str = "") -> go.Figure:
    """Stacked channels between ``start`` and ``end`` seconds, each in its own units."""
    n = max(len(traces), 1)
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=0.008)
    for i, tr in enumerate(traces, start=1):
        sig = tr.signal
        i0, i1 = int(max(start, 0) * sig.sfreq), int(min(end, sig.duration) * sig.sfreq)
        y = np.asarray(sig.data[i0:i1], dtype=np.float64)
        t = (np.arange(i0, i0 + len(y))) / sig.sfreq
        t, y = _minmax_decimate(t, y)
        fig.add_trace(go.Scattergl(x=t, y=y, mode="lines", name=tr.name, line={"width": 0.8},
                                   hovertemplate=f"{tr.name}: %{{y:.1f}} {sig.unit}<extra></extra>"),
                      row=i, col=1)
        fig.update_yaxes(title_text=f"{tr.name}<br>{sig.unit or 'a.u.'}", title_font={"size": 9},
                         tickfont={"size": 8}, nticks=3, row=i, col=1)
    _highlight_shapes(fig, highlights, labelled=True)
    _event_shapes(fig, events, start, end)
    span = end - start
    _clock_axis(fig, start, end, start_time, 5.0 if span <= 60 else 30.0 if span <= 600 else 300.0)
    fig.update_layout(height=max(260, 46 * n + 60), margin={"l": 70, "r": 10, "t": 28, "b": 24},
                      showlegend=False, title={"text": title, "font": {"size": 12}},
                      hovermode="x unified")
    return fig


def card_figure(sig: Signal, start: float, end: float, title: str) -> go.Figure:
    """A small single-channel plot for a retrieval card."""
    i0, i1 = int(start * sig.sfreq), int(end * sig.sfreq)
    y = np.asarray(sig.data[i0:i1], dtype=np.float64)
    t, y = _minmax_decimate(np.arange(len(y)) / sig.sfreq, y)
    fig = go.Figure(go.Scattergl(x=t, y=y, mode="lines", line={"width": 0.7}))
    fig.update_layout(height=150, margin={"l": 40, "r": 5, "t": 24, "b": 20}, showlegend=False,
                      title={"text": title, "font": {"size": 10}})
    fig.update_xaxes(title_text="s", title_font={"size": 8})
    fig.update_yaxes(title_text=sig.unit, title_font={"size": 8})
    return fig


def stage_distribution_figure(minutes: dict[str, float], title: str) -> go.Figure:
    """Bar chart of minutes per stage."""
    stages = [s for s in STAGES if s in minutes]
    fig = go.Figure(go.Bar(x=stages, y=[minutes[s] for s in stages], text=[f"{minutes[s]:.0f}" for s in stages],
                           marker={"color": ["#d62728", "#9ecae1", "#4292c6", "#08519c", "#2ca02c"][: len(stages)]}))
    fig.update_layout(height=260, margin={"l": 50, "r": 10, "t": 30, "b": 30}, title=title,
                      yaxis_title="minutes")
    return fig


def highlight_times(fig: go.Figure) -> list[tuple[float, float]]:
    """(start, end) in seconds of every highlight shape of ``fig``."""
    return [(float(s.x0), float(s.x1)) for s in fig.layout.shapes if s.name == HIGHLIGHT]


def empty_figure(message: str) -> go.Figure:
    """A blank figure carrying a message, shown before anything is loaded."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(height=200, xaxis={"visible": False}, yaxis={"visible": False},
                      margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig

