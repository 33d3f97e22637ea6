"""GET /v1/users/me/bookmarks"""

from promptvault.web.entry import entry

handler = entry("users_me_bookmarks")
