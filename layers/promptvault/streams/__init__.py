"""Table-stream consumers: counters and the search indexer (docs/streams.md)."""
