"""POST /v1/auth/forgot-password"""

from promptvault.web.entry import entry

handler = entry("auth_forgot_password")
