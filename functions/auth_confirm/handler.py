"""POST /v1/auth/confirm"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("auth_confirm")
