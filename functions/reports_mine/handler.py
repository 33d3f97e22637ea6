"""GET /v1/users/me/reports"""

from promptvault.web.entry import entry

handler = entry("reports_mine")
