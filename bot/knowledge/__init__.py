"""Knowledge: pydantic models, the YAML loader, the validator and the immutable snapshot."""
