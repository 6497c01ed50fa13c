"""
Example service for warroom: FastAPI + uvicorn + asyncpg + redis, the stack the seed's
incident-response procedure is written for. /health/ready reports each dependency the way
warroom reads readiness payloads: {"status": ..., "checks": {"database": ..., "redis": ...}}.

Run (Debian packages python3-fastapi python3-uvicorn python3-asyncpg python3-redis):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
    /usr/bin/python3 -m uvicorn app:app --app-dir examples/fastapi-app --port 8000
"""
import asyncio
import json
import logging
import os
import sys
import time

import asyncpg
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CHECK_TIMEOUT_S = float(os.environ.get("CHECK_TIMEOUT_S", "1.0"))
VERSION = os.environ.get("APP_VERSION", "dev")

log = logging.getLogger("app")
handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(logging.Formatter("%(message)s"))
log.addHandler(handler)
log.setLevel(logging.INFO)

app = FastAPI(title="warroom example app")
state = {"pool": None, "redis": None}


def emit(level, message, **fields):
    """One JSON line per event: the format warroom's log analyser reads best."""
    log.info(json.dumps({"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z", "level": level, "message": message, **fields}))


@app.on_event("startup")
async def startup():
    state["redis"] = aioredis.from_url(REDIS_URL, socket_connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S)
    try:
        state["pool"] = await asyncio.wait_for(asyncpg.create_pool(DATABASE_URL, min_size=1, max_size=5, server_settings={"application_name": "fastapi-example"}), CHECK_TIMEOUT_S * 3)
    except Exception as e:  # the app still starts: readiness reports the database as down
        emit("ERROR", "database pool could not be created", error=type(e).__name__)


@app.on_event("shutdown")
async def shutdown():
    if state["pool"] is not None:
        await state["pool"].close()
    await state["redis"].close()


async def check_database():
    if state["pool"] is None:
        return "down: no connection pool"
    try:
        async with state["pool"].acquire(timeout=CHECK_TIMEOUT_S) as conn:
            await asyncio.wait_for(conn.fetchval("select 1"), CHECK_TIMEOUT_S)
        return "ok"
    except Exception as e:
        return f"down: {type(e).__name__}"


async def check_redis():
    try:
        await asyncio.wait_for(state["redis"].ping(), CHECK_TIMEOUT_S)
        return "ok"
    except Exception as e:
        return f"down: {type(e).__name__}"


@app.get("/health/live")
async def live():
    return {"status": "ok"}


@app.get("/health/ready")
async def ready():
    started = time.perf_counter()
    database, cache = await asyncio.gather(check_database(), check_redis())
    checks = {"database": database, "redis": cache}
    ok = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if ok else "degraded", "version": VERSION, "checks": checks, "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
    return JSONResponse(body, status_code=200 if ok else 503)


@app.get("/api/orders/{order_id}")
async def get_order(order_id: int, request: Request):
    started = time.perf_counter()
    if state["pool"] is None:
        emit("ERROR", "database unavailable", path=request.url.path, method="GET", status=503)
        return JSONResponse({"error": "database unavailable"}, status_code=503)
    async with state["pool"].acquire() as conn:
        row = await conn.fetchval("select $1::int * 2", order_id)
    emit("INFO", "request", path=request.url.path, method="GET", status=200, duration_ms=round((time.perf_counter() - started) * 1000, 1))
    return {"id": order_id, "total": row}
