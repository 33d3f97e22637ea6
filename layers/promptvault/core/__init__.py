"""The kernel: what every domain needs and nothing above it (caller, errors, settings, clock,
ids, cursors, the API model base, the transaction helper, the AWS clients and the SnapStart
hooks). It imports no other package of the layer but ``core`` itself."""
