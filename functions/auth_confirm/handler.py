"""POST /v1/auth/confirm"""

from promptvault.web.entry import entry

handler = entry("auth_confirm")
