"""``sleeplm convert``: turn a released checkpoint into safetensors (no pickle on later loads)."""

from __future__ import annotations

import argparse
from pathlib import Path

from safetensors.torch import save_file

from sleeplm_core.model.checkpoint import load_pretrained, read_state_dict, save_pretrained


def _convert(args: argparse.Namespace) -> int:
    out = Path(args.out)
    # load into the model first: a checkpoint that does not fit its config fails here
    model = load_pretrained(args.weights, args.config, trust_pickle=args.trust_pickle)
    report = model.load_report
    if out.suffix == ".safetensors":
        state = read_state_dict(args.weights, trust_pickle=args.trust_pickle)
        out.parent.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in state.items()}, str(out), metadata={"format": "pt"})
    else:
        save_pretrained(model, out)
    print(f"wrote {out} ({len(report.missing)} missing, {len(report.unexpected)} unexpected tensors)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``convert`` subcommand."""
    parser = subparsers.add_parser(
        "convert", help="convert a SleepLM checkpoint (.pt/.safetensors) to safetensors",
        description="Check a released SleepLM checkpoint against its config and write its tensors as "
                    ".safetensors (OUT ending in .safetensors) or as a model folder (config.json + "
                    "model.safetensors) that `load_model` reads.",
    )
    parser.add_argument("weights", help="model_checkpoint.pt (dict with state_dict) or .safetensors")
    parser.add_argument("--config", required=True, help="config.json (official or SleepLM Explorer form)")
    parser.add_argument("--out", required=True, help="OUT.safetensors, or a folder for a full model folder")
    parser.add_argument("--trust-pickle", action="store_true",
                        help="allow pickled Python objects in a .pt file (only for files you trust)")
    parser.set_defaults(func=_convert)
