"""POST /v1/auth/login"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("auth_login")
