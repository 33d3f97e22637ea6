"""The emails and the unsubscribe page: words, both parts, links, headers, and what people
wrote shown as text, never run (docs/email.md)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from promptvault.email import compose
from promptvault.email.compose import DigestLine, Notice, Recipient
from promptvault.email.preferences import CATEGORIES, UNSUBSCRIBE_CATEGORIES
from promptvault.email.tokens import UnsubscribeClaim, read_unsubscribe_token
from tests.support.settings import stage_env

BASE = "https://api.promptvault.example"
GRACE = Recipient(user_id="u-grace", username="grace", email="grace@example.com", display_name=None)
PROMPT = f"{BASE}/v1/prompts/p_0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _public_url():
    with stage_env(PUBLIC_URL=BASE):
        yield


def notice(**changes) -> Notice:
    values = {
        "type": "prompt.rated",
        "actors": ["ada"],
        "count": 1,
        "target_title": "Summarise a meeting",
        "link": PROMPT,
    }
    return Notice(**{**values, **changes})


class Page(HTMLParser):
    """What a browser would make of an HTML part: elements, links, and the visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []
        self.forms: list[dict[str, str | None]] = []
        self.inputs: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "a":
            self.links.append(found.get("href") or "")
        if tag == "form":
            self.forms.append(found)
        if tag == "input":
            self.inputs.append(found)

    def handle_data(self, data):
        self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


# --- the words --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actors", "count", "said"),
    [
        (["ada"], 1, "ada"),
        (["ada", "bob"], 2, "ada and bob"),
        (["ada"], 2, "ada and 1 other"),
        (["ada", "bob"], 5, "ada and 4 others"),
        (["a guest"], 1, "A guest"),
        (["a guest", "ada"], 3, "A guest and 2 others"),
        ([], 1, "Someone"),
        (["ada"], 0, "ada"),
    ],
)
def test_who_did_it_in_words(actors, count, said):
    assert compose.who(actors, count) == said


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("prompt.rated", "ada and 4 others rated “Summarise a meeting”"),
        ("prompt.bookmarked", "ada and 4 others bookmarked “Summarise a meeting”"),
        ("prompt.forked", "ada and 4 others forked “Summarise a meeting”"),
        ("user.followed", "ada and 4 others followed you"),
    ],
)
def test_the_subject_says_who_did_what_to_what(kind, subject):
    email = compose.notification_email(
        GRACE, notice(type=kind, actors=["ada", "bob"], count=5), kind, 0
    )

    assert email.subject == subject
    assert subject in email.text
    assert html.escape(subject, quote=False) in email.html


def test_every_notifying_type_and_unsubscribe_category_has_words():
    for kind in CATEGORIES:
        assert compose.sentence(kind, ["ada"], 1, "T").startswith("ada ")
    for category in UNSUBSCRIBE_CATEGORIES:
        assert compose.unsubscribe_words(category)


def test_a_type_without_words_is_an_error_not_a_vague_email():
    with pytest.raises(ValueError, match=r"prompt\.commented"):
        compose.notification_email(GRACE, notice(type="prompt.commented"), "prompt.rated", 0)


# --- both parts, the link back, the footer and the headers -------------------------------------


def test_an_email_has_a_text_and_an_html_part_with_the_product_and_the_link_back():
    email = compose.notification_email(GRACE, notice(), "prompt.rated", 0)
    page = Page(email.html)

    assert "PromptVault" in email.text
    assert "PromptVault" in page.visible
    assert "Hi grace," in email.text
    assert "Hi grace," in page.visible
    assert PROMPT in email.text
    assert PROMPT in page.links
    assert {"html", "body", "a", "strong"} <= set(page.tags)


def test_the_greeting_uses_the_display_name_when_there_is_one():
    ada = Recipient("u-ada", "ada", "ada@example.com", display_name="Ada Lovelace")

    email = compose.notification_email(ada, notice(), "prompt.rated", 0)

    assert "Hi Ada Lovelace," in email.text


def test_the_footer_manages_notifications_and_unsubscribes_from_this_category():
    email = compose.notification_email(GRACE, notice(type="user.followed"), "user.followed", 7)
    page = Page(email.html)
    manage = f"{BASE}/v1/users/me/notification-preferences"
    (unsubscribe,) = [link for link in page.links if "/v1/email/unsubscribe?" in link]

    assert "Manage notifications" in page.visible
    assert manage in page.links
    assert f"Manage notifications: {manage}" in email.text
    assert "Unsubscribe from emails about new followers" in page.visible
    assert f"Unsubscribe from emails about new followers: {unsubscribe}" in email.text
    (token,) = parse_qs(urlsplit(unsubscribe).query)["token"]
    assert read_unsubscribe_token(token) == UnsubscribeClaim("u-grace", "user.followed", 7)


def test_the_headers_ask_for_one_click_unsubscribe_with_the_same_link():
    email = compose.notification_email(GRACE, notice(), "prompt.rated", 3)
    link = next(link for link in Page(email.html).links if "/v1/email/unsubscribe?" in link)

    assert email.headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert link.startswith(f"{BASE}/v1/email/unsubscribe?token=")


def test_a_follow_links_to_the_profile_and_names_no_prompt():
    profile = f"{BASE}/v1/users/ada"
    email = compose.notification_email(
        GRACE, notice(type="user.followed", link=profile, target_title="grace"), "user.followed", 0
    )

    assert email.subject == "ada followed you"
    assert profile in Page(email.html).links
    assert "“" not in email.text


def test_a_link_that_is_not_an_absolute_web_address_is_refused():
    for link in ("/v1/prompts/p_1", "javascript:alert(1)", "data:text/html,x", ""):
        with pytest.raises(ValueError, match="absolute"):
            compose.notification_email(GRACE, notice(link=link), "prompt.rated", 0)


# --- what people wrote is text ------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7 * 7 }}",
    "{{ config.items() }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{# a comment #}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "&lt;already escaped&gt; &amp;",
    "javascript:alert(1)",
    "' OR '1'='1",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_titles_and_names_appear_as_written_never_as_markup_or_template(hostile):
    someone = Recipient("u-x", "x", "x@example.com", display_name=f"Grace {hostile}")
    email = compose.notification_email(
        someone,
        notice(actors=[f"ada {hostile}"], count=2, target_title=f"Plan {hostile}"),
        "prompt.rated",
        0,
    )
    page = Page(email.html)

    assert f"Plan {hostile}" in email.subject
    assert f"Plan {hostile}" in email.text
    assert f"ada {hostile}" in email.text
    assert f"Hi Grace {hostile}," in email.text
    assert f"Plan {hostile}" in page.visible  # what the reader sees is what was written
    assert f"ada {hostile}" in page.visible
    assert f"Grace {hostile}" in page.visible
    assert "script" not in page.tags
    assert "img" not in page.tags
    assert "49" not in email.text.replace("7 * 7", "").replace("7*7", "")
    assert "loop" not in page.visible.replace("loop{%", "")


def test_html_parts_escape_markup_in_every_place_it_is_shown():
    title = "<b>bold</b> & <i>co</i>"
    email = compose.notification_email(GRACE, notice(target_title=title), "prompt.rated", 0)

    assert "<b>" not in email.html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in email.html
    assert title in email.text  # plain text is not HTML: shown as written


def test_a_line_break_in_a_title_never_reaches_the_subject():
    email = compose.notification_email(
        GRACE, notice(target_title="Plan\r\nBcc: x@example.com\u2028more"), "prompt.rated", 0
    )

    assert "\n" not in email.subject
    assert "\r" not in email.subject
    assert email.subject == "ada rated “Plan Bcc: x@example.com more”"


def test_the_templates_render_only_our_variables():
    """An undefined variable is an error (StrictUndefined), and the environment escapes HTML."""
    import jinja2

    environment = compose.environment()

    assert environment.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        environment.get_template("notification.html").render()
    assert (
        environment.get_template("base.html")
        .render(
            subject="<b>",
            product="P",
            name="n",
            manage_url="https://m",
            unsubscribe_url="https://u",
            unsubscribe_words="w",
        )
        .count("&lt;b&gt;")
        == 1
    )


def test_every_template_is_a_file_shipped_with_the_package():
    names = {path.name for path in compose.TEMPLATES.iterdir()}

    assert {
        "base.html",
        "base.txt",
        "notification.html",
        "notification.txt",
        "digest.html",
        "digest.txt",
        "unsubscribe.html",
    } <= names


# --- digests ------------------------------------------------------------------------------------


def lines() -> list[DigestLine]:
    return [
        DigestLine("prompt.rated", "Summarise a meeting", PROMPT, 5, ["ada", "bob"]),
        DigestLine("user.followed", "grace", f"{BASE}/v1/users/grace/followers", 2, ["ada", "bob"]),
        DigestLine("prompt.bookmarked", "<script>x</script>", f"{PROMPT}x", 1, ["a guest"]),
    ]


@pytest.mark.parametrize(("period", "when"), [("daily", "today"), ("weekly", "this week")])
def test_a_digest_lists_each_group_in_both_parts(period, when):
    email = compose.digest_email(GRACE, period, lines(), 2)
    page = Page(email.html)

    assert email.subject == f"Your {period} PromptVault digest: 3 updates"
    assert f"Here is what happened on PromptVault {when}:" in email.text
    assert "- ada and 4 others rated “Summarise a meeting”: " in email.text
    assert "- ada and bob followed you: " in email.text
    assert "- A guest bookmarked “<script>x</script>”: " in email.text
    assert "script" not in page.tags
    assert page.tags.count("li") == 3
    assert {PROMPT, f"{PROMPT}x", f"{BASE}/v1/users/grace/followers"} <= set(page.links)


def test_a_digest_unsubscribes_from_its_period():
    email = compose.digest_email(GRACE, "weekly", lines()[:1], 9)
    link = email.headers["List-Unsubscribe"].strip("<>")
    (token,) = parse_qs(urlsplit(link).query)["token"]

    assert read_unsubscribe_token(token) == UnsubscribeClaim("u-grace", "digest:weekly", 9)
    assert "Unsubscribe from the weekly digest email" in email.text
    assert email.subject == "Your weekly PromptVault digest: 1 update"


def test_an_empty_digest_is_not_composed():
    with pytest.raises(ValueError, match="at least one line"):
        compose.digest_email(GRACE, "daily", [], 0)


# --- the page an unsubscribe link opens ---------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "words"),
    [
        ("prompt.rated", "emails about ratings of your prompts"),
        ("user.followed", "emails about new followers"),
        ("digest:daily", "the daily digest email"),
    ],
)
def test_the_page_says_what_the_link_stops_and_posts_the_one_click_form(category, words):
    token = "abc.DEF-_"
    page = Page(compose.unsubscribe_page(category, token))

    assert f"Unsubscribe from {words}?" in page.visible
    assert page.forms == [{"method": "post", "action": f"?token={token}"}]
    assert page.inputs == [{"type": "hidden", "name": "List-Unsubscribe", "value": "One-Click"}]
    assert "button" in page.tags
    assert not {"script", "style", "link", "img", "iframe"} & set(page.tags)


def test_the_page_escapes_the_token_it_posts_back():
    page = compose.unsubscribe_page("prompt.rated", '"><script>alert(1)</script>')

    assert "<script>" not in page
    assert re.search(r'action="\?token=[^"<>]*"', page)
