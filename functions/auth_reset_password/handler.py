"""POST /v1/auth/reset-password"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("auth_reset_password")
