"""A private PostgreSQL cluster for the quick start and the tests.

``make run`` keeps one under ``var/pgdata`` (created on first use, reused afterwards) and
``make test`` makes a throwaway one in a temporary directory on a free port. Both run a command
with ``DATABASE_URL`` pointing at the cluster and stop the server cleanly afterwards, Ctrl-C
included. PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
system user (or ``nobody``), and the cluster moves to a place that user can reach when the
checkout cannot be reached by it.

Usage: ``python -m config.devdb run [--temporary] -- COMMAND …``
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = "roi"
DB_USER = "roi"


def fail(message: str) -> None:
    print(f"devdb: {message}", file=sys.stderr)
    raise SystemExit(2)


def pg_bin_dir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    fail("PostgreSQL server binaries not found: run `make install` (as root) or set DATABASE_URL.")
    raise AssertionError


def server_user() -> pwd.struct_passwd | None:
    """The unprivileged account the server runs as when we are root; None when we are not."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    fail("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as.")
    raise AssertionError


def as_user(user: pwd.struct_passwd | None, argv: list[str]) -> list[str]:
    if user is None:
        return argv
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups",
            "--", *argv]


def reachable_by(user: pwd.struct_passwd | None, directory: Path) -> bool:
    if user is None:
        return True
    probe = subprocess.run(as_user(user, ["test", "-x", str(directory)]), check=False)
    return probe.returncode == 0


def persistent_dir(user: pwd.struct_passwd | None) -> Path:
    var = BASE_DIR / "var"
    var.mkdir(exist_ok=True)
    if reachable_by(user, var):
        return var / "pgdata"
    # e.g. a checkout under /root: keep the cluster where the server's user can reach it.
    digest = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    fallback = Path("/var/tmp") / f"roi-checklist-{digest}"
    fallback.mkdir(mode=0o755, exist_ok=True)
    return fallback / "pgdata"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def init_cluster(datadir: Path, user: pwd.struct_passwd | None) -> None:
    datadir.mkdir(parents=True, exist_ok=True)
    datadir.chmod(0o700)
    if user is not None:
        os.chown(datadir, user.pw_uid, user.pw_gid)
    subprocess.run(
        as_user(user, [str(pg_bin_dir() / "initdb"), "-D", str(datadir), "-U", DB_USER,
                       "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]),
        check=True, stdout=subprocess.DEVNULL,
    )


def is_running(datadir: Path, user: pwd.struct_passwd | None) -> bool:
    status = subprocess.run(
        as_user(user, [str(pg_bin_dir() / "pg_ctl"), "status", "-D", str(datadir)]),
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return status.returncode == 0


def start(datadir: Path, port: int, user: pwd.struct_passwd | None) -> None:
    logfile = datadir.parent / "postgresql.log"
    if user is not None and not logfile.exists():
        logfile.touch()
        os.chown(logfile, user.pw_uid, user.pw_gid)
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    # A session of its own: Ctrl-C in the terminal reaches our command, not the server,
    # which we then stop cleanly ourselves.
    subprocess.run(
        as_user(user, [str(pg_bin_dir() / "pg_ctl"), "start", "-D", str(datadir), "-w",
                       "-t", "60", "-l", str(logfile), "-o", options]),
        check=True, stdout=subprocess.DEVNULL, start_new_session=True,
    )


def stop(datadir: Path, user: pwd.struct_passwd | None) -> None:
    subprocess.run(
        as_user(user, [str(pg_bin_dir() / "pg_ctl"), "stop", "-D", str(datadir), "-m", "fast",
                       "-w"]),
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def ensure_database(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(host="127.0.0.1", port=port, user=DB_USER, dbname="postgres",
                                 autocommit=True) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                      (DB_NAME,)).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{DB_NAME}"')
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def run(command: list[str], *, temporary: bool) -> int:
    user = server_user()
    if temporary:
        tmp = Path(tempfile.mkdtemp(prefix="roi-test-pg-"))
        tmp.chmod(0o755)
        datadir = tmp / "pgdata"
        port = free_port()
        init_cluster(datadir, user)
    else:
        datadir = persistent_dir(user)
        portfile = datadir.parent / "pgport"
        port = int(portfile.read_text()) if portfile.exists() else 0
        if not (datadir / "PG_VERSION").exists():
            init_cluster(datadir, user)
        if is_running(datadir, user):
            if not port:
                fail(f"a server is running on {datadir} but its port is unknown; stop it.")
        else:
            if not port or port_in_use(port):
                port = int(os.environ.get("PGPORT_PRIVATE", "0")) or free_port()
            portfile.write_text(str(port))
    started_here = False
    try:
        if not is_running(datadir, user):
            start(datadir, port, user)
            started_here = True
        ensure_database(port)
        env = dict(os.environ, DATABASE_URL=f"postgres://{DB_USER}@127.0.0.1:{port}/{DB_NAME}")
        child = subprocess.Popen(command, env=env)
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                # The child got the same Ctrl-C; wait for it to finish, then stop the server.
                child.send_signal(signal.SIGINT)
                continue
    finally:
        if started_here or temporary:
            stop(datadir, user)
        if temporary:
            shutil.rmtree(datadir.parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    run_parser = sub.add_parser("run", help="run COMMAND with DATABASE_URL set")
    run_parser.add_argument("--temporary", action="store_true",
                            help="a throwaway cluster in a temporary directory")
    run_parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a command is required after --")
    try:
        return run(command, temporary=args.temporary)
    except subprocess.CalledProcessError as error:
        fail(f"{' '.join(map(str, error.cmd))} failed (exit {error.returncode}).")
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
