"""Running what a webhook schedules after its commit (the media fetch task)."""

from django.test import TestCase


def after_commit():
    """A block whose on-commit callbacks run at its end, as after a real
    commit; tasks then run at once (the test settings' immediate backend)."""
    return TestCase.captureOnCommitCallbacks(execute=True)
