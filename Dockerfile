FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    BRIEFS_CONFIG=/app/config/production.toml \
    BRIEFS_MODELS_DIR=/data/models BRIEFS_STORE_PATH=/data/briefs.sqlite3

WORKDIR /app
COPY requirements.txt .
# The CPU build of torch; the default index would bring a CUDA build of several GB.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --create-home briefs && mkdir -p /data && chown briefs /data
USER briefs
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["gunicorn", "wsgi:app", "-c", "config/gunicorn.conf.py"]
