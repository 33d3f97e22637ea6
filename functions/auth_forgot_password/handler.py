"""POST /v1/auth/forgot-password"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("auth_forgot_password")
