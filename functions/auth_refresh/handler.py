"""POST /v1/auth/refresh"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("auth_refresh")
