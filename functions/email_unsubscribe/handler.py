"""POST /v1/email/unsubscribe"""

from promptvault.web.entry import entry

handler = entry("email_unsubscribe")
