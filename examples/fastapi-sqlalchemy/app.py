"""
A second example service for warroom, different from examples/fastapi-app on purpose: a small
billing API on FastAPI with *synchronous* SQLAlchemy 1.4 (psycopg2, a QueuePool) and a
synchronous redis-py client, logging the way a default uvicorn deployment does — uvicorn's text
access log (no time on those lines) plus Python logging for the app's own lines and tracebacks
(with a time) — all of it on the process's stdout/stderr, which go to LOG_FILE.

  readiness  GET /readyz   {"status": "pass"|"fail", "version": ..., "postgres": {"status": "pass"|"fail", "error": ..., "pool": {...}}, "cache": "ok" | {"status": "fail", "error": ...}}
  liveness   GET /livez
  API        GET /v1/invoices, GET /v1/invoices/{id} (read-through cache inv:{id}), POST /v1/invoices,
             GET|POST /v1/session/{token} (session store sess:{token})
  faults     FAULTS=a,b at start, or POST /internal/faults/{name}?on=true|false with "Authorization: Bearer $ADMIN_TOKEN"
             leak_sessions  GET /v1/invoices opens a Session and never closes it: the QueuePool runs dry
             bug_on_invoices  POST /v1/invoices reads a field clients do not send (AttributeError): a bad release

Tables (created if missing; the lab seeds them): accounts(id, name, balance, invoice_count),
invoices(id, account_id, amount, status, created_at).

Run (Debian packages python3-fastapi python3-uvicorn python3-sqlalchemy python3-psycopg2 python3-redis):
    DATABASE_URL=postgresql+psycopg2://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
    /usr/bin/python3 -m uvicorn app:app --app-dir examples/fastapi-sqlalchemy --port 8001
"""
import logging
import os
import sys
import time
from decimal import Decimal

import redis
from fastapi import Body, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, String, create_engine, func, text
from sqlalchemy.orm import declarative_base, sessionmaker

LOG_FILE = os.environ.get("LOG_FILE")
if LOG_FILE:
    # What a supervisor's ">> LOG_FILE 2>&1" does: everything the process prints (uvicorn's
    # access and error lines, Python logging, tracebacks) goes to the file.
    _fd = os.open(LOG_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(_fd, 1)
    os.dup2(_fd, 2)
    os.close(_fd)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
log = logging.getLogger("billing")

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
APP_NAME = os.environ.get("APP_NAME", "billing-api")
VERSION = os.environ.get("APP_VERSION", "dev")
POOL_SIZE = int(os.environ.get("POOL_SIZE", "3"))
MAX_OVERFLOW = int(os.environ.get("MAX_OVERFLOW", "2"))
# Short on purpose: a request waits at most this long for a pooled connection, then fails.
POOL_TIMEOUT_S = float(os.environ.get("POOL_TIMEOUT_S", "1.5"))
REDIS_TIMEOUT_S = float(os.environ.get("REDIS_TIMEOUT_S", "1.0"))
READY_DB_KEY = os.environ.get("READY_DB_KEY", "postgres")
READY_CACHE_KEY = os.environ.get("READY_CACHE_KEY", "cache")
SESSION_PREFIX = os.environ.get("SESSION_PREFIX", "sess:")
INVOICE_CACHE_PREFIX = os.environ.get("INVOICE_CACHE_PREFIX", "inv:")
ADMIN_TOKEN = os.environ.get("ADMIN_TOKEN")
KNOWN_FAULTS = {"leak_sessions", "bug_on_invoices"}
faults = {f.strip() for f in os.environ.get("FAULTS", "").split(",") if f.strip()}

engine = create_engine(
    DATABASE_URL,
    pool_size=POOL_SIZE,
    max_overflow=MAX_OVERFLOW,
    pool_timeout=POOL_TIMEOUT_S,
    pool_pre_ping=True,
    connect_args={"application_name": APP_NAME, "connect_timeout": 2},
)
SessionLocal = sessionmaker(bind=engine, autoflush=False)
cache = redis.Redis.from_url(REDIS_URL, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S, client_name=APP_NAME)

Base = declarative_base()


class Account(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True)
    name = Column(String, nullable=False)
    balance = Column(Numeric(12, 2), nullable=False, default=0)
    invoice_count = Column(Integer, nullable=False, default=0)


class Invoice(Base):
    __tablename__ = "invoices"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("accounts.id"), nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)
    status = Column(String, nullable=False, default="open")
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


app = FastAPI(title="billing (warroom example)")
leaked = []  # leak_sessions: the Sessions nobody closes (kept referenced, as a real leak keeps them)
started = time.time()


def invoice_json(inv):
    return {"id": inv.id, "account_id": inv.account_id, "amount": str(inv.amount), "status": inv.status,
            "created_at": inv.created_at.isoformat() if inv.created_at else None}


@app.on_event("startup")
def startup():
    try:
        Base.metadata.create_all(engine)
    except Exception as e:  # the app still starts: readiness reports the database
        log.error("could not check the schema: %s", e)
    log.info("billing %s started: pool_size=%d max_overflow=%d pool_timeout=%.1fs faults=%s", VERSION, POOL_SIZE, MAX_OVERFLOW,
             POOL_TIMEOUT_S, ",".join(sorted(faults)) or "-")


class LogErrors:
    """Unhandled errors: logged with their time and traceback, answered with a 500 (uvicorn's access line says so)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if started:
                raise
            await JSONResponse({"detail": "internal error"}, status_code=500)(scope, receive, send)


app.add_middleware(LogErrors)


def check_postgres():
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        return None
    except Exception as e:
        return f"{type(e).__module__}.{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}".strip()


def check_cache():
    try:
        cache.ping()
        cache.set("readyz:probe", "1", ex=30)
        return None
    except Exception as e:
        return f"{type(e).__name__}: {e}"


def pool_numbers():
    p = engine.pool
    return {"size": p.size(), "checked_out": p.checkedout(), "overflow": max(0, p.overflow()), "max_overflow": MAX_OVERFLOW,
            "timeout_s": POOL_TIMEOUT_S}


@app.get("/livez")
def livez():
    return {"status": "ok"}


@app.get("/readyz")
def readyz():
    db_error = check_postgres()
    cache_error = check_cache()
    db = {"status": "fail" if db_error else "pass", "pool": pool_numbers()}
    if db_error:
        db["error"] = db_error
    body = {"status": "fail" if db_error or cache_error else "pass", "version": VERSION, "uptime": round(time.time() - started),
            READY_DB_KEY: db, READY_CACHE_KEY: {"status": "fail", "error": cache_error} if cache_error else "ok"}
    return JSONResponse(body, status_code=503 if db_error or cache_error else 200)


@app.get("/v1/invoices")
def list_invoices(limit: int = 20):
    if "leak_sessions" in faults:
        # The bug: a Session opened by hand, used, and never closed (no "with", no finally) — its
        # connection stays checked out of the QueuePool, in an open transaction, forever.
        db = SessionLocal()
        rows = db.query(Invoice).order_by(Invoice.id.desc()).limit(limit).all()
        leaked.append(db)
        return [invoice_json(i) for i in rows]
    with SessionLocal() as db:
        rows = db.query(Invoice).order_by(Invoice.id.desc()).limit(limit).all()
        return [invoice_json(i) for i in rows]


@app.get("/v1/invoices/{invoice_id}")
def get_invoice(invoice_id: int):
    key = f"{INVOICE_CACHE_PREFIX}{invoice_id}"
    try:
        hit = cache.hgetall(key)
        if hit:
            return {k.decode(): v.decode() for k, v in hit.items()} | {"cached": True}
    except redis.RedisError as e:  # a read-through cache: without it the page still works, slower
        log.warning("invoice cache unavailable: %s", e)
    with SessionLocal() as db:
        inv = db.get(Invoice, invoice_id)
        if inv is None:
            return JSONResponse({"detail": "invoice not found"}, status_code=404)
        body = invoice_json(inv)
    try:
        cache.hset(key, mapping={k: str(v) for k, v in body.items()})
        cache.expire(key, 60)
    except redis.RedisError:
        pass
    return body


@app.post("/v1/invoices")
def create_invoice(payload: dict = Body(...)):
    account_id = int(payload.get("account_id", 1))
    amount = Decimal(str(payload.get("amount", "10.00")))
    if "bug_on_invoices" in faults:
        # The bad release: invoices now take the customer from a nested object the clients do not send yet.
        account_id = int(payload.get("customer").get("id"))
    with SessionLocal() as db, db.begin():
        # The row lock this UPDATE takes is what another session holding accounts.id blocks.
        acct = db.execute(
            text("update accounts set balance = balance + :amount, invoice_count = invoice_count + 1 where id = :id returning name"),
            {"amount": amount, "id": account_id},
        ).first()
        if acct is None:
            return JSONResponse({"detail": "no such account", "account_id": account_id}, status_code=404)
        inv = Invoice(account_id=account_id, amount=amount)
        db.add(inv)
        db.flush()
        invoice_id = inv.id
    return JSONResponse({"id": invoice_id, "account_id": account_id, "amount": str(amount)}, status_code=201)


@app.get("/v1/session/{token}")
def get_session(token: str):
    data = cache.hgetall(f"{SESSION_PREFIX}{token}")  # the session store: no fallback, Redis down is a 500
    if not data:
        return JSONResponse({"detail": "no session"}, status_code=404)
    return {"token": token, **{k.decode(): v.decode() for k, v in data.items()}}


@app.post("/v1/session/{token}")
def put_session(token: str, payload: dict = Body(...)):
    key = f"{SESSION_PREFIX}{token}"
    cache.hset(key, mapping={"user": str(payload.get("user", "anonymous")), "seen": str(int(time.time()))})
    cache.expire(key, 1800)
    return {"token": token, "ok": True}


@app.post("/internal/faults/{name}")
def set_fault(name: str, request: Request, on: bool = True):
    """Fault switch for the lab: absent (404) unless ADMIN_TOKEN is set, and the bearer token must match."""
    if not ADMIN_TOKEN or request.headers.get("authorization") != f"Bearer {ADMIN_TOKEN}":
        return JSONResponse({"detail": "not found"}, status_code=404)
    if name not in KNOWN_FAULTS:
        return JSONResponse({"detail": f"unknown fault {name}", "known": sorted(KNOWN_FAULTS)}, status_code=400)
    if on:
        faults.add(name)
    else:
        faults.discard(name)
        if name == "leak_sessions":
            for db in leaked:
                db.close()
            leaked.clear()
    return {"faults": sorted(faults)}
