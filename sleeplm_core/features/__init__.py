"""Measured per-epoch physiology for the five caption levels, units on every field.

Entry point: :func:`night_features` -> :class:`NightFeatures`.
"""

from sleeplm_core.features.night import Facts, NightFeatures, night_features

__all__ = ["Facts", "NightFeatures", "night_features"]
