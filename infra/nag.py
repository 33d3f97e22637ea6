"""cdk-nag at synth: the AwsSolutions and Serverless packs, and a strict reading of the result.

cdk-nag 3 plugs into CDK's native validation (``Validations.of(app).add_plugins``); CDK
fails synthesis on error-level findings. Warning-level findings would only be printed, so
``assert_clean`` also fails on them: every finding is fixed or acknowledged with a reason.
"""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks
from constructs import IConstruct

REPORT_FILE = "validation-report.json"


def add_checks(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one finding (``RuleId`` or ``RuleId[Finding]``) on scope and its children."""
    if len(reason) < 20:
        raise ValueError(f"{rule}: give a real reason, not {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def findings(outdir: str | Path) -> list[str]:
    """Unacknowledged findings in a synthesized assembly, one line each."""
    report = Path(outdir) / REPORT_FILE
    if not report.exists():
        return []
    lines = []
    for plugin in json.loads(report.read_text()).get("pluginReports", []):
        for violation in plugin.get("violations", []):
            for construct in violation.get("violatingConstructs", []):
                lines.append(
                    f"{violation['ruleName']} ({violation.get('severity')}) at "
                    f"{construct['constructPath']}: {violation['description']}"
                )
    return lines


def assert_clean(outdir: str | Path) -> None:
    found = findings(outdir)
    if found:
        raise SystemExit("cdk-nag findings not acknowledged:\n  " + "\n  ".join(found))
