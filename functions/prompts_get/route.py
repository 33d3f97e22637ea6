from dataclasses import dataclass
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Request, Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.catalogue import Route
from promptvault.core.caller import current_caller
from promptvault.prompts import labels, service
from promptvault.prompts.schemas import PromptOut, PromptVersionOut
from promptvault.prompts.views import prompt_out, version_out
from promptvault.web.responses import Endpoint, ok


def get_prompt(
    id: str,
    request: Request,
    label: Annotated[
        str | None, Query(max_length=36, description="Answer the version this label names")
    ] = None,
    version: Annotated[
        int | None, Query(ge=1, le=999_999, description="Answer this version")
    ] = None,
) -> Response[str]:
    """One prompt by id or slug; private prompts and drafts only for their owner. An unlisted
    prompt's link is its id: by slug, others reach public prompts only. A deleted prompt's
    slug is 410. With ``label`` or ``version``: that version's content, number and labels,
    with a strong ETag and Cache-Control; If-None-Match answers 304 from one read."""
    caller = current_caller()
    if label is None and version is None:
        head, stats = service.find_prompt_with_stats(id, caller)
        return ok(prompt_out(head, stats, caller), headers={"ETag": service.etag(head)})
    pick = labels.pick_version(caller, id, label, version)
    cache = {"ETag": pick.etag, "Cache-Control": labels.CACHE_CONTROL}
    if labels.not_modified(request.headers.get("if-none-match"), pick.etag):
        return Response(304, body="", headers=cache)
    found = version_out(labels.load_version(pick))
    return ok(PromptVersionOut(**found.model_dump(), labels=pick.labels), headers=cache)


@dataclass(frozen=True)
class _Revalidated(Endpoint):
    """Also documents the 304 a fetch by label or version answers to If-None-Match."""

    def responses(self, route: Route) -> dict[int, Any]:
        answers = super().responses(route)
        answers[304] = {
            "description": "Not modified: If-None-Match names the current ETag",
            "content": {},
        }
        return answers


endpoint = _Revalidated(get_prompt, PromptOut | PromptVersionOut, errors=(401, 404, 410))
