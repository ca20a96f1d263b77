"""``make run``'s supervisor (config/run.py): the web server and one worker, one command;
Ctrl-C stops both (runserver's reloader child included)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from config.devdb import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() \
                else []
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


@pytest.mark.django_db(transaction=True)
def test_make_run_starts_the_web_server_and_a_worker_and_ctrl_c_stops_both():
    params = connection.settings_dict
    url = (f"postgres://{quote(params['USER'])}@{params['HOST']}:{params['PORT']}/"
           f"{quote(params['NAME'])}")
    port = free_port()
    supervisor = subprocess.Popen([sys.executable, "-m", "config.run", str(port)], cwd=BASE_DIR,
                                  env=dict(os.environ, DATABASE_URL=url),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/",
                                            timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the web server did not answer"
                assert supervisor.poll() is None
                time.sleep(1)
        children = descendants(supervisor.pid)
        commands = [cmdline(pid) for pid in children]
        assert any("procrastinate worker" in c for c in commands), commands
        assert any("runserver" in c for c in commands), commands
        # A worker that dies (a PostgreSQL restart ends it) is replaced; the web server stays.
        worker = min(pid for pid in children if "procrastinate worker" in cmdline(pid))
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:
            workers = [pid for pid in descendants(supervisor.pid)
                       if "procrastinate worker" in cmdline(pid) and alive(pid)]
            if workers and worker not in workers:
                break
            assert time.monotonic() < deadline, "no new worker"
            assert supervisor.poll() is None
            time.sleep(0.5)
        children = descendants(supervisor.pid)
        supervisor.send_signal(signal.SIGINT)
        assert supervisor.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not [cmdline(pid) for pid in children if alive(pid)]
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
