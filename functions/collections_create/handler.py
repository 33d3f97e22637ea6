"""POST /v1/collections"""

from promptvault.web.entry import entry

handler = entry("collections_create")
