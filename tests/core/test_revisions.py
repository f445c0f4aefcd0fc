import pytest

from fabrique.catalog.models import Commons
from fabrique.core.revisions import EditConflict, revisions_of, save_revision

pytestmark = pytest.mark.django_db


def _new_commons(user=None):
    commons = Commons(title="Vélos partagés", slug="velos", summary="s", kind="data")
    save_revision(commons, user=user, base_revision=None, comment="first")
    return commons


def test_each_save_stores_a_revision_with_full_content():
    commons = _new_commons()
    commons.summary = "Un résumé plus long"
    change = save_revision(commons, user=None, base_revision=1, comment="better")
    assert change.revision.number == 2
    assert change.changed == ["summary"]
    assert [r.number for r in revisions_of(commons)] == [2, 1]
    assert revisions_of(commons).first().content["summary"] == "Un résumé plus long"


def test_second_save_with_stale_revision_is_refused():
    commons = _new_commons()
    first = Commons.objects.get(pk=commons.pk)
    second = Commons.objects.get(pk=commons.pk)
    first.summary = "edit A"
    save_revision(first, user=None, base_revision=1)
    second.summary = "edit B"
    with pytest.raises(EditConflict) as conflict:
        save_revision(second, user=None, base_revision=1)
    assert conflict.value.current == 2
    assert Commons.objects.get(pk=commons.pk).summary == "edit A"
    assert revisions_of(commons).count() == 2
