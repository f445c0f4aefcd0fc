import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted on their English source text."""
    with translation.override("en"):
        yield
