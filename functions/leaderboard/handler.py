"""GET /v1/leaderboard"""

from promptvault.web.entry import entry

handler = entry("leaderboard")
