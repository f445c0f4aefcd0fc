"""``{% url %}`` keeps the addresses without arguments: same results as Django's."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from fabrique.core.templatetags.urls import KeptURLNode


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_the_url_tag_is_the_kept_one_in_every_template():
    template = Template("{% url 'home' %}")
    assert any(isinstance(node, KeptURLNode) for node in template.nodelist)


def test_addresses_with_and_without_arguments_read_as_djangos():
    assert render("{% url 'catalog:commons_list' %}") == reverse("catalog:commons_list")
    assert render("{% url 'catalog:commons_list' %}") == reverse("catalog:commons_list")
    assert render("{% url 'catalog:commons' 'velo-lyon' %}") == reverse(
        "catalog:commons", args=["velo-lyon"]
    )
    assert render("{% url 'catalog:commons' slug='a-b' %}") == reverse(
        "catalog:commons", kwargs={"slug": "a-b"}
    )
    assert render("{% url name %}", name="home") == reverse("home")


def test_as_var_and_unknown_names_behave_as_djangos():
    assert render("{% url 'home' as home %}[{{ home }}]") == f"[{reverse('home')}]"
    assert render("{% url 'no-such-page' as nothing %}[{{ nothing }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")


def test_a_kept_address_follows_the_script_prefix():
    plain = render("{% url 'catalog:commons_list' %}")
    set_script_prefix("/sous-dossier/")
    try:
        prefixed = render("{% url 'catalog:commons_list' %}")
    finally:
        clear_script_prefix()
    assert prefixed == "/sous-dossier" + plain
    assert render("{% url 'catalog:commons_list' %}") == plain


def test_a_kept_address_follows_the_url_configuration():
    before = render("{% url 'home' %}")
    with override_settings(ROOT_URLCONF="tests.core.urls_elsewhere"):
        assert render("{% url 'home' %}") == "/ailleurs/"
    assert render("{% url 'home' %}") == before


def test_a_kept_address_is_kept_per_language():
    with translation.override("fr"):
        french = render("{% url 'home' %}")
    with translation.override("en"):
        english = render("{% url 'home' %}")
    with translation.override("fr"):
        assert render("{% url 'home' %}") == french == reverse("home")
    with translation.override("en"):
        assert english == reverse("home")
