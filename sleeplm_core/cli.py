"""The ``sleeplm`` command line.

Each package contributes its subcommands through a ``register(subparsers)``
function in its own ``cli`` module, listed in :data:`COMMAND_MODULES`.
User errors (:class:`SleepLMError`) print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from sleeplm_core.errors import SleepLMError

COMMAND_MODULES: tuple[str, ...] = (
    "sleeplm_core.io.cli",
    "sleeplm_core.io.synth_cli",
    "sleeplm_core.captions.cli",
    "sleeplm_core.scoring.cli",
    "sleeplm_core.heads.cli",
    "sleeplm_core.index.cli",
    "sleeplm_core.model.cli",
    "sleeplm_core.train.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sleeplm", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except SleepLMError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
