from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import current_caller
from promptvault.prompts import labels
from promptvault.prompts.schemas import MessageOut, RenderOut, RenderRequest
from promptvault.web.responses import Endpoint, ok


def render_prompt(id: str, body: RenderRequest) -> Response[str]:
    """The version a label or number names (default: production) with its variables
    substituted. Logic-less: ``{{name}}`` only, values never re-expanded (docs/api.md). 422
    lists every missing, ill-typed or (strict) unknown variable at once."""
    rendered = labels.render(current_caller(), id, body)
    messages = rendered.messages
    return ok(
        RenderOut(
            prompt_id=rendered.pick.head.prompt_id,
            version=rendered.pick.number,
            label=rendered.pick.label,
            type=rendered.prompt_type,  # type: ignore[arg-type]
            text=rendered.text,
            messages=None
            if messages is None
            else [MessageOut(role=role, content=text) for role, text in messages],
        )
    )


endpoint = Endpoint(render_prompt, RenderOut, errors=(404, 410))
