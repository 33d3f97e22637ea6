"""Custom-resource handler: the prompts index template, and FGAC roles with their mappings.

Runs under ``custom_resources.Provider`` (``on_event``). It assumes the domain's master
role (``SearchAdminRoleArn``), the only identity FGAC lets change security settings and
templates, then SigV4-signs (service ``es``) requests to the domain, by resource type:

``Custom::OpenSearchIndexTemplate``
    ``PUT _index_template/<name>`` (settings + mapping), then ``HEAD <index>``: a missing
    index is created (``PUT <index>``, the template applies); an existing one gets the mapping
    (``PUT <index>/_mapping``) and the dynamic settings (``PUT <index>/_settings``) again, so
    additive changes land and an incompatible one fails the deploy with OpenSearch's reason.

``Custom::OpenSearchRolesMapping``
    ``_plugins/_security/api/roles/<name>`` for each OpenSearch role (index permissions on
    the prompts index), then ``_plugins/_security/api/rolesmapping/<name>`` with
    ``{"backend_roles": [role ARNs]}``.

Every call replaces, so Create and Update are the same idempotent calls. Delete does nothing:
the index holds the data and the mappings die with the domain; removing either earlier would
cut live functions off. Standard library and boto3/botocore only (the Lambda runtime's own).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SECURITY_API = "_plugins/_security/api"


INDEX_TEMPLATE = "Custom::OpenSearchIndexTemplate"


def on_event(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    props = event["ResourceProperties"]
    kind = "indextemplate" if event["ResourceType"] == INDEX_TEMPLATE else "rolesmapping"
    physical_id = event.get("PhysicalResourceId") or f"{kind}-{props['Endpoint']}"
    if event["RequestType"] == "Delete":
        return {"PhysicalResourceId": physical_id}
    credentials = _assume(props["MasterRoleArn"])
    region = os.environ.get("AWS_REGION", "us-east-1")
    if kind == "indextemplate":
        put_index_template(props, credentials, region)
    else:
        put_roles_mapping(props, credentials, region)
    return {"PhysicalResourceId": physical_id}


def put_index_template(props: dict[str, Any], credentials: Credentials, region: str) -> None:
    endpoint, index = props["Endpoint"], props["IndexName"]
    template = json.loads(props["Template"])
    _call(
        "PUT", endpoint, f"_index_template/{props['TemplateName']}", template, credentials, region
    )
    status, _ = _call("HEAD", endpoint, index, None, credentials, region, accept=(404,))
    if status == 404:
        status, answer = _call("PUT", endpoint, index, {}, credentials, region, accept=(400,))
        if status == 400 and "resource_already_exists_exception" not in answer:
            raise RuntimeError(f"PUT {index}: 400 {answer}")
        return
    body = template["template"]
    _call("PUT", endpoint, f"{index}/_mapping", body["mappings"], credentials, region)
    settings = body.get("settings", {})
    if settings:
        _call("PUT", endpoint, f"{index}/_settings", settings, credentials, region)


def put_roles_mapping(props: dict[str, Any], credentials: Credentials, region: str) -> None:
    for name, spec in props["Roles"].items():
        role = {"cluster_permissions": spec.get("ClusterPermissions", [])}
        role["index_permissions"] = [
            {"index_patterns": spec["IndexPatterns"], "allowed_actions": spec["AllowedActions"]}
        ]
        _put(props["Endpoint"], f"roles/{name}", role, credentials, region)
        mapping = {"backend_roles": sorted(set(spec["BackendRoles"]))}
        _put(props["Endpoint"], f"rolesmapping/{name}", mapping, credentials, region)


def _assume(role_arn: str) -> Credentials:
    found = boto3.client("sts").assume_role(
        RoleArn=role_arn, RoleSessionName="promptvault-search-mapping"
    )["Credentials"]
    return Credentials(found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"])


def _put(
    endpoint: str, path: str, body: dict[str, Any], credentials: Credentials, region: str
) -> None:
    _call("PUT", endpoint, f"{SECURITY_API}/{path}", body, credentials, region)


def _call(
    method: str,
    endpoint: str,
    path: str,
    body: dict[str, Any] | None,
    credentials: Credentials,
    region: str,
    *,
    accept: tuple[int, ...] = (),
) -> tuple[int, str]:
    """One signed request; a status >= 300 raises unless it is in ``accept``."""
    url = f"https://{endpoint}/{path}"
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = AWSRequest(method=method, url=url, data=data, headers=headers)
    SigV4Auth(credentials, "es", region).add_auth(request)
    prepared = urllib.request.Request(
        url, data=data, headers=dict(request.headers.items()), method=method
    )
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:  # noqa: S310 (https only)
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        answer = error.read().decode(errors="replace")
        if error.code in accept:
            return error.code, answer
        raise RuntimeError(f"{method} {path}: {error.code} {answer}") from None
