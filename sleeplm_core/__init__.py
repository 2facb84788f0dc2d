"""SleepLM Explorer core library: io -> captions -> dataset -> model -> heads."""

__version__ = "0.1.0"
