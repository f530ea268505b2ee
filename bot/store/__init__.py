"""The query log: masking, the storage interface and its backends."""
