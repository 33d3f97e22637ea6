"""PUT /v1/admin/users/{username}/role"""

from promptvault.web.entry import entry

handler = entry("admin_user_role")
