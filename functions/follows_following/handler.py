"""GET /v1/users/{username}/following"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("follows_following")
