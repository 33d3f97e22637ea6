from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.moderation.schemas import ArchiveRequest, ModerationOut
from promptvault.moderation.service import archive
from promptvault.web.responses import Endpoint, ok


def archive_prompt(id: str, body: ArchiveRequest) -> Response[str]:
    """Moderators and admins: the prompt leaves the feed; the action and reason are kept."""
    record = archive(require_caller(), id, body.reason)
    return ok(
        ModerationOut(
            action_id=record.action_id,
            prompt_id=record.prompt_id,
            action=record.action,
            reason=record.reason,
            moderator_id=record.moderator_id,
            created_at=record.created_at,
        ),
        status=201,
    )


endpoint = Endpoint(archive_prompt, ModerationOut, 201, errors=(401, 403, 404))
