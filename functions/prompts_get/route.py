from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import current_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import PromptOut
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok


def get_prompt(id: str) -> Response[str]:
    """One prompt by id or slug; private prompts and drafts only for their owner. An unlisted
    prompt's link is its id: by slug, others reach public prompts only. A deleted prompt's
    slug is 410."""
    caller = current_caller()
    head, stats = service.find_prompt_with_stats(id, caller)
    return ok(prompt_out(head, stats, caller), headers={"ETag": service.etag(head)})


endpoint = Endpoint(get_prompt, PromptOut, errors=(401, 404, 410))
