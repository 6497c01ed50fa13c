"""
Example service for warroom: FastAPI + uvicorn + asyncpg + redis, the stack the seed's
incident-response procedure is written for. /health/ready reports each dependency the way
warroom reads readiness payloads: {"status": ..., "checks": {"database": ..., "redis": ...}}.

It is also the service the triage fault lab (lab/) breaks in many ways, so it behaves like a
small real shop backend: products and orders in PostgreSQL (tables from lab/stack.ts, or see
README.md), carts in Redis (a bounded redis-py pool), a slow-by-design report export, JSON access logs, and fault switches
(FAULTS=... at start, or POST /__fault/{name} with the FAULT_TOKEN header).

Run (Debian packages python3-fastapi python3-uvicorn python3-asyncpg python3-redis):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
    /usr/bin/python3 -m uvicorn app:app --app-dir examples/fastapi-app --port 8000
"""
import asyncio
import datetime
import importlib
import json
import os
import sys
import time
import traceback

import asyncpg
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CHECK_TIMEOUT_S = float(os.environ.get("CHECK_TIMEOUT_S", "1.0"))
# Readiness waits this long for a pooled connection: a full pool then shows as "down", not as a hang.
ACQUIRE_TIMEOUT_S = float(os.environ.get("ACQUIRE_TIMEOUT_S", str(CHECK_TIMEOUT_S)))
# Requests wait longer than readiness for a connection, as real handlers do (then fail with a 500).
REQUEST_ACQUIRE_TIMEOUT_S = float(os.environ.get("REQUEST_ACQUIRE_TIMEOUT_S", "3.0"))
POOL_MAX = int(os.environ.get("POOL_MAX", "5"))
VERSION = os.environ.get("APP_VERSION", "dev")
APP_NAME = os.environ.get("APP_NAME", "fastapi-example")
LOG_FILE = os.environ.get("LOG_FILE")
# Readiness payload: key names and shape vary between real services; warroom must read them all.
READY_DB_KEY = os.environ.get("READY_DB_KEY", "database")
READY_CACHE_KEY = os.environ.get("READY_CACHE_KEY", "redis")
# "string": checks.X = "down: E"; "object": checks.X = {"status", "error", "pool"};
# "flat": no "checks", each dependency a top-level key ("ok" or {"status": "down", "error": E}) beside the app's own fields.
READY_SHAPE = os.environ.get("READY_SHAPE", "string")
CART_PREFIX = os.environ.get("CART_PREFIX", "cart:")
EXPORT_S = float(os.environ.get("EXPORT_S", "1.3"))
SLOW_SEARCH_S = float(os.environ.get("SLOW_SEARCH_S", "1.6"))
SLOW_ORDERS_S = float(os.environ.get("SLOW_ORDERS_S", "1.2"))
# The redis-py pool is bounded, as production configs set it: past it redis-py raises "Too many connections".
REDIS_POOL_MAX = int(os.environ.get("REDIS_POOL_MAX", "8"))
FAULT_TOKEN = os.environ.get("FAULT_TOKEN")
KNOWN_FAULTS = {"leak_connections", "bug_on_orders", "slow_search", "memory_leak", "crash_on_start", "slow_orders", "leak_redis"}
faults = {f.strip() for f in os.environ.get("FAULTS", "").split(",") if f.strip()}

app = FastAPI(title="warroom example app")
state = {"pool": None, "redis": None, "pool_error": None, "pool_tried": 0.0, "leaked": [], "redis_leaked": [], "hoard": [], "started": time.time()}
log_fh = open(LOG_FILE, "a", buffering=1, encoding="utf-8") if LOG_FILE else None


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def emit(level, message, **fields):
    """One JSON line per request and per error (stdout and LOG_FILE): the format warroom's log analyser reads best."""
    line = json.dumps({"timestamp": now_iso(), "level": level, "message": message, **fields})
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    if log_fh is not None:
        log_fh.write(line + "\n")


def describe(e):
    """'Type: message' as a readiness payload or log line shows it; some exceptions carry no message."""
    text = str(e).strip()
    if not text and isinstance(e, (asyncio.TimeoutError, TimeoutError)):
        text = "pool acquire timed out" if "acquire" in "".join(traceback.format_tb(e.__traceback__)) else "timed out"
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


async def make_pool():
    return await asyncio.wait_for(
        asyncpg.create_pool(DATABASE_URL, min_size=1, max_size=POOL_MAX, server_settings={"application_name": APP_NAME}),
        CHECK_TIMEOUT_S * 3,
    )


async def get_pool():
    """The pool, created again (at most every 2 s) when the database was down at start, as a real service retries."""
    if state["pool"] is None and time.monotonic() - state["pool_tried"] > 2:
        state["pool_tried"] = time.monotonic()
        try:
            state["pool"] = await make_pool()
            state["pool_error"] = None
        except Exception as e:
            state["pool_error"] = describe(e)
    return state["pool"]


def load_pricing_rules():
    """What a bad release does at start: it imports a module the build did not ship (crash_on_start)."""
    return importlib.import_module("shop_pricing_rules_v2")


@app.on_event("startup")
async def startup():
    if "crash_on_start" in faults:
        try:
            load_pricing_rules()
        except Exception as e:  # logged with its traceback, then the start fails: uvicorn exits non-zero, the port refuses
            emit("ERROR", "application startup failed", version=VERSION, exc_type=type(e).__name__,
                 exception="".join(traceback.format_exception(type(e), e, e.__traceback__)))
            raise
    state["redis"] = aioredis.from_url(REDIS_URL, socket_connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S, client_name=APP_NAME,
                                       max_connections=REDIS_POOL_MAX)
    state["pool_tried"] = time.monotonic()
    try:
        state["pool"] = await make_pool()
    except Exception as e:  # the app still starts: readiness reports the database as down
        state["pool_error"] = describe(e)
        emit("ERROR", "database pool could not be created", error=state["pool_error"], exc_type=type(e).__name__)
    emit("INFO", "started", version=VERSION, faults=sorted(faults), pool_max=POOL_MAX, redis_pool_max=REDIS_POOL_MAX)


@app.on_event("shutdown")
async def shutdown():
    if state["pool"] is not None:
        state["pool"].terminate()
    if state["redis"] is not None:
        await state["redis"].close()


@app.middleware("http")
async def access_log(request: Request, call_next):
    started = time.perf_counter()
    base = {"method": request.method, "path": request.url.path, "user_agent": request.headers.get("user-agent", "")}
    try:
        response = await call_next(request)
    except Exception as e:  # unhandled: one ERROR line with the real traceback, and a 500
        emit("ERROR", f"unhandled exception on {request.method} {request.url.path}", **base, status=500,
             duration_ms=round((time.perf_counter() - started) * 1000, 1), exc_type=type(e).__name__,
             # chain=False: Starlette re-raises inside its own except blocks; their anyio context is noise, not the cause.
             exception="".join(traceback.format_exception(type(e), e, e.__traceback__, chain=False)))
        return JSONResponse({"error": "internal server error"}, status_code=500)
    if request.url.path.startswith(("/health/", "/__fault/")):
        return response  # probes and fault switches are not traffic: they would dilute the error rate
    level = "ERROR" if response.status_code >= 500 else "WARNING" if response.status_code >= 400 else "INFO"
    emit(level, "request", **base, status=response.status_code, duration_ms=round((time.perf_counter() - started) * 1000, 1))
    return response


async def acquire(timeout):
    pool = await get_pool()
    if pool is None:
        raise ConnectionError(f"database unavailable: {state['pool_error']}")
    return pool, await pool.acquire(timeout=timeout)


def pool_stats():
    p = state["pool"]
    return {"size": p.get_size(), "idle": p.get_idle_size(), "max": p.get_max_size()} if p is not None else {"size": 0, "idle": 0, "max": POOL_MAX}


async def check_database():
    try:
        pool, conn = await acquire(ACQUIRE_TIMEOUT_S)
        try:
            await asyncio.wait_for(conn.fetchval("select 1"), CHECK_TIMEOUT_S)
        finally:
            await pool.release(conn)
        return None
    except Exception as e:
        return describe(e)


async def check_redis():
    try:
        await asyncio.wait_for(state["redis"].ping(), CHECK_TIMEOUT_S)
        # A tiny write too: a Redis at maxmemory with noeviction still answers PING but refuses writes.
        await asyncio.wait_for(state["redis"].set("health:ready", "1", ex=30), CHECK_TIMEOUT_S)
        return None
    except Exception as e:
        return describe(e)


@app.get("/health/live")
async def live():
    return {"status": "ok"}


@app.get("/health/ready")
async def ready():
    started = time.perf_counter()
    db_error, cache_error = await asyncio.gather(check_database(), check_redis())
    if READY_SHAPE == "flat":
        flat = lambda e: {"status": "down", "error": e} if e else "ok"  # noqa: E731
        body = {"status": "healthy" if db_error is None and cache_error is None else "unhealthy", "version": VERSION,
                "uptime_s": round(time.time() - state["started"]), READY_DB_KEY: flat(db_error), READY_CACHE_KEY: flat(cache_error)}
        return JSONResponse(body, status_code=200 if body["status"] == "healthy" else 503)
    if READY_SHAPE == "object":
        db = {"status": "down" if db_error else "ok", "pool": pool_stats()}
        if db_error:
            db["error"] = db_error
        cache = {"status": "down", "error": cache_error} if cache_error else {"status": "ok"}
    else:
        db = f"down: {db_error}" if db_error else "ok"
        cache = f"down: {cache_error}" if cache_error else "ok"
    ok = db_error is None and cache_error is None
    body = {"status": "ok" if ok else "degraded", "version": VERSION, "checks": {READY_DB_KEY: db, READY_CACHE_KEY: cache},
            "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
    return JSONResponse(body, status_code=200 if ok else 503)


@app.get("/api/products")
async def list_products():
    if "leak_connections" in faults:
        # The bug the seed's five whys ends at: a connection taken without its async context
        # manager and never released, so every call keeps one more pooled connection busy.
        pool, conn = await acquire(REQUEST_ACQUIRE_TIMEOUT_S)
        rows = await conn.fetch("select id, name, price, stock from products order by id limit 50")
        state["leaked"].append(conn)
        return [dict(r) for r in rows]
    pool, conn = await acquire(REQUEST_ACQUIRE_TIMEOUT_S)
    try:
        rows = await conn.fetch("select id, name, price, stock from products order by id limit 50")
    finally:
        await pool.release(conn)
    return [dict(r) for r in rows]


@app.get("/api/products/search")
async def search_products(q: str = ""):
    pool, conn = await acquire(REQUEST_ACQUIRE_TIMEOUT_S)
    try:
        rows = await conn.fetch("select id, name, price from products where name ilike $1 order by id limit 20", f"%{q}%")
    finally:
        await pool.release(conn)
    if "slow_search" in faults:
        # The regression is in the app, not the database: a per-request wait added after the query
        # (think of a synchronous call to a ranking service with a long timeout).
        await asyncio.sleep(SLOW_SEARCH_S)
    return [dict(r) for r in rows]


@app.get("/api/orders/{order_id}")
async def get_order(order_id: int):
    pool, conn = await acquire(REQUEST_ACQUIRE_TIMEOUT_S)
    try:
        row = await conn.fetchrow("select id, product_id, qty, total, user_name from orders where id = $1", order_id)
    finally:
        await pool.release(conn)
    if "slow_orders" in faults:
        # A release that enriches each order with a synchronous call (a shipping-status API): latency in the app.
        await asyncio.sleep(SLOW_ORDERS_S)
    if row is None:
        return JSONResponse({"error": "order not found", "id": order_id}, status_code=404)
    return {**dict(row), "total": float(row["total"])}


@app.post("/api/orders")
async def create_order(request: Request):
    payload = await request.json()
    if "bug_on_orders" in faults:
        # The bad deploy: the new code reads a field the clients do not send yet.
        sku = payload["sku"]
        payload["product_id"] = int(sku.split("-")[1])
    product_id = int(payload.get("product_id", 1))
    qty = int(payload.get("qty", 1))
    pool, conn = await acquire(REQUEST_ACQUIRE_TIMEOUT_S)
    try:
        async with conn.transaction():
            # The row lock this UPDATE takes is what another session holding products.id blocks.
            price = await conn.fetchval("update products set stock = stock - $2 where id = $1 returning price", product_id, qty)
            if price is None:
                return JSONResponse({"error": "no such product", "product_id": product_id}, status_code=404)
            order_id = await conn.fetchval("insert into orders (product_id, qty, total, user_name) values ($1, $2, $3, $4) returning id",
                                           product_id, qty, price * qty, str(payload.get("user", "anonymous")))
    finally:
        await pool.release(conn)
    return JSONResponse({"id": order_id, "product_id": product_id, "qty": qty}, status_code=201)


async def leak_redis_connection(user):
    """leak_redis: a cart call that also waits for a stock notification with BLPOP on a key nobody pushes,
    on a connection taken from the shared pool and never given back (no timeout, no release)."""
    pool = state["redis"].connection_pool
    conn = await pool.get_connection("BLPOP")
    await conn.send_command("BLPOP", f"notify:restock:{user}", 0)
    state["redis_leaked"].append(conn)


@app.get("/api/cart/{user}")
async def get_cart(user: str):
    if "leak_redis" in faults:
        await leak_redis_connection(user)
    items = await state["redis"].hgetall(f"{CART_PREFIX}{user}")
    return {"user": user, "items": {k.decode(): int(v) for k, v in items.items()}}


@app.post("/api/cart/{user}")
async def add_to_cart(user: str, request: Request):
    payload = await request.json()
    if "leak_redis" in faults:
        await leak_redis_connection(user)
    key = f"{CART_PREFIX}{user}"
    await state["redis"].hincrby(key, str(payload.get("product_id", 1)), int(payload.get("qty", 1)))
    await state["redis"].expire(key, 3600)
    if "memory_leak" in faults:
        state["hoard"].append(bytearray(1 << 20))  # 1 MiB per cart write, never freed
    return {"user": user, "ok": True}


@app.get("/api/reports/export")
async def export_report():
    # Slow by design (a negative control for triage): the report query takes EXPORT_S every time.
    pool, conn = await acquire(REQUEST_ACQUIRE_TIMEOUT_S)
    try:
        count = await conn.fetchval("select count(*) from orders, pg_sleep($1::float8)", EXPORT_S)
    finally:
        await pool.release(conn)
    return {"orders": count}


@app.post("/__fault/{name}")
async def set_fault(name: str, request: Request, enabled: bool = True):
    """Fault switch for the lab; absent (404) unless FAULT_TOKEN is set, and the header must match."""
    if not FAULT_TOKEN or request.headers.get("x-fault-token") != FAULT_TOKEN:
        return JSONResponse({"error": "not found"}, status_code=404)
    if name not in KNOWN_FAULTS:
        return JSONResponse({"error": f"unknown fault {name}", "known": sorted(KNOWN_FAULTS)}, status_code=400)
    if enabled:
        faults.add(name)
    else:
        faults.discard(name)
        if name == "leak_connections":
            for conn in state["leaked"]:
                await state["pool"].release(conn)
            state["leaked"].clear()
        if name == "leak_redis":
            for conn in state["redis_leaked"]:
                await conn.disconnect()
                await state["redis"].connection_pool.release(conn)
            state["redis_leaked"].clear()
    return {"faults": sorted(faults)}
