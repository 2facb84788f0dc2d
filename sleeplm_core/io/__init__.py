"""Recordings in: readers, montage mapping, epoching and synthetic nights."""
