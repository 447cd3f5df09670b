"""The glossary store fixture, on each backend (tests/servers.py's ``store_url``)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.glossary.store import GlossaryStore
from tests.service.glossary.helpers import NEWS


@pytest.fixture
def store(store_url: str) -> Iterator[GlossaryStore]:
    """A store on each backend holding the ``news`` glossary."""
    glossaries = GlossaryStore(store_url)
    glossaries.create("news", NEWS, description="newsroom terms")
    yield glossaries
    glossaries.close()
