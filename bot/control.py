"""How a running bot is told to reload or roll back: its pid file, signals, and a report file.

The bot writes its pid to PID_FILE and handles SIGHUP (reload), SIGUSR2 (reload even if the
dev-set accuracy drops) and SIGUSR1 (rollback). After each, it writes the report as JSON beside
the pid file, which `python -m bot reload` / `rollback` wait for and print. With
RELOAD_ON_CHANGE it also reloads by itself when the knowledge files change.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.reload import Reloader, ReloadReport

log = logging.getLogger(__name__)

RELOAD = signal.SIGHUP
FORCED_RELOAD = signal.SIGUSR2
ROLLBACK = signal.SIGUSR1
_tasks: set[asyncio.Task[None]] = set()  # running handlers, kept so they are not collected


class ControlError(Exception):
    """No running bot to signal, or it did not answer; shown as one line."""


def report_file(pid_file: Path) -> Path:
    """Where the running bot leaves its last reload or rollback report."""
    return pid_file.with_name(f"{pid_file.stem}.report.json")


def running_pid(pid_file: Path) -> int | None:
    """The pid in the file if that process is alive, else None."""
    try:
        pid = int(pid_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, but another user's
        return pid
    return pid


@contextlib.contextmanager
def holding_pid_file(pid_file: Path) -> Iterator[None]:
    """Write this process's pid for the time of the block; ControlError if a live bot holds it."""
    other = running_pid(pid_file)
    if other is not None and other != os.getpid():
        raise ControlError(f"another bot (pid {other}) holds {pid_file}")
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{os.getpid()}\n", encoding="utf-8")
    try:
        yield
    finally:
        if running_pid(pid_file) == os.getpid():
            pid_file.unlink(missing_ok=True)


def write_report(path: Path, report: ReloadReport) -> None:
    """Leave the report for the command that sent the signal (written whole, then renamed)."""
    document = {"at": dt.datetime.now(dt.UTC).isoformat(), **report.as_dict()}
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    scratch.replace(path)


async def _act(sig: signal.Signals, reloader: Reloader, report_path: Path) -> None:
    if sig is ROLLBACK:
        report = await reloader.rollback()
    else:
        report = await reloader.reload(force=sig is FORCED_RELOAD)
    log.info("%s", report.render())
    try:
        write_report(report_path, report)
    except OSError:
        log.exception("could not write the reload report to %s", report_path)


def install_signal_handlers(
    loop: asyncio.AbstractEventLoop, reloader: Reloader, pid_file: Path
) -> None:
    """Reload on SIGHUP, forced reload on SIGUSR2, roll back on SIGUSR1 (inside `loop`)."""
    path = report_file(pid_file)

    def handle(sig: signal.Signals) -> None:
        log.info("received %s", sig.name)
        task = loop.create_task(_act(sig, reloader, path))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)

    for sig in (RELOAD, FORCED_RELOAD, ROLLBACK):
        loop.add_signal_handler(sig, handle, sig)


def remove_signal_handlers(loop: asyncio.AbstractEventLoop) -> None:
    """Undo `install_signal_handlers`."""
    for sig in (RELOAD, FORCED_RELOAD, ROLLBACK):
        loop.remove_signal_handler(sig)


def _report_stamp(path: Path) -> str | None:
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def signal_bot(pid_file: Path, sig: signal.Signals, timeout: float = 120.0) -> dict[str, Any]:
    """Signal the running bot and wait for the report it writes; ControlError if there is none."""
    pid = running_pid(pid_file)
    if pid is None:
        raise ControlError(f"no running bot: {pid_file} is missing or stale (PID_FILE)")
    path = report_file(pid_file)
    before = _report_stamp(path)
    os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stamp = _report_stamp(path)
        if stamp is not None and stamp != before:
            document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return document
        if running_pid(pid_file) != pid:
            raise ControlError(f"the bot (pid {pid}) stopped before reporting")
        time.sleep(0.1)
    raise ControlError(f"the bot (pid {pid}) did not report within {timeout:g} s; see its log")


@contextlib.contextmanager
def accepting_signals(reloader: Reloader, pid_file: Path) -> Iterator[None]:
    """Hold the pid file and handle the signals for the time of the block (in a running loop)."""
    loop = asyncio.get_running_loop()
    install_signal_handlers(loop, reloader, pid_file)  # before the pid file is seen by anyone
    try:
        with holding_pid_file(pid_file):
            yield
    finally:
        remove_signal_handlers(loop)


def _files_stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    paths = sorted([*(root / "intents").glob("*.yaml"), *(root / "knowledge").glob("*.yaml")])
    stamp = []
    for path in paths:
        with contextlib.suppress(OSError):  # a file being replaced by an editor
            info = path.stat()
            stamp.append((path.name, info.st_mtime_ns, info.st_size))
    return tuple(stamp)


async def watch_knowledge(reloader: Reloader, settings: Settings) -> None:
    """Reload whenever the knowledge files change and then stay still for one poll."""
    root, every = settings.knowledge_dir, settings.reload_poll_seconds
    seen = _files_stamp(root)
    while True:
        await asyncio.sleep(every)
        now = _files_stamp(root)
        if now == seen:
            continue
        await asyncio.sleep(every)  # let an editor finish writing
        if _files_stamp(root) != now:
            continue
        seen = now
        report = await reloader.reload()
        log.info("knowledge files changed: %s", report.render())
        try:
            write_report(report_file(settings.pid_file), report)
        except OSError:
            log.exception("could not write the reload report")


def start_watching(reloader: Reloader, settings: Settings) -> asyncio.Task[None] | None:
    """The file watcher as a task when RELOAD_ON_CHANGE is on (cancel it on shutdown)."""
    if not settings.reload_on_change:
        return None
    return asyncio.get_running_loop().create_task(watch_knowledge(reloader, settings))
