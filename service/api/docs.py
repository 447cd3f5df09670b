"""Interactive API docs (Swagger UI) served from the swagger-ui-bundle package: no CDN."""
from __future__ import annotations

from flask import Blueprint, Flask

from service.errors import DependencyMissingError

ASSETS_URL = "/docs/assets/"


def init_docs(app: Flask) -> None:
    """Serve Swagger UI's files under /docs/assets/ (flask-smorest serves the page at /docs)."""
    try:
        import swagger_ui_bundle
    except ImportError:  # the page then loads no script; say how to fix it
        app.logger.warning("%s", DependencyMissingError(
            "the /docs page needs swagger-ui-bundle: pip install swagger-ui-bundle").detail)
        return
    assets = Blueprint("docs_assets", __name__, static_folder=swagger_ui_bundle.swagger_ui_path,
                       static_url_path=ASSETS_URL.rstrip("/"))
    app.register_blueprint(assets)
