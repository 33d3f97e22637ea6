"""GET /v1/users/me/export"""

from promptvault.web.entry import entry

handler = entry("users_me_export")
