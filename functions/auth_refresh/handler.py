"""POST /v1/auth/refresh"""

from promptvault.web.entry import entry

handler = entry("auth_refresh")
