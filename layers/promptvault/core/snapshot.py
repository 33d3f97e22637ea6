"""Lambda SnapStart: what must not outlive the snapshot, and what each restored sandbox renews.

With SnapStart, Lambda runs the init phase once per published version, snapshots the memory
and resumes every new sandbox from that copy. So anything unique, secret or connected that
init made would be shared by every sandbox: a module registers here what to drop before the
snapshot (the server secret) and what to renew after a restore (the random seed, the botocore
connection pools, the JWKS cache). ``install()`` hands both lists to the runtime's
``snapshot_restore_py`` (only the Lambda Python runtime has it; elsewhere it is a no-op), and
``before_snapshot()`` / ``after_restore()`` run them, which is also how the tests call them.
``os.urandom``, ``secrets`` and ``uuid4`` (ids, cursor nonces, API keys) read the kernel's
entropy on every call and need nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Hook = Callable[[], object]

_before_snapshot: list[Hook] = []
_after_restore: list[Hook] = []
_installed = False


def drop_before_snapshot(hook: Hook) -> Hook:
    """Run ``hook`` before Lambda takes the snapshot (in the reverse order of registration)."""
    if hook not in _before_snapshot:
        _before_snapshot.append(hook)
    return hook


def renew_after_restore(hook: Hook) -> Hook:
    """Run ``hook`` in every sandbox restored from the snapshot (in the order of registration)."""
    if hook not in _after_restore:
        _after_restore.append(hook)
    return hook


def before_snapshot() -> None:
    for hook in reversed(_before_snapshot):
        hook()


def after_restore() -> None:
    for hook in _after_restore:
        hook()


def install() -> bool:
    """Registers ``before_snapshot`` and ``after_restore`` with the Lambda runtime, once.
    False where there is no SnapStart runtime (tests, the local runtime, other clouds)."""
    global _installed
    if _installed:
        return True
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
    _installed = True
    return True


# random.random() drives botocore's retry jitter; a restored sandbox must not replay another's.
renew_after_restore(random.seed)
