from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import current_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import PromptOut
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import documented, ok

router = Router()


@router.get(
    "/v1/prompts/<id>", responses=documented(PromptOut, errors=(401, 404)), tags=["prompts"]
)
def get_prompt(id: str) -> Response[str]:
    """One prompt by id or slug; private prompts and drafts only for their owner."""
    head, stats = service.find_prompt_with_stats(id, current_caller())
    return ok(prompt_out(head, stats), headers={"ETag": service.etag(head)})
