"""NeTEx engine: well-formedness and frames of NeTEx XML files. Imports no Django.

>>> from fabrique.netex import check
>>> check(Path("offer.zip")).summary()["frames"]  # doctest: +SKIP
{'CompositeFrame': 26, 'GeneralFrame': 49, 'ResourceFrame': 26}
"""

from fabrique.netex.check import Limits, NetexCheck, check

__all__ = ["Limits", "NetexCheck", "check"]
