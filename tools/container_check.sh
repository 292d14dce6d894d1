#!/bin/sh
# Build the image on a base made locally (tools/make_base_image.sh) and check it:
#   - it runs as a non-root user, on a read-only root filesystem;
#   - `connects-bot exec "/balance"` answers in it;
#   - `connects-bot run` serves /healthz and /readyz (200), and /metrics;
# and print the cold start: seconds from `podman run` to the first 200 from /readyz.
# Exit 77 (skipped) where podman is absent. Run as root (debootstrap, rootful podman).
#
#   tools/container_check.sh            PYTHON=.venv/bin/python tools/container_check.sh
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
IMAGE=localhost/connects-bot:check

if ! command -v podman >/dev/null 2>&1; then
    echo "skipped: podman is not installed (apt-get install -y podman)"
    exit 77
fi
BASE=$(tools/make_base_image.sh)

# Where podman runs inside another sandbox, its defaults may not start a container: crun
# refuses cgroups in hybrid mode, and the default limits (open files, processes) are above
# what this process may set without CAP_SYS_RESOURCE. Then use runc with limits it may set.
PODMAN="podman"
LIMITS=""
if ! podman run --rm "$BASE" true >/dev/null 2>&1; then
    PODMAN="podman --runtime runc"
    LIMITS="--ulimit nofile=8192:8192 --ulimit nproc=4096:4096"
    if ! $PODMAN run --rm $LIMITS "$BASE" true >/dev/null 2>&1; then
        echo "FAIL: podman cannot start a container here, even with runc:" >&2
        $PODMAN run --rm $LIMITS "$BASE" true >&2 || true
        exit 1
    fi
    echo "note: podman's defaults cannot start a container here; using: $PODMAN $LIMITS"
fi

# no registry is reachable here: the wheels come from this machine's pip configuration
rm -rf wheels
"$PYTHON" -m pip wheel -q --disable-pip-version-check -w wheels ".[sentry]"
# the build backend too: the image builds the project from its sources
"$PYTHON" -m pip download -q --disable-pip-version-check --no-deps -d wheels "setuptools>=77"
$PODMAN build -q --format docker $LIMITS --build-arg BASE="$BASE" --build-arg PIP_ARGS="--no-index --find-links /src" \
    -t "$IMAGE" . >/dev/null
rm -rf wheels

# /data on a volume of its own (podman gives a new volume the image's owner of /data), /tmp
# in memory; the root filesystem read-only. No healthcheck timers: they need systemd.
VOLUME=connects-check-$$
trap 'podman rm -f "${cid:-none}" >/dev/null 2>&1 || true; podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true' EXIT
RUN="$PODMAN run --rm $LIMITS --no-healthcheck --read-only --tmpfs /tmp -v $VOLUME:/data"

uid=$($RUN --entrypoint id "$IMAGE" -u)
[ "$uid" = 10001 ] || { echo "FAIL: runs as uid $uid, not 10001"; exit 1; }
if $RUN --entrypoint /bin/sh "$IMAGE" -c 'touch /opt/x' 2>/dev/null; then
    echo "FAIL: the root filesystem is writable"
    exit 1
fi
balance=$($RUN "$IMAGE" exec "/balance")
echo "$balance" | grep -q "Connects" || { echo "FAIL: exec /balance said: $balance"; exit 1; }
echo "ok: exec /balance -> $(echo "$balance" | head -1)"

started=$("$PYTHON" -c 'import time; print(time.time())')
cid=$($PODMAN run -d -i $LIMITS --no-healthcheck --read-only --tmpfs /tmp -v "$VOLUME:/data" \
    -p 127.0.0.1::8080 "$IMAGE")
port=$(podman port "$cid" 8080/tcp | head -1 | sed 's/.*://')
"$PYTHON" - "$port" "$started" <<'PY'
import json, sys, time, urllib.error, urllib.request
port, started = sys.argv[1], float(sys.argv[2])
base = f"http://127.0.0.1:{port}"
deadline = time.time() + 120
while True:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
            body = json.loads(r.read())
            break
    except (urllib.error.URLError, ConnectionError, OSError):
        if time.time() > deadline:
            sys.exit("FAIL: /readyz never answered 200 within 120 s")
        time.sleep(0.05)
cold = time.time() - started
with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
    assert r.status == 200
with urllib.request.urlopen(base + "/metrics", timeout=2) as r:
    assert b"# TYPE connects_commands_total counter" in r.read()
print(f"ok: /readyz 200 {body['checks']}")
print(f"cold start to /readyz: {cold:.2f} s")
PY
# the image's own HEALTHCHECK command, run in the container
podman exec "$cid" python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/readyz', timeout=2)" \
    && echo "ok: the image's HEALTHCHECK passes"
