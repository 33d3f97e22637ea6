"""GET /v1/users/{username}"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("users_get")
