"""Every exception jointreport defines is a `JointreportError`, so the CLI and the portal show its message
as a problem the user can fix instead of calling it a bug, unless it must be something else (said here)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pipeline
from pipeline.errors import JointreportError

# Exceptions that must not be JointreportErrors, and why.
OUTSIDE = {
    # A signal from the ASGI layer to the guard that answers 413: the portal's handlers turn every
    # JointreportError into a refusal page, so being one would let them answer in the guard's stead.
    "pipeline.web.guard.BodyTooLarge",
}


def defined_exceptions() -> dict[str, type]:
    found = {}
    for module in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if module.name == "pipeline.__main__":
            continue
        loaded = importlib.import_module(module.name)
        for _, value in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("pipeline"):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_exception_of_jointreport_is_a_jointreport_error():
    exceptions = defined_exceptions()
    assert {"pipeline.files.Unreadable", "pipeline.yamlfile.YamlError", "pipeline.pandoc.TooComplex"} <= set(exceptions)
    outside = {name for name, cls in exceptions.items() if not issubclass(cls, JointreportError)}
    assert outside == OUTSIDE & set(exceptions)
