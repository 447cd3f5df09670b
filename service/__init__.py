"""Aligned bilingual news briefs: the service (pipeline, glossary layer, HTTP, CLI)."""

# The one place the version is written; pyproject.toml and brief signatures read it.
__version__ = "0.1.0"
