"""Per-browser state and the actions that change it (no Gradio in here).

Each browser tab holds its own :class:`Session` in a ``gr.State``; the shared
demo night and the engine are only read, so users never see each other's
recordings. Actions change the session in place; a failed load never reaches
it, so the previous night stays.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from app.chat.dialogue import Dialogue
from app.chat.execute import retrieve
from app.chat.pipeline import ask
from app.chat.plan import make_plan
from app.chat.query import Intent, Query, Scope
from app.chat.understand import understand
from app.chat.render import Answer, render
from app.engine import Engine
from app.fewshot import apply_fewshot
from app.night import LoadedNight
from app.plots import Highlight, epoch_figure, night_figure
from app.timeexpr import format_clock
from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.heads.fewshot import FewShotError
from sleeplm_core.index.search import Hit
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

WINDOWS_SEC: dict[str, float] = {"30 s": 30.0, "2 min": 120.0, "5 min": 300.0, "10 min": 600.0}


@dataclass
class Session:
    """What one browser tab is looking at.

    Attributes:
        night: the loaded night.
        current: epoch shown in the viewer.
        window: viewer width in seconds (one epoch or several).
        highlights: regions of the last answer.
        track: per-epoch score of the last query, for the overview.
        track_label: that query.
        hits: library results of the last retrieval.
        examples: (epoch, label) pairs labelled for the few-shot head.
        chat: chat history as Gradio messages.
        dialogue: what the chat's follow-ups refer to (this tab's only).
    """

    night: LoadedNight
    current: int = 0
    window: float = EPOCH_SEC
    highlights: list[Highlight] = field(default_factory=list)
    track: np.ndarray | None = None
    track_label: str = ""
    hits: list[Hit] = field(default_factory=list)
    examples: list[tuple[int, str]] = field(default_factory=list)
    chat: list[dict[str, str]] = field(default_factory=list)
    dialogue: Dialogue = field(default_factory=Dialogue)
    _folder: Path | None = field(default=None, repr=False)

    @property
    def folder(self) -> Path:
        """This session's private folder for downloads, made on the first export."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="sleeplm-session-"))
        return self._folder

    def set_night(self, night: LoadedNight) -> None:
        """Switch to another night; what belonged to the old one is cleared."""
        self.night = night
        self.current = 0
        self.highlights = []
        self.track = None
        self.track_label = ""
        self.hits = []
        self.examples = []
        self.dialogue = Dialogue()

    def move(self, epoch: int) -> None:
        self.current = int(np.clip(epoch, 0, self.night.n_epochs - 1))

    def jump_to_time(self, seconds: float) -> None:
        self.move(self.night.epoch_at(seconds))

    def ask(self, question: str, engine: Engine) -> Answer:
        """Answer a question through the chat pipeline; the plots follow the answer."""
        result, _ = ask(question, self.dialogue, self.night, engine, self.current)
        if result.window is not None:
            self.window = result.window
        if result.highlights:
            self.highlights = result.highlights
        if result.track is not None:
            self.track, self.track_label = result.track, result.track_label
        if result.jump is not None:
            self.move(result.jump)
        if result.hits:
            self.hits = result.hits
        self.chat = self.chat + [{"role": "user", "content": question},
                                 {"role": "assistant", "content": result.text}]
        return result

    def label_current(self, label: str) -> None:
        """Add the current epoch as a few-shot example of ``label`` (relabels it if present)."""
        label = label.strip()
        if not label:
            raise FewShotError("type a label for the current epoch first")
        self.examples = [(i, lab) for i, lab in self.examples if i != self.current]
        self.examples.append((self.current, label))

    def fewshot(self, kind: str, target: str) -> Answer:
        """Train the few-shot head on this session's examples and show it on the night."""
        result = apply_fewshot(self.night, self.examples, kind, target.strip())
        self.highlights, self.track, self.track_label = (result.highlights, result.track,
                                                         result.track_label)
        if result.jump is not None:
            self.move(result.jump)
        return result

    def retrieve(self, text: str, engine: Engine) -> Answer:
        """Library search by text, or by the current epoch when ``text`` is empty."""
        heard = understand(text) if text.strip() else Query(Intent.SIMILAR, text)
        # The tab searches what the chat would: a phenomenon it knows, in the stages named.
        query = Query(Intent.SIMILAR, text, heard.phenomenon, text.strip().lower(),
                      Scope(stages=heard.scope.stages))
        result = render(retrieve(make_plan(query, self.night, self.current), self.night, engine),
                        self.night)
        self.hits = result.hits
        return result

    def captions(self, engine: Engine) -> list[list[str]]:
        """Per level: the model's caption of the current epoch and the measured one."""
        rows = []
        for level in LEVELS:
            generated = self.night.generated_captions([self.current], level, engine)[0]
            rows.append([level, generated, self.night.measured_caption(self.current, level) or
                         "(channels for this level are absent)"])
        return rows

    def overview(self) -> go.Figure:
        return night_figure(self.night.view(similarity=self.track, similarity_label=self.track_label,
                                            highlights=self.highlights, current_epoch=self.current))

    def viewer_span(self) -> tuple[float, float]:
        """(start, end) seconds of the viewer, centred on the current epoch when wider."""
        t = float(self.night.epochs.starts[self.current])
        start = t - (self.window - EPOCH_SEC) / 2
        start = max(0.0, min(start, self.night.recording.duration - self.window))
        return start, start + self.window

    def viewer(self) -> go.Figure:
        start, end = self.viewer_span()
        return epoch_figure(self.night.traces(), start, end, self.night.recording.start_time,
                            self.highlights, self.night.recording.events, self.viewer_title())

    def viewer_title(self) -> str:
        i = self.current
        t = float(self.night.epochs.starts[i])
        parts = [f"epoch {i}/{self.night.n_epochs - 1}",
                 format_clock(t, self.night.recording.start_time)]
        if self.dialogue.quiz == i:
            return " · ".join(parts + ["stage hidden until you answer the quiz"])
        scored = self.night.scored()
        if scored is not None and scored[i] >= 0:
            parts.append(f"scored {STAGES[scored[i]]}")
        if self.night.predicted is not None:
            parts.append(f"predicted {STAGES[self.night.predicted[i]]} "
                         f"({self.night.confidence[i]:.0%})")
        return " · ".join(parts)
