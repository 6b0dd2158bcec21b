FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=factcheck.settings.base

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings to import; the build-time secret never reaches a running container.
# The match index folder exists in the image, owned by the app user: an empty named volume
# mounted there (docker-compose.yml) takes its owner from it, so the app may write the index.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input \
    && mkdir -p /app/var/match-index \
    && useradd --system --uid 1000 app && chown -R app /app
USER app

EXPOSE 8000
# gunicorn.conf.py (in /app, the working directory) keeps API tokens out of the logs.
CMD ["gunicorn", "factcheck.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
