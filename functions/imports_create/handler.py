"""POST /v1/imports"""

from promptvault.web.entry import entry

handler = entry("imports_create")
