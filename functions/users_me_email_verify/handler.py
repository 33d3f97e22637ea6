"""POST /v1/users/me/email/verify"""

from promptvault.web.entry import entry

handler = entry("users_me_email_verify")
