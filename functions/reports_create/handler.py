"""POST /v1/reports"""

from promptvault.web.entry import entry

handler = entry("reports_create")
