"""The demo content, written for Fabrique: an invented but credible French
mobility ecosystem. Every address is under example.org.

Each commons is a dict: its fields, its ``holder`` (an actor key), its
``community`` as (role, member, status) where a member is an actor key or
``@account``, its ``needs`` as (title, kind of help, status, details), and
optional ``edits`` as (account, comment, changed fields) and an optional
``revert`` of the last edit as (account, comment).
"""

from fabrique.catalog.demo_data.actors import ACTORS
from fabrique.catalog.demo_data.commons_data import DATA_COMMONS
from fabrique.catalog.demo_data.commons_hardware import HARDWARE_COMMONS
from fabrique.catalog.demo_data.commons_knowledge import KNOWLEDGE_COMMONS
from fabrique.catalog.demo_data.commons_services import SERVICE_COMMONS
from fabrique.catalog.demo_data.commons_software import SOFTWARE_COMMONS
from fabrique.catalog.demo_data.discussions import DISCUSSIONS
from fabrique.catalog.demo_data.people import THEMES, USERS

COMMONS = [
    *DATA_COMMONS,
    *SOFTWARE_COMMONS,
    *HARDWARE_COMMONS,
    *KNOWLEDGE_COMMONS,
    *SERVICE_COMMONS,
]

__all__ = ["ACTORS", "COMMONS", "DISCUSSIONS", "THEMES", "USERS"]
