"""PUT /v1/users/me/email"""

from promptvault.web.entry import entry

handler = entry("users_me_email")
