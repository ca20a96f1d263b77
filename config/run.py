"""``make run``: the web server and one task worker together, in one command.

Starts ``manage.py runserver 127.0.0.1:$PORT`` and ``manage.py procrastinate worker``; Ctrl-C
(or SIGTERM) stops both, and when either stops on its own the other is stopped too, so that
no half of the pair is left behind. In production run them apart (docs/deploy.md).

Usage: ``python -m config.run [PORT]``
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10


def commands(port: str) -> dict[str, list[str]]:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    return {
        "web": [*manage, "runserver", f"127.0.0.1:{port}"],
        "worker": [*manage, "procrastinate", "worker", "--name", "worker-1"],
    }


def stop(children: dict[str, subprocess.Popen]) -> None:
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGINT)  # runserver's autoreloader child too
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM is handled as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    port = argv[0] if argv else os.environ.get("PORT", "8000")
    children: dict[str, subprocess.Popen] = {}
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for name, command in commands(port).items():
            # The worker says what it does (job started, succeeded, retried…) at INFO.
            env = dict(os.environ, PROCRASTINATE_LOG_LEVEL=os.environ.get(
                "PROCRASTINATE_LOG_LEVEL", "INFO"))
            # A process group each: stopped as a whole (never an orphan left serving), and
            # the terminal's Ctrl-C reaches only us, who stop them in order.
            children[name] = subprocess.Popen(command, cwd=BASE_DIR, env=env,
                                              process_group=0)
        print(f"run: web server (pid {children['web'].pid}) and worker "
              f"(pid {children['worker'].pid}) started; Ctrl-C stops both", flush=True)
        while True:
            for name, child in list(children.items()):
                code = child.poll()
                if code is None:
                    continue
                if name == "worker":
                    # As systemd's Restart=always in production (docs/deploy.md): a worker
                    # ends when it loses its database (a PostgreSQL restart); its jobs wait
                    # in the queue for the next one.
                    print(f"run: the worker stopped (exit {code}); starting another",
                          file=sys.stderr, flush=True)
                    time.sleep(1)
                    children[name] = subprocess.Popen(commands(port)[name], cwd=BASE_DIR,
                                                      env=env, process_group=0)
                    continue
                print(f"run: the {name} stopped (exit {code}); stopping the rest",
                      file=sys.stderr, flush=True)
                return code or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        stop(children)


if __name__ == "__main__":
    sys.exit(main())
