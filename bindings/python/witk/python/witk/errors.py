"""Exceptions raised by witk pipelines, one class per failure kind.

Every class derives from :class:`PipelineError`; those for bad input also derive from
``ValueError`` and the limit errors from the matching built-in, so generic handlers work.
"""

from __future__ import annotations


class PipelineError(Exception):
    """A witk pipeline call failed. ``pipeline`` names the function, ``code`` the WIT
    error code (or the host-side kind), and ``message`` says why."""

    code = "error"

    def __init__(self, pipeline: str, message: str) -> None:
        super().__init__(f"{pipeline}: {message}")
        self.pipeline = pipeline
        self.message = message


class InvalidArgumentError(PipelineError, ValueError):
    """A parameter is out of range or inconsistent."""

    code = "invalid-argument"


class InvalidDataError(PipelineError, ValueError):
    """The input is malformed, truncated or not in the expected format."""

    code = "invalid-data"


class LimitExceededError(PipelineError, MemoryError):
    """The result would exceed a limit the component enforces (e.g. output size)."""

    code = "limit-exceeded"


class UnsupportedError(PipelineError, ValueError):
    """Valid input that uses a feature the pipeline does not implement."""

    code = "unsupported"


class InternalError(PipelineError):
    """An unexpected condition inside the pipeline."""

    code = "internal"


class PipelineTimeoutError(PipelineError, TimeoutError):
    """The call ran longer than the configured timeout and was stopped."""

    code = "timeout"


class MemoryLimitError(PipelineError, MemoryError):
    """The component needed more memory than the configured memory limit."""

    code = "memory-limit"


class TrapError(PipelineError):
    """The component trapped (a bug in it); later calls are unaffected."""

    code = "trap"


class LoadError(PipelineError):
    """The component could not be loaded or compiled."""

    code = "load"


BY_CODE = {
    cls.code: cls
    for cls in (
        InvalidArgumentError,
        InvalidDataError,
        LimitExceededError,
        UnsupportedError,
        InternalError,
        PipelineTimeoutError,
        MemoryLimitError,
        TrapError,
        LoadError,
    )
}
