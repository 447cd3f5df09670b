"""The current app's shared objects, behind one accessor each (flaskr's ``get_db``)."""
from __future__ import annotations

from typing import cast

from flask import current_app

from service.runtime.resources import Resources


def get_resources() -> Resources:
    """The current Flask app's shared Resources: models, stores, translators."""
    return cast(Resources, current_app.extensions["briefs"])
