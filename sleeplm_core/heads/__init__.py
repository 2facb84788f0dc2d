"""Model heads: zero-/few-shot staging, localization, insights, night summary, evaluation.

The heads work on arrays of L2-normalised signal embeddings (one row per epoch or
window) and a text-encoding callable, so they run with any SleepLM checkpoint.
"""
