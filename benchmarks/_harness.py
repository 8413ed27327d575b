"""What every benchmark needs, written once: figures, ports, throwaway databases, CPU and memory, servers.

Imported by the benchmark scripts, which run as `python benchmarks/<name>.py` (so this directory is on the path).
Everything stays on 127.0.0.1; every wait has a deadline; databases and servers are removed on the way out.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_PORT = 5432
PG_ADMIN_URL = f"postgresql://postgres@{HOST}:{PG_PORT}/postgres"


def say(message: str) -> None:
    print(f"  {message}", flush=True)


# --- figures ------------------------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), as numpy's default; NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- ports --------------------------------------------------------------------------------------------------------
def free_port() -> int:
    """A port nothing listens on now (the system's choice, never 8000)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def answers(port: int, host: str = HOST) -> bool:
    """Whether something accepts connections on the port."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


# --- throwaway databases ------------------------------------------------------------------------------------------
def pg_admin(sql: str) -> None:
    """Run one statement as the PostgreSQL superuser (fixed statements built from constants only)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.encode())


def postgres_available() -> bool:
    if not answers(PG_PORT):
        return False
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def throwaway_database(kind: str, name: str, *, folder: Path | None = None) -> Iterator[str]:
    """Yield the DATABASE_URL of a new empty database, removed afterwards.

    `sqlite`: the file `<name>.sqlite3` in `folder` (the caller's to remove) or in a temporary folder of its own.
    `postgres`: the database `name` on 127.0.0.1:5432, dropped before (a run that was killed) and after.
    """
    if kind == "sqlite":
        own = folder is None
        where = Path(tempfile.mkdtemp(prefix=f"{name}-")) if folder is None else folder
        try:
            yield f"sqlite:///{where / f'{name}.sqlite3'}"
        finally:
            if own:
                shutil.rmtree(where, ignore_errors=True)
        return
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@{HOST}:{PG_PORT}/{name}"
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- CPU and memory -----------------------------------------------------------------------------------------------
def cpu_seconds(*, pids: list[int] | None = None, group: int | None = None, database: str | None = None) -> float:
    """User + system CPU time used so far, from /proc, by the given processes, or by the processes of a process
    group (a server), or by the PostgreSQL backends serving a database. A figure the machine's other work does not
    skew, unlike rates. A process that has ended adds 0; so does everything where /proc is absent."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    entries = [Path(f"/proc/{pid}") for pid in pids] if pids is not None else Path("/proc").glob("[0-9]*")
    total = 0
    for entry in entries:
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if group is not None and int(fields[2]) != group:
                continue
            if database is not None and f" {database} ".encode() not in (entry / "cmdline").read_bytes():
                continue
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime (all the process's threads)
    return total / tick


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the given processes, in MB (psutil if installed, else /proc); a process gone adds 0."""
    total = 0
    for pid in pids:
        try:
            import psutil
        except ImportError:
            with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
                total += next((int(ln.split()[1]) * 1024 for ln in status if ln.startswith("VmRSS:")), 0)
        else:
            with contextlib.suppress(psutil.Error):
                total += psutil.Process(pid).memory_info().rss
    return round(total / 1e6, 1)


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: reset at exec, so a parent's size does not leak in)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- servers ------------------------------------------------------------------------------------------------------
@dataclass
class Server:
    """A server process, the leader of its own process group (so its workers stop with it)."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path | None

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, size: int = 2000) -> str:
        return self.log.read_text()[-size:] if self.log is not None and self.log.exists() else ""


def start_server(name: str, command: list[str], *, port: int, env: dict[str, str], log: Path | None = None) -> Server:
    """Start `command` in the repository, in a process group of its own; output to `log`, else inherited."""
    if log is None:
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    else:
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
    return Server(name, port, process, log)


def wait_until_serving(server: Server, *, timeout: float, http_path: str | None = None) -> None:
    """Until the server accepts connections (and, with `http_path`, answers a GET on it with any HTTP status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}: {server.log_tail()}")
        try:
            with socket.create_connection((HOST, server.port), timeout=2) as s:
                if http_path is None:
                    return
                s.sendall(f"GET {http_path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 "):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s: {server.log_tail()}")


def stop(servers: list[Server]) -> None:
    """SIGTERM to each server's process group, then SIGKILL to any that has not ended within 15 s."""
    for server in servers:
        if server.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.process.wait(timeout=5)


@contextlib.contextmanager
def serving(
    name: str, command: list[str], *, env: dict[str, str], port: int, timeout: float, http_path: str | None = None
) -> Iterator[Server]:
    """A started server, ready to answer; stopped (its whole process group) on the way out, whatever happens."""
    server = start_server(name, command, port=port, env=env)
    try:
        wait_until_serving(server, timeout=timeout, http_path=http_path)
        yield server
    finally:
        stop([server])
