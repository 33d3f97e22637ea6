"""Sending an email: one SES v2 SendEmail call with the whole MIME message (``Content.Raw``).

Raw, not SES's Simple content, because the List-Unsubscribe headers must travel with the
message (RFC 8058) and both parts must arrive as one multipart/alternative. The message is
built by the standard library: From is the stage's sender, the text part first and the HTML
part last (a client shows the last part it can). The stage's configuration set, when it has
one, routes SES's bounce and complaint notifications back to us (email_feedback).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from typing import Any

from promptvault.core import aws
from promptvault.core.settings import get_settings
from promptvault.email.compose import Email

# SMTP's CRLF lines; a header is never folded inside a word, and a long link in
# List-Unsubscribe (one word) stays one line up to RFC 5322's 998 characters
_POLICY = SMTP.clone(max_line_length=998)


def mime(to: str, email: Email) -> EmailMessage:
    """The message as sent: headers, then the text and the HTML alternatives (UTF-8)."""
    message = EmailMessage(policy=_POLICY)
    message["From"] = get_settings().email_sender
    message["To"] = to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    for name, value in email.headers.items():
        message[name] = value
    # quoted-printable: 7-bit safe lines for any relay, and never the standard library's
    # 8bit path, which writes a str payload's non-ASCII characters as escapes
    message.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def send(to: str, email: Email) -> str:
    """Send one email to one address; SES's message id. A stage without a sender
    (``EMAIL_SENDER=""``: no verified identity, decision 49) sends nothing and answers ""."""
    settings = get_settings()
    if not settings.email_sender:
        return ""
    arguments: dict[str, Any] = {
        "FromEmailAddress": settings.email_sender,
        "Destination": {"ToAddresses": [to]},
        "Content": {"Raw": {"Data": mime(to, email).as_bytes()}},
    }
    if settings.email_configuration_set:
        arguments["ConfigurationSetName"] = settings.email_configuration_set
    return str(aws.client("sesv2").send_email(**arguments)["MessageId"])
