import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are asserted on their English source text."""
