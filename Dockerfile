# tracuu-cchc: the same install as the README's first command, running `tracuu bot` as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TRACUU_DATA_DIR=/data \
    TRACUU_MODEL_CACHE_DIR=/models

# PyTorch's CPU wheels: pass --build-arg TORCH_INDEX_URL=<CPU wheel index> to avoid the CUDA build.
ARG TORCH_INDEX_URL=""

# LightGBM (the learned ranker) needs the OpenMP runtime, which the slim image lacks.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY corpus ./corpus
COPY index ./index
COPY bot ./bot
COPY eval ./eval
COPY tracuu ./tracuu

# Install, convert the bundled model and pre-build the index of the bundled corpus into the image.
RUN if [ -n "$TORCH_INDEX_URL" ]; then pip install --no-cache-dir --index-url "$TORCH_INDEX_URL" torch==2.13.0; fi \
    && pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 tracuu \
    && mkdir -p /data /models \
    && tracuu index \
    && chown -R 10001 /data /models

USER 10001
VOLUME ["/data"]
EXPOSE 8443
# Polling by default; see docker-compose.yml for a webhook deployment behind a reverse proxy.
CMD ["tracuu", "bot"]
