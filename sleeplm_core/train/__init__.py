"""Training for the SleepLM model family.

``store`` holds the on-disk dataset format, ``build`` writes it from recordings,
``data`` reads it for torch, ``losses``/``augment`` define the objective, ``loop``
runs optimisation on one CPU, one GPU or many ranks under ``torchrun``.
"""
