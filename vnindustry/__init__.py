"""vnindustry: Vietnamese provincial industry news -> observations -> warehouse."""

__version__ = "0.1.0"
