from aws_lambda_powertools.event_handler import Request, Response

from promptvault.core.caller import require_caller
from promptvault.prompts import labels
from promptvault.prompts.schemas import LabelMove, LabelOut
from promptvault.web.responses import Endpoint, ok


def set_label(id: str, label: str, body: LabelMove, request: Request) -> Response[str]:
    """Point the label at a version of your prompt, atomically; the history records the move.
    ``latest`` cannot be set. Send If-Match with the labels' ETag to move only if no label
    moved since you read them (412 otherwise)."""
    if_match = request.headers.get("if-match")
    moved, tag = labels.move_label(require_caller(), id, label, body.version, if_match)
    out = LabelOut(
        name=moved.name, version=moved.version, moved_by=moved.moved_by, moved_at=moved.moved_at
    )
    return ok(out, headers={"ETag": tag})


endpoint = Endpoint(set_label, LabelOut, errors=(401, 404, 409, 412))
