from aws_lambda_powertools.event_handler import Response

from promptvault.comments import service
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, no_content


def delete_comment(id: str) -> Response[str]:
    """Delete a comment: its author, the prompt's owner or a moderator. One that has replies
    stays as a tombstone (no author, no body) so the thread reads on; one without goes with
    its likes."""
    service.delete_comment(require_caller(), id)
    return no_content()


endpoint = Endpoint(delete_comment, None, 204, errors=(401, 403, 404))
