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
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 app && chown -R app /app
USER app

EXPOSE 8000
# gunicorn.conf.py (in /app, the working directory) keeps API tokens out of the logs.
CMD ["gunicorn", "factcheck.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
