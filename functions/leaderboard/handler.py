"""GET /v1/leaderboard"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("leaderboard")
