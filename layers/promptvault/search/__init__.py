"""Search: one SearchBackend interface, two engines (tantivy locally, OpenSearch on AWS)."""
