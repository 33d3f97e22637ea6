from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.moderation import service
from promptvault.moderation.schemas import ModerationOut, ModerationRequest
from promptvault.web.responses import Endpoint, ok


def restore_prompt(id: str, body: ModerationRequest) -> Response[str]:
    """Moderators and admins: a prompt a moderator archived is published again."""
    record = service.restore(require_caller(), id, body.reason)
    return ok(service.action_out(record), status=201)


endpoint = Endpoint(restore_prompt, ModerationOut, 201, errors=(401, 403, 404, 409))
