"""sanctuary-check: local immigration information-sharing policies against federal law."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sanctuary-check")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
