"""jinja2 and itsdangerous are loaded by what makes an email or reads a link, and by nothing
else: the preference endpoints and every other function start without them."""

from __future__ import annotations

import pytest

from tests.unit.test_init_cost import _loaded_after_init

EMAIL_LIBRARIES = {"jinja2", "itsdangerous", "markupsafe"}


@pytest.mark.parametrize(
    "function",
    [
        "notification_prefs_get",
        "notification_prefs_update",
        "users_me",
        "users_me_delete",
        "users_me_email",
        "users_me_email_verify",  # revokes the links, never makes one
    ],
)
def test_a_function_that_makes_no_email_and_reads_no_link_loads_neither_library(function):
    assert not EMAIL_LIBRARIES & _loaded_after_init(function)


def test_the_unsubscribe_functions_load_the_signing_library_at_init_and_templates_later():
    one_click = _loaded_after_init("email_unsubscribe")

    assert "itsdangerous" in one_click  # paid at init (SnapStart's snapshot holds it)
    assert "jinja2" not in one_click  # only the page renders a template


def test_the_unsubscribe_page_compiles_its_template_at_init():
    assert "jinja2" in _loaded_after_init("email_unsubscribe_page")
