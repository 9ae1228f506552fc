"""The gunicorn configuration: worker count from the cores, and the worker memory bound."""

import logging
import runpy
from types import SimpleNamespace

from django.conf import settings

CONFIG = str(settings.BASE_DIR / "gunicorn.conf.py")


def load(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "WORKER_MAX_MEMORY_MB"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONFIG)


def fake_worker():
    return SimpleNamespace(alive=True, pid=4242, log=logging.getLogger("gunicorn.test"))


def request():
    return SimpleNamespace(method="POST", path="/plans/new/")


def test_defaults_bind_locally_and_size_workers_from_the_cores(monkeypatch):
    config = load(monkeypatch)
    assert config["bind"] == ["127.0.0.1:8000"]
    assert 3 <= config["workers"] <= 8
    assert config["timeout"] == 60
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0


def test_environment_overrides_bind_and_workers(monkeypatch):
    config = load(monkeypatch, GUNICORN_BIND="0.0.0.0:9000", WEB_CONCURRENCY="2")
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["workers"] == 2


def test_a_worker_over_the_memory_bound_retires_after_the_request(monkeypatch, caplog):
    config = load(monkeypatch, WORKER_MAX_MEMORY_MB="1")
    worker = fake_worker()
    with caplog.at_level(logging.WARNING):
        config["post_request"](worker, request(), {}, None)
    assert worker.alive is False
    assert "WORKER_MAX_MEMORY_MB=1" in caplog.text


def test_a_worker_under_the_memory_bound_keeps_serving(monkeypatch):
    config = load(monkeypatch, WORKER_MAX_MEMORY_MB="100000")
    worker = fake_worker()
    config["post_request"](worker, request(), {}, None)
    assert worker.alive is True
    assert 10 < config["worker_memory_mb"]() < 100000
