"""GET /v1/users/{username}/following"""

from promptvault.web.entry import entry

handler = entry("follows_following")
