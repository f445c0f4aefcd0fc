"""Demo content of a credible French mobility ecosystem (filled in elsewhere)."""

DEMO_USERNAME = "camille"
DEMO_PASSWORD = "demo-fabrique-2026"  # noqa: S105


def load_demo() -> bool:
    """Load the demo content once; return True when it was created."""
    return False
