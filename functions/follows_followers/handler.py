"""GET /v1/users/{username}/followers"""

from promptvault.web.entry import entry

handler = entry("follows_followers")
