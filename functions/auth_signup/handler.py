"""POST /v1/auth/signup"""

from promptvault.web.entry import entry

handler = entry("auth_signup")
