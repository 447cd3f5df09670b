"""WSGI entry point: ``gunicorn wsgi:app -c config/gunicorn.conf.py``.

Building the app loads no models (they load in each worker's post_worker_init hook).
"""
from service.api.app import create_app

app = create_app()
