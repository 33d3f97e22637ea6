"""POST /v1/auth/signup"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("auth_signup")
