from aws_lambda_powertools.event_handler import Request, Response

from promptvault.core.caller import require_caller
from promptvault.prompts import labels
from promptvault.web.responses import Endpoint, no_content


def delete_label(id: str, label: str, request: Request) -> Response[str]:
    """Remove a label from your prompt (recorded in its history); ``latest`` cannot be
    removed. 404 LABEL_NOT_SET when no version carries it."""
    labels.remove_label(require_caller(), id, label, request.headers.get("if-match"))
    return no_content()


endpoint = Endpoint(delete_label, None, 204, errors=(401, 404, 412))
