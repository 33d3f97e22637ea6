"""Reports and the moderation queue (issue 12): people flag a prompt, comment or user;
enough distinct people hide the content pending review; moderators resolve each target's
open reports at once, the action is applied and recorded, and each reporter learns the
outcome (``report.resolved``)."""
