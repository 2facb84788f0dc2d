"""The Gradio Blocks app: layout and event wiring.

Handlers are thin: they take the session from ``gr.State``, call a
:class:`~app.session.Session` method or a loader, and redraw. User errors
(:class:`SleepLMError`) are shown in the status line and leave the session as
it was.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from app.engine import DEMO_DIR, Engine
from app.exports import edf_annotations, events_csv, figure_png, hypnogram_csv, report_markdown
from app.limits import SessionLimits, SessionRegistry
from app.night import LoadedNight, embed_night, read_night
from app.chat.phenomena import gallery
from app.plots import empty_figure, night_figure, stage_distribution_figure
from app.retrieval import CARD_SLOTS, card
from app.session import WINDOWS_SEC, Session
from app.timeexpr import format_clock
from app.uploads import RECORDING_EXTENSIONS, UploadPolicy, check_recording, check_scoring
from sleeplm_core.errors import SleepLMError
from sleeplm_core.heads.fewshot import FEWSHOT_KINDS, read_labels_csv
from sleeplm_core.io.epochset import AUX_CHANNELS, CANONICAL_CHANNELS

log = logging.getLogger(__name__)

SUGGESTIONS: dict[str, tuple[str, ...]] = {
    "Technician": ("where are the longest apneas?", "what stage is it at epoch 120?",
                   "summarize the night"),
    "Educator": ("show a clear example of REM sleep", "find sleep spindles in N2",
                 "show slow waves in the first hour"),
    "Researcher": ("find epochs like this one in the library", "heart rate in REM vs N3",
                   "describe the current epoch"),
}

# Plotly clicks are not a Gradio event: this script forwards a click on the night
# overview (its x value, seconds from the recording start) to a hidden textbox.
CLICK_JS = """
() => {
  const bind = () => {
    const plot = document.querySelector('#overview .js-plotly-plot');
    // Gradio redraws with Plotly.newPlot, which drops listeners: re-bind when none is left.
    if (plot && plot.on && plot._ev && plot._ev.listeners('plotly_click').length === 0) {
      plot.on('plotly_click', (ev) => {
        if (!ev.points || !ev.points.length) return;
        const box = document.querySelector('#jump-seconds textarea, #jump-seconds input');
        box.value = String(ev.points[0].x);
        box.dispatchEvent(new Event('input', {bubbles: true}));
        document.querySelector('#jump-button').click();
      });
    }
  };
  setInterval(bind, 400);
}
"""


@dataclass
class AppConfig:
    """What the app serves.

    Attributes:
        engine: the shared model and heads.
        default: night every new session starts on.
        bundled: name -> (recording, hypnogram or None) of the bundled nights.
        policy: upload limits and allowed folders.
        limits: cap on sessions holding a night of their own, and their idle time.
    """

    engine: Engine
    default: LoadedNight
    bundled: dict[str, tuple[Path, Path | None]] = field(default_factory=dict)
    policy: UploadPolicy = field(default_factory=UploadPolicy)
    limits: SessionLimits = field(default_factory=SessionLimits)


def bundled_nights(folder: Path = DEMO_DIR) -> dict[str, tuple[Path, Path | None]]:
    """Recordings shipped in ``folder``, each with its hypnogram file when one sits beside it.

    A hypnogram is paired by the Sleep-EDF naming rule: same first six characters,
    ``Hypnogram`` in the name.
    """
    edfs = sorted(folder.glob("*.edf")) + sorted(folder.glob("*.bdf"))
    hypnos = [p for p in edfs if "hypnogram" in p.name.lower()]
    nights: dict[str, tuple[Path, Path | None]] = {}
    for p in edfs:
        if p in hypnos:
            continue
        match = next((h for h in hypnos if h.name[:6] == p.name[:6]), None)
        nights[p.stem] = (p, match)
    return nights


def _mapping_rows(night: LoadedNight) -> list[list[str]]:
    m = night.montage
    rows = [[slot, m.mapping.get(slot, "")] for slot in CANONICAL_CHANNELS]
    rows += [[slot, m.aux_mapping.get(slot, "")] for slot in AUX_CHANNELS]
    return rows


def _load_warnings(night: LoadedNight, shown: int = 5) -> str:
    """The loader's warnings (scoring trimmed, labels unscored, ...) and the features'
    notes (bands above Nyquist, uncalibrated channels left out) as a status note."""
    warnings = night.recording.source.get("warnings", []) + (night.features.notes if night.features else [])
    if not warnings:
        return ""
    more = f"\n- … and {len(warnings) - shown} more" if len(warnings) > shown else ""
    return (f"⚠️ loaded with {len(warnings)} warning(s):\n" +
            "\n".join(f"- {w}" for w in warnings[:shown]) + more)


def _mapping_from_rows(rows: Any) -> dict[str, str]:
    values = rows.values.tolist() if hasattr(rows, "values") else rows
    return {str(slot): str(label).strip() for slot, label in values if str(label).strip()}


class App:
    """Builds the Blocks and holds the handlers."""

    def __init__(self, config: AppConfig) -> None:
        self.cfg = config
        self.registry = SessionRegistry(config.limits, Path(gr.utils.get_upload_folder()),
                                        lambda s: s.set_night(config.default))

    # -- state ---------------------------------------------------------------
    def _session(self, state: Session | None) -> Session:
        s = state if state is not None else Session(self.cfg.default)
        self.registry.touch(s)
        return s

    def _views(self, s: Session) -> tuple[Any, ...]:
        return s, s.overview(), s.viewer(), s.current, self._status(s), self._regions(s)

    def _status(self, s: Session, note: str = "") -> str:
        who = s.night.recording.patient.describe()
        base = (f"**{s.night.name}** · {s.night.n_epochs} epochs · " + (f"{who} · " if who else "")
                + self.cfg.engine.status)
        note = "\n\n".join(n for n in (self.registry.notice(s), note) if n)
        return base + (f"\n\n{note}" if note else "")

    @staticmethod
    def _regions(s: Session) -> Any:
        t0 = s.night.recording.start_time
        rows = [[f"{format_clock(h.start, t0)}–{format_clock(h.end, t0)}  {h.text}"]
                for h in s.highlights]
        return gr.Dataset(samples=rows or [["(no highlighted region yet)"]])

    # -- handlers ------------------------------------------------------------
    def init(self, state: Session | None) -> tuple[Any, ...]:
        s = self._session(state)
        return (*self._views(s), s.chat, _mapping_rows(s.night), s.night.montage.report(),
                *self._summary(s))

    def ask(self, question: str, state: Session | None) -> tuple[Any, ...]:
        s = self._session(state)
        if not question.strip():
            return (*self._views(s), s.chat, "")
        try:
            s.ask(question, self.cfg.engine)
        except SleepLMError as err:
            s.chat = s.chat + [{"role": "user", "content": question},
                               {"role": "assistant", "content": f"Sorry: {err}"}]
        return (*self._views(s), s.chat, "")

    def move(self, delta: int, state: Session | None) -> tuple[Any, ...]:
        s = self._session(state)
        s.move(s.current + delta)
        return self._views(s)

    def goto(self, epoch: float, state: Session | None) -> tuple[Any, ...]:
        s = self._session(state)
        s.move(int(epoch or 0))
        return self._views(s)

    def jump_seconds(self, seconds: str, state: Session | None) -> tuple[Any, ...]:
        s = self._session(state)
        try:
            s.jump_to_time(float(seconds))
        except ValueError:
            log.debug("ignored click value %r", seconds)
        return self._views(s)

    def pick_region(self, index: int, state: Session | None) -> tuple[Any, ...]:
        s = self._session(state)
        if 0 <= index < len(s.highlights):
            s.jump_to_time(s.highlights[index].start)
        return self._views(s)

    def set_window(self, label: str, state: Session | None) -> tuple[Any, ...]:
        s = self._session(state)
        s.window = WINDOWS_SEC.get(label, s.window)
        return self._views(s)

    def load(self, recording: str | None, hypnogram: str | None, events: str | None,
             bundled: str | None, use_mapping: bool, mapping_rows: Any, state: Session | None,
             progress: gr.Progress = gr.Progress()) -> Iterator[tuple[Any, ...]]:
        """Load an upload (or a bundled night); on failure keep the current night."""
        s = self._session(state)
        try:
            progress(0.0, desc="checking files")
            path, hyp, ev, name = self._resolve_files(recording, hypnogram, events, bundled)
            progress(0.05, desc=f"reading {name}")
            mapping = _mapping_from_rows(mapping_rows) if use_mapping else None
            self.registry.admit(s)
            night = read_night(path, name, hyp, ev, mapping)
            # First plot before the slow part: the night as read, the old one still current.
            yield (gr.skip(), night_figure(night.view()), gr.skip(), gr.skip(),
                   self._status(s, f"read {name}; encoding {night.n_epochs} epochs…"), gr.skip(),
                   _mapping_rows(night), night.montage.report(), gr.skip(), gr.skip())
            progress(0.3, desc="encoding epochs")
            embed_night(night, self.cfg.engine, lambda f, msg: progress(0.3 + 0.7 * f, desc=msg))
        except SleepLMError as err:
            self.registry.cancel(s)
            yield (*self._views(s)[:4],
                   self._status(s, f"⚠️ {err} — still showing {s.night.name}."),
                   self._regions(s), gr.skip(), gr.skip(), *self._summary(s))
            return
        s.set_night(night)
        megabytes = self.registry.hold(s, night, name, (path, hyp, ev))
        note = f"in server memory: {megabytes:.0f} MB ({self.registry.report()})"
        views = self._views(s)
        yield (*views[:4], self._status(s, "\n\n".join(filter(None, (_load_warnings(night), note)))),
               *views[5:], _mapping_rows(night), night.montage.report(), *self._summary(s))

    def _resolve_files(self, recording: str | None, hypnogram: str | None, events: str | None,
                       bundled: str | None) -> tuple[Path, Path | None, Path | None, str]:
        policy = self.cfg.policy
        if recording:
            path = check_recording(recording, policy)
            hyp = check_scoring(hypnogram, policy) if hypnogram else None
            ev = check_scoring(events, policy) if events else None
            return path, hyp, ev, path.name
        if bundled and bundled in self.cfg.bundled:
            path, hyp = self.cfg.bundled[bundled]
            return path, hyp, None, bundled
        raise SleepLMError("no recording chosen; upload an EDF/EDF+/BDF file or pick a bundled night")

    def _summary(self, s: Session) -> tuple[Any, Any]:
        try:
            summary = s.night.summary()
        except SleepLMError as err:
            return [["summary", str(err), ""]], empty_figure(str(err))
        title = f"stage distribution ({summary.source} hypnogram)"
        return [list(r) for r in summary.rows()], stage_distribution_figure(summary.stage_min, title)

    def export(self, kind: str, state: Session | None) -> str:
        s = self._session(state)
        night = s.night
        if kind == "events":
            return str(events_csv(night, s.highlights, s.folder))
        if kind == "hypnogram":
            return str(hypnogram_csv(night, s.folder))
        if kind == "edf":
            return str(edf_annotations(night, s.highlights, s.folder))
        if kind == "report":
            # a session of its own: the download leaves the chat's follow-ups as they were
            report = Session(night).ask("write a report", self.cfg.engine).text
            return str(report_markdown(report, night, s.folder))
        if kind == "overview":
            return str(figure_png(s.overview(), s.folder, "overview"))
        return str(figure_png(s.viewer(), s.folder, f"epoch_{s.current}"))

    # -- layout --------------------------------------------------------------
    def build(self) -> gr.Blocks:
        self.registry.start()
        with gr.Blocks(title="SleepLM Explorer") as demo:
            state = gr.State(None)
            gr.Markdown("## SleepLM Explorer")
            status = gr.Markdown(elem_id="status")
            views, chatbot = self._main_area(state, status)
            with gr.Tabs():
                with gr.Tab("Recording"):
                    files, load_btn, mapping, report = self._recording_tab()
                with gr.Tab("Captions"):
                    self._captions_tab(state)
                with gr.Tab("Retrieval"):
                    self._retrieval(state)
                with gr.Tab("Summary"):
                    table = gr.Dataframe(headers=["statistic", "value", "unit"],
                                         label="AASM statistics")
                    dist = gr.Plot(label="Stage distribution")
                with gr.Tab("Phenomena gallery"):
                    self._gallery(state)
                with gr.Tab("Few-shot"):
                    self._fewshot_tab(state, views)
                with gr.Tab("Exports"):
                    self._exports_tab(state)
            demo.load(self.init, state, views + [chatbot, mapping, report, table, dist])
            load_btn.click(self.load, [*files, mapping, state],
                           views + [mapping, report, table, dist], api_name="load")
        return demo

    def _main_area(self, state: gr.State, status: gr.Markdown) -> tuple[list[Any], gr.Chatbot]:
        """Overview, epoch viewer and chat, wired; returns the redrawn outputs and the chat."""
        with gr.Row():
            with gr.Column(scale=3):
                overview = gr.Plot(label="Night overview (click to jump)", elem_id="overview")
                with gr.Row():
                    prev_btn = gr.Button("◀ previous", size="sm", elem_id="prev")
                    epoch_box = gr.Number(label="epoch", precision=0, elem_id="epoch-number",
                                          minimum=0)
                    next_btn = gr.Button("next ▶", size="sm", elem_id="next")
                    window = gr.Radio(list(WINDOWS_SEC), value="30 s", label="window")
                viewer = gr.Plot(label="Epoch viewer", elem_id="viewer")
            with gr.Column(scale=2):
                chatbot = gr.Chatbot(label="Chat", height=420, elem_id="chat")
                question = gr.Textbox(placeholder="Ask about this night…", show_label=False,
                                      elem_id="question")
                ask_btn = gr.Button("Ask", variant="primary", elem_id="ask")
                self._suggestions(question)
                regions = gr.Dataset(components=[gr.Textbox(visible=False)], type="index",
                                     label="Highlighted regions (click to view)",
                                     samples=[["(no highlighted region yet)"]], elem_id="regions")
        jump_box = gr.Textbox(visible="hidden", elem_id="jump-seconds")
        jump_btn = gr.Button(visible="hidden", elem_id="jump-button")
        views = [state, overview, viewer, epoch_box, status, regions]
        ask_btn.click(self.ask, [question, state], views + [chatbot, question], api_name="ask")
        question.submit(self.ask, [question, state], views + [chatbot, question],
                        api_visibility="private")
        prev_btn.click(lambda st: self.move(-1, st), state, views, api_name="previous")
        next_btn.click(lambda st: self.move(1, st), state, views, api_name="next")
        epoch_box.submit(self.goto, [epoch_box, state], views, api_name="goto")
        window.change(self.set_window, [window, state], views, api_name="window")
        jump_btn.click(self.jump_seconds, [jump_box, state], views, api_name="jump")
        regions.click(self.pick_region, [regions, state], views, api_name="pick_region")
        return views, chatbot

    @staticmethod
    def _suggestions(question: gr.Textbox) -> None:
        for who, texts in SUGGESTIONS.items():
            with gr.Row():
                gr.Markdown(f"*{who}*")
                for text in texts:
                    gr.Button(text, size="sm").click(lambda q=text: q, None, question,
                                                     api_visibility="private")

    def _recording_tab(self) -> tuple[list[Any], gr.Button, gr.Dataframe, gr.Textbox]:
        """Upload/bundled-night inputs, the Load button, the mapping table and the report."""
        with gr.Row():
            rec_file = gr.File(label="Recording (EDF/EDF+/BDF)", elem_id="upload-recording",
                               file_types=list(RECORDING_EXTENSIONS), type="filepath")
            hyp_file = gr.File(label="Hypnogram (optional)", type="filepath")
            ev_file = gr.File(label="Events (optional)", type="filepath")
        with gr.Row():
            bundled = gr.Dropdown(list(self.cfg.bundled), label="or a bundled night", value=None)
            use_mapping = gr.Checkbox(label="use the mapping below", value=False)
            load_btn = gr.Button("Load", variant="primary", elem_id="load")
        mapping = gr.Dataframe(headers=["slot", "file channel"], interactive=True,
                               label="Channel mapping (edit, tick the box, Load)")
        report = gr.Textbox(label="Montage report", lines=8)
        return [rec_file, hyp_file, ev_file, bundled, use_mapping], load_btn, mapping, report

    def _captions_tab(self, state: gr.State) -> None:
        button = gr.Button("Caption the current epoch (five modalities)", elem_id="caption")
        table = gr.Dataframe(headers=["modality", "model caption", "measured caption"], wrap=True,
                             label="Captions of the current epoch")
        button.click(lambda st: self._session(st).captions(self.cfg.engine), state, table,
                     api_name="captions")

    def _fewshot_tab(self, state: gr.State, views: list[Any]) -> None:
        gr.Markdown("Label a few epochs of each class (move the viewer, type a label, *Add*), "
                    "then train a head on their embeddings and see the class across the night.")
        with gr.Row():
            label = gr.Textbox(label="label of the current epoch", scale=3)
            add = gr.Button("Add the current epoch", scale=1)
            kind = gr.Radio(list(FEWSHOT_KINDS), value="prototype", label="head", scale=2)
            train = gr.Button("Train and apply", variant="primary", scale=1)
        with gr.Row():
            labels_file = gr.File(label="or a CSV of labels (epoch,label or time,label)",
                                  file_types=[".csv"], type="filepath")
            examples = gr.Dataframe(headers=["epoch", "label"], label="labelled epochs")
        result = gr.Markdown()

        def add_example(text: str, st: Session | None) -> tuple[Any, ...]:
            s = self._session(st)
            try:
                s.label_current(text)
            except SleepLMError as err:
                return s, [list(e) for e in s.examples], f"⚠️ {err}"
            return s, [list(e) for e in s.examples], f"{len(s.examples)} labelled epochs."

        def apply(k: str, target: str, st: Session | None) -> tuple[Any, ...]:
            s = self._session(st)
            try:
                note = s.fewshot(k, target).text
            except SleepLMError as err:
                note = f"⚠️ {err}"
            return (*self._views(s), note)

        def read_file(path: str | None, st: Session | None) -> tuple[Any, ...]:
            s = self._session(st)
            if not path:
                return s, gr.skip(), ""
            try:
                s.examples = read_labels_csv(check_scoring(path, self.cfg.policy),
                                             s.night.epochs.starts)
            except SleepLMError as err:
                return s, gr.skip(), f"⚠️ {err}"
            return s, [list(e) for e in s.examples], f"{len(s.examples)} labelled epochs read."

        add.click(add_example, [label, state], [state, examples, result], api_name="fewshot_add")
        labels_file.upload(read_file, [labels_file, state], [state, examples, result],
                           api_name="fewshot_file")
        train.click(apply, [kind, label, state], views + [result], api_name="fewshot_apply")

    def _exports_tab(self, state: gr.State) -> None:
        files = gr.File(label="download", elem_id="download")
        with gr.Row():
            for label, kind in (("Events CSV", "events"), ("Hypnogram CSV", "hypnogram"),
                                ("EDF+ annotations", "edf"), ("Report (Markdown)", "report"),
                                ("Overview PNG", "overview"),
                                ("Epoch viewer PNG", "viewer")):
                gr.Button(label, size="sm").click(lambda st, k=kind: self.export(k, st), state,
                                                  files, api_name=f"export_{kind}")

    def _retrieval(self, state: gr.State) -> None:
        with gr.Row():
            text = gr.Textbox(label="Search the library by text (empty: by the current epoch)",
                              scale=4)
            by_text = gr.Button("Search", variant="primary", scale=1)
        summary = gr.Markdown()
        slots: list[Any] = []
        for _ in range(CARD_SLOTS // 3):
            with gr.Row():
                for _ in range(3):
                    with gr.Column(min_width=200):
                        slots += [gr.Plot(show_label=False), gr.Markdown()]

        def search(query: str, st: Session | None) -> list[Any]:
            s = self._session(st)
            result = s.retrieve(query, self.cfg.engine)
            cards = [card(h, s.night) for h in s.hits[:CARD_SLOTS]]
            values: list[Any] = []
            for i in range(CARD_SLOTS):
                values += ([cards[i].figure, cards[i].text] if i < len(cards)
                           else [empty_figure("no result"), ""])
            return [s, result.text, *values]

        for trigger in (by_text.click, text.submit):
            trigger(search, [text, state], [state, summary, *slots],
                    api_name="retrieve" if trigger == by_text.click else False)

    def _gallery(self, state: gr.State) -> None:
        items = gallery()
        choice = gr.Radio([p.title for p in items], label="Phenomenon", value=None,
                          elem_id="gallery-choice")
        text = gr.Markdown("Pick a phenomenon: its explanation, the model's best example in the "
                           "loaded night and the closest examples in the library.")
        example = gr.Plot(label="Best example in the loaded night")
        note = gr.Markdown()
        with gr.Row():
            slots: list[Any] = []
            for _ in range(3):
                with gr.Column(min_width=200):
                    slots += [gr.Plot(show_label=False), gr.Markdown()]

        def show(title: str | None, st: Session | None) -> list[Any]:
            s = self._session(st)
            phen = next((p for p in items if p.title == title), None)
            if phen is None:
                return [s, gr.skip(), gr.skip(), gr.skip(), *([gr.skip()] * len(slots))]
            result = s.ask(f"show a clear example of {phen.title.lower()}", self.cfg.engine)
            library = s.retrieve(phen.title.lower(), self.cfg.engine)
            cards = [card(h, s.night) for h in s.hits[:3]]
            values: list[Any] = []
            for i in range(3):
                values += ([cards[i].figure, cards[i].text] if i < len(cards)
                           else [empty_figure("no library example"), ""])
            return [s, phen.explanation, s.viewer(), result.text + "\n\n" + library.text, *values]

        choice.change(show, [choice, state], [state, text, example, note, *slots],
                      api_name="gallery")
