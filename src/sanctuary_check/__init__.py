"""sanctuary-check: local immigration information-sharing policies against federal law."""

# The one place the version is written: pyproject.toml reads it from here (hatch), which spares
# every run the import of importlib.metadata (a noticeable part of a one-file run's start).
__version__ = "0.1.0"
