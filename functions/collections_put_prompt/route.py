from aws_lambda_powertools.event_handler import Response

from promptvault.collections import service
from promptvault.collections.schemas import EntryIn, EntryOut
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok


def put_prompt(id: str, promptId: str, body: EntryIn) -> Response[str]:
    """Add a prompt you can see to your collection, or move it to ``position``; sending the
    same again changes nothing. At most 500 prompts per collection."""
    placed = service.put_prompt(require_caller(), id, promptId, body.position)
    out = EntryOut(
        collection_id=placed.entry.collection_id,
        prompt_id=placed.entry.prompt_id,
        position=placed.position,
        added_at=placed.entry.added_at,
    )
    return ok(out)


endpoint = Endpoint(put_prompt, EntryOut, errors=(401, 404, 409))
