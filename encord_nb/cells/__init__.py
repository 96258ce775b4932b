"""cells layer (see design.md)."""

__all__: list[str] = []
