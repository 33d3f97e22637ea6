"""``GET /_local/outbox/view``: the outbox as a person would read it, beside the JSON.

Newest first, each message with its envelope (from, to, subject, date), every header (the
List-Unsubscribe pair marked), the text part, and the HTML part rendered in an
``<iframe sandbox srcdoc=...>``: a unique origin where no script runs, no form posts and no
popup opens. The List-Unsubscribe link is shown as a link and as the one-click button a
mail provider presses: a form posting ``List-Unsubscribe=One-Click`` to it
(``application/x-www-form-urlencoded``, RFC 8058), whose answer appears beside it.

Everything from a message is escaped (subjects, names and bodies hold what users wrote);
the HTML part is escaped into the ``srcdoc`` attribute, never into the page itself. The
page's policy (``content_security_policy``) lets nothing load and no script run; forms may
post, and frames may load, only the local API's origin (``PUBLIC_URL``, which the local
runtime sets to its own base URL). A ``srcdoc`` frame inherits that policy, so inline
styles are allowed: emails are styled by ``style`` attributes.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from infra.local import outbox

VIEW_PATH = "/_local/outbox/view"
JSON_PATH = "/_local/outbox"
UNSUBSCRIBE_HEADERS = ("list-unsubscribe", "list-unsubscribe-post")
ONE_CLICK = ("List-Unsubscribe", "One-Click")

_STYLE = """
:root { color-scheme: light; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial,
  sans-serif; color: #1d1d1b; background: #eceae6; }
header.page { padding: 14px 24px; background: #1d1d1b; color: #f6f6f4; }
header.page h1 { margin: 0; font-size: 18px; font-weight: 600; }
header.page p { margin: 4px 0 0; color: #c9c7c2; }
header.page a { color: #f6f6f4; }
main { padding: 16px 24px 32px; }
.empty { padding: 32px; background: #fff; border-radius: 8px; }
article.message { background: #fff; border: 1px solid #d8d6d1; border-radius: 8px;
  margin: 0 0 20px; overflow: hidden; }
article.message > h2 { margin: 0; padding: 14px 18px 4px; font-size: 17px; }
dl.envelope { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px;
  margin: 0; padding: 6px 18px 12px; }
dl.envelope dt { color: #6b6963; }
dl.envelope dd { margin: 0; overflow-wrap: anywhere; }
section.unsubscribe { margin: 0 18px 12px; padding: 10px 12px; background: #fff8e1;
  border: 1px solid #f0d98a; border-radius: 6px; }
section.unsubscribe h3 { margin: 0 0 6px; font-size: 13px; }
section.unsubscribe a { overflow-wrap: anywhere; }
section.unsubscribe form { margin: 8px 0 0; }
section.unsubscribe button { font: inherit; padding: 6px 12px; border-radius: 6px;
  border: 1px solid #1d1d1b; background: #1d1d1b; color: #fff; cursor: pointer; }
iframe.answer { display: block; width: 100%; height: 64px; margin-top: 8px;
  border: 1px dashed #d8c26a; background: #fff; }
details.headers { margin: 0 18px 12px; }
details.headers summary { cursor: pointer; color: #6b6963; }
table.headers { border-collapse: collapse; margin-top: 6px; font: 12px/1.4 ui-monospace,
  SFMono-Regular, Menlo, Consolas, monospace; }
table.headers th, table.headers td { text-align: left; vertical-align: top;
  padding: 2px 8px; border-bottom: 1px solid #eee; overflow-wrap: anywhere; }
table.headers tr.unsubscribe { background: #fff3c4; font-weight: 600; }
.parts { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 12px;
  padding: 0 18px 18px; }
.parts h3 { margin: 0 0 6px; font-size: 13px; color: #6b6963; }
iframe.html-part { display: block; width: 100%; height: 380px; border: 1px solid #d8d6d1;
  border-radius: 6px; background: #fff; }
pre.text-part { margin: 0; padding: 10px; height: 358px; overflow: auto;
  white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f4;
  border: 1px solid #d8d6d1; border-radius: 6px; font-size: 12px; }
p.note { margin: 8px 0 0; color: #6b6963; }
.missing { color: #6b6963; font-style: italic; }
p.missing.headers { margin: 0 18px 12px; }
"""


_ANSWER_PLACEHOLDER = (
    '<p style="margin:8px;font:13px system-ui,sans-serif;color:#8a7a3a">'
    "The API's answer to the one-click POST shows here.</p>"
)


def api_origin() -> str | None:
    """The origin of the links in emails (``settings.public_url``), or None if it is not
    an http(s) URL."""
    from promptvault.core.settings import get_settings

    return _origin(get_settings().public_url)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(origin: str | None) -> str:
    """Nothing loads and no script runs; forms post to, and frames show, ``origin`` only
    (the local API); inline styles, for the emails' ``style`` attributes."""
    allowed = origin or "'none'"
    return "; ".join(
        [
            "default-src 'none'",
            "style-src 'unsafe-inline'",
            f"frame-src {allowed}",
            f"form-action {allowed}",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def unsubscribe_link(headers: dict[str, str]) -> str | None:
    """The first http(s) URL of the List-Unsubscribe header (``<https://…>, <mailto:…>``)."""
    value = _header(headers, "List-Unsubscribe") or ""
    for item in value.split(","):
        link = item.strip().removeprefix("<").removesuffix(">").strip()
        if _origin(link) is not None:
            return link
    return None


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def render(messages: list[dict[str, Any]], *, api: str | None = None, single: bool = False) -> str:
    """The page for these messages (already newest first); one-click buttons for the links
    to ``api`` (an origin) only."""
    count = len(messages)
    if single:
        title = (messages[0].get("subject") or "(no subject)") if messages else "Not found"
        lede = f'<a href="{VIEW_PATH}">All messages</a> · <a href="{JSON_PATH}">JSON</a>'
    else:
        title = "Outbox"
        noun = "message" if count == 1 else "messages"
        lede = (
            f"{count} {noun} sent through SES on this local stage, newest first · "
            f'<a href="{JSON_PATH}">JSON</a> · reload to see new ones'
        )
    if messages:
        body = "\n".join(_article(m, n, api) for n, m in enumerate(messages, start=1))
    elif single:
        body = '<p class="empty">No message has this id.</p>'
    else:
        body = (
            '<p class="empty">No email sent yet. Follow someone, rate or fork a prompt, '
            "or run a digest (<code>POST /_local/schedules/daily</code>), then reload.</p>"
        )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · PromptVault local outbox</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<header class="page"><h1>{escape(title)}</h1><p>{lede}</p></header>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _article(message: dict[str, Any], number: int, api: str | None) -> str:
    message_id = str(message.get("id") or "")
    headers: dict[str, str] = message.get("headers") or {}
    subject = message.get("subject") or "(no subject)"
    envelope = [
        ("From", message.get("from")),
        ("To", ", ".join(message.get("to") or [])),
        ("Cc", ", ".join(message.get("cc") or [])),
        ("Date", _header(headers, "Date")),
    ]
    rows = "".join(f"<dt>{name}</dt><dd>{escape(value)}</dd>" for name, value in envelope if value)
    own_page = f"{VIEW_PATH}/{quote(message_id, safe='')}"
    rows += f'<dt>Message</dt><dd><a href="{escape(own_page)}">{escape(message_id)}</a></dd>'
    return (
        f'<article class="message" id="message-{escape(message_id)}" '
        f'data-message-id="{escape(message_id)}">\n'
        f"<h2>{escape(subject)}</h2>\n"
        f'<dl class="envelope">{rows}</dl>\n'
        f"{_unsubscribe(headers, number, api)}"
        f"{_headers_table(headers)}"
        '<div class="parts">\n'
        f"<div><h3>HTML part</h3>{_html_part(message.get('html'), subject)}</div>\n"
        f"<div><h3>Text part</h3>{_text_part(message.get('text'))}</div>\n"
        "</div>\n</article>"
    )


def _unsubscribe(headers: dict[str, str], number: int, api: str | None) -> str:
    link = unsubscribe_link(headers)
    if link is None:
        return ""
    one_click = (_header(headers, "List-Unsubscribe-Post") or "").strip() == "=".join(ONE_CLICK)
    answer = f"unsubscribe-answer-{number}"
    if not one_click:
        button = '<p class="note">No List-Unsubscribe-Post header: no one-click button.</p>'
    elif api is None or _origin(link) != api:
        button = (
            f'<p class="note">Not this stage\'s API ({escape(api or "no PUBLIC_URL")}): '
            "no one-click button (the page's policy would refuse the form anyway).</p>"
        )
    else:
        # what a mail provider posts for RFC 8058: one field, form-encoded, no cookies
        button = (
            f'<form class="one-click" method="post" action="{escape(link)}" '
            f'enctype="application/x-www-form-urlencoded" target="{answer}">'
            f'<input type="hidden" name="{ONE_CLICK[0]}" value="{ONE_CLICK[1]}">'
            '<button type="submit">Unsubscribe (one click)</button></form>'
            f'<iframe class="answer" name="{answer}" sandbox title="The API\'s answer" '
            f'srcdoc="{escape(_ANSWER_PLACEHOLDER)}"></iframe>'
        )
    return (
        '<section class="unsubscribe"><h3>List-Unsubscribe</h3>'
        f'<a class="unsubscribe-link" href="{escape(link)}">{escape(link)}</a>'
        f"{button}</section>\n"
    )


def _headers_table(headers: dict[str, str]) -> str:
    if not headers:
        return '<p class="missing headers">No headers (a Simple send).</p>\n'
    marked = ' class="unsubscribe"'
    rows = "".join(
        f"<tr{marked if name.lower() in UNSUBSCRIBE_HEADERS else ''}>"
        f"<th>{escape(name)}</th><td>{escape(value)}</td></tr>"
        for name, value in headers.items()
    )
    return (
        f'<details class="headers" open><summary>Headers ({len(headers)})</summary>'
        f'<table class="headers">{rows}</table></details>\n'
    )


def _html_part(html: str | None, subject: str) -> str:
    if not html:
        return '<p class="missing">No HTML part.</p>'
    # escape() quotes " and ', so the whole document stays inside the attribute; the empty
    # sandbox gives it a unique origin with scripts, forms, popups and navigation of the
    # page all off
    return (
        f'<iframe class="html-part" sandbox title="{escape(subject)}" '
        f'srcdoc="{escape(html, quote=True)}"></iframe>'
    )


def _text_part(text: str | None) -> str:
    if not text:
        return '<p class="missing">No text part.</p>'
    return f'<pre class="text-part">{escape(text)}</pre>'


def view(message_id: str | None = None) -> tuple[int, str, str]:
    """Status, page and its Content-Security-Policy: every message, or the one with this id."""
    messages = list(reversed(outbox.sent_emails()))
    api = api_origin()
    policy = content_security_policy(api)
    if message_id is None:
        return 200, render(messages, api=api), policy
    chosen = [m for m in messages if str(m.get("id")) == message_id]
    return (200 if chosen else 404), render(chosen, api=api, single=True), policy
