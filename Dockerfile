FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN DEBUG=0 SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-000000000 \
    python manage.py collectstatic --noinput
RUN useradd --create-home revops && chown -R revops /app
USER revops
EXPOSE 8000
# --timeout: as docker-compose.yml, and why (docs/operations.md).
CMD ["gunicorn", "revops.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "120"]
