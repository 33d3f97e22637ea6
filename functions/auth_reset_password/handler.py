"""POST /v1/auth/reset-password"""

from promptvault.web.entry import entry

handler = entry("auth_reset_password")
