"""Drop-in doors: DeepL- and LibreTranslate-compatible endpoints over the one pipeline and store."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from service.runtime.resources import Resources


def register_compat(api: Api, app: Flask, resources: Resources) -> None:
    """Register the compatibility blueprints, their error shapes on every path of theirs, and the
    app's document job pool (after the app's own error handlers: the doors' fallbacks wrap them)."""
    from service.api.compat import deepl, deepl_documents, deepl_glossaries, libretranslate
    from service.api.compat.document_usage import DocumentUsage
    from service.api.compat.documents import DocumentJobs
    from service.api.compat.errors import install_door_fallbacks

    metrics = app.extensions.get("briefs.metrics")
    keys = app.extensions.get("briefs.keys")

    def refund(key_id: str, day: str, characters: int) -> None:
        if keys is not None:
            keys.refund(key_id, day, characters=characters)

    app.extensions["briefs.documents"] = DocumentJobs(resources, slots=app.extensions.get("briefs.model_slots"),
                                                      refund=refund,
                                                      observe=metrics.observe_timings if metrics else None)
    app.extensions["briefs.document_usage"] = DocumentUsage(resources.settings.database_url)
    for blueprint in (deepl.blp, *deepl_glossaries.BLUEPRINTS, deepl_documents.blp, libretranslate.blp):
        api.register_blueprint(blueprint)
    install_door_fallbacks(app)
