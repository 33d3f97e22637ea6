"""PUT /v1/admin/users/{username}/role"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("admin_user_role")
