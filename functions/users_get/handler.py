"""GET /v1/users/{username}"""

from promptvault.web.entry import entry

handler = entry("users_get")
