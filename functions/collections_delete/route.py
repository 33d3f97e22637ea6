from aws_lambda_powertools.event_handler import Response

from promptvault.collections import service
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, no_content


def delete_collection(id: str) -> Response[str]:
    """Delete your collection (the prompts stay); moderators may delete a public one."""
    service.delete_collection(require_caller(), id)
    return no_content()


endpoint = Endpoint(delete_collection, None, 204, errors=(401, 404))
