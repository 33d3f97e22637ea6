"""GET /v1/users/me/collections"""

from promptvault.web.entry import entry

handler = entry("users_me_collections")
