"""GET /v1/users/me/bookmarks"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("users_me_bookmarks")
