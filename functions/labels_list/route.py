from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import current_caller
from promptvault.prompts import labels
from promptvault.prompts.schemas import LabelOut
from promptvault.web.responses import Endpoint, ok


def list_labels(id: str) -> Response[str]:
    """``latest`` first, then every label by name, with who moved it and when. The ETag is
    the labels' as a whole: send it as If-Match to move or remove one conditionally."""
    views, tag = labels.list_labels(current_caller(), id)
    out = [
        LabelOut(name=v.name, version=v.version, moved_by=v.moved_by, moved_at=v.moved_at)
        for v in views
    ]
    return ok(out, headers={"ETag": tag})


endpoint = Endpoint(list_labels, list[LabelOut], errors=(404, 410))
