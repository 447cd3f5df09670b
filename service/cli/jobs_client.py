"""A small HTTP client of ``/v1/jobs`` for ``python -m service jobs`` (standard library only).

Problems the server answers become :class:`ServerError` with the server's detail and an exit code
(2 for a refused request, 3 when the server is unavailable); an unreachable server is exit 3 too.
"""
from __future__ import annotations

import json
import mimetypes
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from service.errors import BriefsError


class ServerError(BriefsError):
    """The server refused the request (its problem detail) or could not be reached."""

    code, title = "server-error", "Server error"

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status or 503
        self.exit_code = 2 if status is not None and 400 <= status < 500 else 3


class JobsClient:
    """``/v1/jobs`` on the server at ``base_url``, with an API key when given."""

    def __init__(self, base_url: str, key: str | None = None, timeout_s: float = 300.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout_s = timeout_s

    def _open(self, method: str, path: str, data: bytes | None = None, content_type: str | None = None) -> Any:
        headers = {"Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout_s)
        except urllib.error.HTTPError as exc:
            raise ServerError(_problem_detail(exc), status=exc.code) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ServerError(f"cannot reach {self.base_url}: {reason}") from None

    def _json(self, method: str, path: str, data: bytes | None = None,
              content_type: str | None = None) -> dict[str, Any]:
        with self._open(method, path, data, content_type) as response:
            body = response.read()
        return json.loads(body) if body else {}

    def submit(self, input_path: Path, options: Mapping[str, Any]) -> dict[str, Any]:
        """Upload an archive (or JSON/JSONL file) with the options as form fields; the queued job."""
        boundary = uuid.uuid4().hex
        body = _multipart(boundary, options, input_path)
        return self._json("POST", "/v1/jobs", body, f"multipart/form-data; boundary={boundary}")

    def status(self, job_id: str) -> dict[str, Any]:
        return self._json("GET", f"/v1/jobs/{job_id}")

    def list(self) -> list[dict[str, Any]]:
        return list(self._json("GET", "/v1/jobs")["jobs"])

    def cancel(self, job_id: str) -> dict[str, Any]:
        return self._json("POST", f"/v1/jobs/{job_id}/cancel")

    def results(self, job_id: str, target: IO[bytes]) -> int:
        """Write the results zip to ``target``; its size in bytes."""
        size = 0
        with self._open("GET", f"/v1/jobs/{job_id}/results") as response:
            while chunk := response.read(1 << 20):
                target.write(chunk)
                size += len(chunk)
        return size


def _multipart(boundary: str, fields: Mapping[str, Any], file: Path) -> bytes:
    parts: list[bytes] = []
    for name, value in fields.items():
        values: Sequence[Any] = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="archive"; filename="{file.name}"\r\n'
                 f"Content-Type: {mimetype}\r\n\r\n".encode() + file.read_bytes() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def _problem_detail(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    return f"{error.code}: {detail or error.reason}"
