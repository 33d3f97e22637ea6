"""POST /v1/auth/login"""

from promptvault.web.entry import entry

handler = entry("auth_login")
