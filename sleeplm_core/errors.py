"""User-facing errors.

Every failure a user can cause (a bad file, an impossible mapping, a model that
does not fit an index) raises a subclass of :class:`SleepLMError`. Its message is
one line that names the thing at fault and says what to do; the CLI and the app
show it verbatim instead of a traceback.
"""


class SleepLMError(Exception):
    """Base class for errors caused by user input, with an actionable message."""


class RecordingError(SleepLMError):
    """A recording or scoring file cannot be read or does not make sense."""


class MontageError(SleepLMError):
    """No usable channel mapping could be made for a recording."""


class ModelError(SleepLMError):
    """A checkpoint or config cannot be loaded."""


class IndexError_(SleepLMError):
    """A retrieval index is missing, corrupt or was built with another model."""
