# Connects bot: a two-stage image. The base is a build argument: any Debian-like image with
# python3 (3.11+) and python3-venv, e.g. python:3.12-slim from a registry, or one made locally
# from Debian's packages (tools/make_base_image.sh) where no registry is reachable.
#
#   podman build --format docker --build-arg BASE=localhost/connects-base:bookworm -t connects-bot .
#
# (--format docker keeps the HEALTHCHECK, which the OCI image format has no field for.)
#
# PIP_ARGS adds pip options to the install, e.g. wheels built beforehand where PyPI is not
# reachable: --build-arg PIP_ARGS="--no-index --find-links /src" (tools/container_check.sh).
ARG BASE=python:3.12-slim-bookworm

FROM ${BASE} AS build
ARG PIP_ARGS=""
RUN python3 -m venv /opt/connects
# wheels/ (optional): wheels built beforehand, copied beside the sources
COPY pyproject.toml README.md wheels* /src/
COPY core /src/core
COPY adapters /src/adapters
COPY bot /src/bot
RUN /opt/connects/bin/pip install --no-cache-dir --disable-pip-version-check ${PIP_ARGS} \
        "/src[sentry]" \
    && /opt/connects/bin/python -m compileall -q /opt/connects

FROM ${BASE}
# a user of its own, no login shell, no home to write to
RUN groupadd --gid 10001 connects \
    && useradd --uid 10001 --gid connects --no-create-home --no-log-init \
        --shell /usr/sbin/nologin connects \
    && mkdir -p /data && chown connects:connects /data
COPY --from=build /opt/connects /opt/connects
COPY container/config.toml /etc/connects-bot/config.toml
ENV PATH=/opt/connects/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    CONNECTS_DATABASE_URL=sqlite:////data/connects.db
# the root filesystem can be read-only: the bot writes only to /data (a SQLite ledger, when
# no PostgreSQL URL is given) and /tmp (matplotlib's cache); mount both
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/readyz', timeout=2)"]
ENTRYPOINT ["connects-bot"]
CMD ["run", "--config", "/etc/connects-bot/config.toml"]
