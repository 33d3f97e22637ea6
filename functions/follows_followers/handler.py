"""GET /v1/users/{username}/followers"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("follows_followers")
