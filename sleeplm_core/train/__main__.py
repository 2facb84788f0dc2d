"""Entry point for ``torchrun -m sleeplm_core.train`` (and ``python -m sleeplm_core.train``)."""

from __future__ import annotations

import argparse
import logging
import sys

from sleeplm_core.errors import SleepLMError
from sleeplm_core.train.cli import add_train_arguments, run_train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sleeplm_core.train",
                                     description="Train (or resume) a SleepLM model.")
    add_train_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run_train(args)
    except SleepLMError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
