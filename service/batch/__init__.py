"""``python -m service batch``: briefs for every article of a folder, archive, JSONL or WARC file.

Readers (:mod:`.inputs`, :mod:`.archives`, :mod:`.warc`, picked by :mod:`.sources`) yield raw articles; :mod:`.extract`
turns them into text; :mod:`.runner` groups them so one :func:`service.pipeline.build_briefs`
call batches the sentences of many articles, writes outputs (:mod:`.outputs`) and the
resumable manifest (:mod:`.manifest`). :mod:`.ray_engine` runs the groups on Ray actors.
"""
from service.batch.errors import EXIT_SOME_FAILED

__all__ = ["EXIT_SOME_FAILED"]
