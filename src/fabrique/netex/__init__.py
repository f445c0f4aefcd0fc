"""NeTEx engine: XML Schema, references, French-profile rules, summary.

Imports no Django.

>>> from fabrique.netex import validate
>>> validate(Path("offer.zip"), xsd_dir=Path("xsd")).verdict  # doctest: +SKIP
'valid_with_warnings'
"""

from fabrique.netex.check import Limits, NetexCheck, check
from fabrique.netex.validate import NetexValidation, validate

__all__ = ["Limits", "NetexCheck", "NetexValidation", "check", "validate"]
