"""A job's results as the batch command leaves them: the briefs, ``manifest.jsonl``, ``summary.json``,
``learned.tbx`` (the last two once the job is done), in one zip archive."""
from __future__ import annotations

import json
import zipfile
from typing import IO

from service.batch.manifest import MANIFEST_NAME
from service.jobs.schema import FINAL, OUTPUT
from service.jobs.store import JobStore


def write_results(store: JobStore, job_id: str, target: IO[bytes]) -> None:
    """Write the job's results as a zip archive to ``target`` (outputs first, then the job files)."""
    lines = store.manifest(job_id)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for line in lines:
            for name in line.get("outputs") or ():
                data = store.file(job_id, OUTPUT, name)
                if data is not None:
                    archive.writestr(name, data)
        archive.writestr(MANIFEST_NAME, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
        for name in store.file_names(job_id, FINAL):
            archive.writestr(name, store.file(job_id, FINAL, name) or b"")
