"""Email to creators (issue 11): what each person wants to hear about and how
(``preferences``), the signed one-click unsubscribe links (``tokens``), the emails themselves
(``compose``, from the files in ``templates/``) and their sending through SES v2 (``sender``).
The notifier and the digest sender (promptvault/notifications) call these; docs/email.md."""
