"""DELETE /v1/collections/{id}"""

from promptvault.web.entry import entry

handler = entry("collections_delete")
