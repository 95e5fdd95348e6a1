"""The DB worker: jobs run in order on one thread (never the GUI's), results come back on the GUI thread,
cancelled jobs and jobs after shutdown never call back."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from intake_app.vault.vault import Vault
from ui.common.db_worker import DbWorker, JobContext

PASSPHRASE = "correct horse battery staple 2024"


@pytest.fixture
def worker(vault_path: Path) -> Iterator[DbWorker]:
    vault, _ = Vault.create(vault_path, PASSPHRASE, "field")
    w = DbWorker(vault)
    yield w
    w.shutdown()
    vault.lock()


def test_jobs_run_in_order_off_the_gui_thread_and_answer_on_it(qtbot: QtBot, worker: DbWorker) -> None:
    gui = threading.get_ident()
    ran_on: list[int] = []
    answered_on: list[int] = []
    results: list[object] = []

    def job(i: int) -> Callable[[JobContext], object]:
        def fn(ctx: JobContext) -> object:
            ran_on.append(threading.get_ident())
            return (i, ctx.records.count())
        return fn

    def done(result: object) -> None:
        answered_on.append(threading.get_ident())
        results.append(result)

    for i in range(5):
        worker.submit(job(i), on_done=done)
    qtbot.waitUntil(lambda: len(results) == 5, timeout=20_000)
    assert results == [(i, 0) for i in range(5)]
    assert len(set(ran_on)) == 1 and ran_on[0] != gui
    assert set(answered_on) == {gui}
    assert worker.pending() == 0


def test_errors_reach_on_error_and_progress_is_reported(qtbot: QtBot, worker: DbWorker) -> None:
    errors: list[BaseException] = []
    progress: list[tuple[int, int]] = []

    def failing(ctx: JobContext) -> None:
        ctx.progress(10, 10)
        ctx.records.show("0190f6b8-7a1c-7d2e-9f00-000000000001")

    worker.submit(failing, on_error=errors.append, on_progress=lambda d, t: progress.append((d, t)))
    qtbot.waitUntil(lambda: bool(errors), timeout=20_000)
    assert "no testimony" in str(errors[0])
    assert progress == [(10, 10)]


def test_cancelled_jobs_and_jobs_after_shutdown_never_call_back(qtbot: QtBot, worker: DbWorker) -> None:
    gate = threading.Event()
    called: list[str] = []
    worker.submit(lambda ctx: gate.wait(5), on_done=lambda r: called.append("first"))
    second = worker.submit(lambda ctx: "x", on_done=lambda r: called.append("second"))
    second.cancel()
    gate.set()
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=20_000)
    assert called == ["first"]
    worker.shutdown()
    late = worker.submit(lambda ctx: "y", on_done=lambda r: called.append("late"))
    assert late.cancelled and called == ["first"]


def test_shutdown_stops_a_running_job_that_reports_progress(qtbot: QtBot, worker: DbWorker) -> None:
    started = threading.Event()
    steps: list[int] = []

    def long_job(ctx: JobContext) -> None:
        started.set()
        for i in range(10_000):
            steps.append(i)
            ctx.progress(i, 10_000)
            threading.Event().wait(0.001)

    called: list[object] = []
    worker.submit(long_job, on_done=called.append, on_error=called.append)
    assert started.wait(5)
    worker.shutdown()
    assert len(steps) < 10_000 and called == []
