"""GET /v1/users/{username}/collections"""

from promptvault.web.entry import entry

handler = entry("users_collections")
