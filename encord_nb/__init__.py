"""encord_nb: browse Encord annotation projects and check labels visually in Jupyter notebooks."""

from encord_nb._version import __version__

__all__ = ["__version__"]
