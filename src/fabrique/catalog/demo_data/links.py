"""Placeholder addresses of the demo commons, all under example.org."""


def links(
    name: str,
    *,
    repository: bool = True,
    documentation: bool = True,
    demo: bool = False,
    download: str = "",
) -> dict[str, str]:
    """The links of a demo commons; ``download`` is a file name to offer."""
    found = {}
    if repository:
        found["repository_url"] = f"https://forge.example.org/{name}"
    if documentation:
        found["documentation_url"] = f"https://docs.example.org/{name}/"
    if demo:
        found["demo_url"] = f"https://demo.example.org/{name}/"
    if download:
        found["download_url"] = f"https://data.example.org/{name}/{download}"
    return found
