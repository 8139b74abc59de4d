"""Throwaway PostgreSQL and Redis servers for the scale-out tests and benchmarks,
and a Dovecot IMAP server for the e-mail fetcher's tests.

Each server listens on a free port of 127.0.0.1, keeps its files (and its unix
socket) in a temporary directory, and is stopped and wiped on exit, whatever
happens in between. Nothing depends on the distribution's own clusters or
services: only the binaries `apt-get install postgresql redis-server` ships.

    with postgres_server() as database_url, redis_server() as redis_url:
        ...

    # Run a command with DATABASE_URL and REDIS_URL pointing at fresh servers;
    # exits with the command's exit code.
    python -m tests.servers run -- pytest tests/scaleout

    with dovecot_server({"support": "secret"}) as imap:
        imap.deliver("support", raw_mail)   # then fetch from imap.host:imap.port

PostgreSQL refuses to run as root: as root, its processes run as the `postgres`
system user (created by the Debian package) and the directory is given to it.
The servers trade durability for speed (fsync off): they hold test data only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 30.0
POSTGRES_USER = "postgres"
DATABASE_NAME = "relais"

# A throwaway cluster: durability off, enough connections for pytest-xdist
# workers plus the threads of the concurrency tests.
POSTGRES_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "256MB",
}


class ServerUnavailable(RuntimeError):
    """The server's binaries are missing or it did not become ready."""


def free_port() -> int:
    """A TCP port nobody listens on right now (the caller retries on a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bindir() -> Path:
    """The newest installed PostgreSQL's bin directory (RELAIS_PG_BINDIR wins)."""
    if configured := os.environ.get("RELAIS_PG_BINDIR"):
        return Path(configured)
    debian = [
        path.parent
        for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")
        if path.parent.parent.name.isdigit()
    ]
    if debian:
        return max(debian, key=lambda bindir: int(bindir.parent.name))
    if found := shutil.which("initdb"):
        return Path(found).parent
    raise ServerUnavailable("PostgreSQL is not installed (apt-get install postgresql)")


def _run_as_postgres_kwargs(workdir: Path) -> dict:
    """subprocess arguments that drop root to the postgres user, if we are root."""
    kwargs: dict = {"cwd": workdir}
    if os.geteuid() == 0:
        kwargs.update(user=POSTGRES_USER, group=POSTGRES_USER, extra_groups=[])
    return kwargs


def _own_directory(workdir: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(workdir, user=POSTGRES_USER, group=POSTGRES_USER)


def _stop_process(process: subprocess.Popen, stop_signal: int) -> None:
    if process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until(ready, process: subprocess.Popen, what: str, log_file: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            raise ServerUnavailable(f"{what} exited with {process.returncode}:\n{log[-2000:]}")
        if ready():
            return
        time.sleep(0.05)
    raise ServerUnavailable(f"{what} was not ready after {READY_TIMEOUT_SECONDS:.0f} s")


def _postgres_accepts(port: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(
            host="127.0.0.1", port=port, user=POSTGRES_USER, dbname="postgres", connect_timeout=2
        ):
            return True
    except psycopg.OperationalError:
        return False


def _initdb(bindir: Path, workdir: Path, data_dir: Path) -> None:
    result = subprocess.run(  # noqa: S603 (our own fixed command line)
        [
            str(bindir / "initdb"),
            "--pgdata",
            str(data_dir),
            "--username",
            POSTGRES_USER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        ],
        capture_output=True,
        text=True,
        check=False,
        **_run_as_postgres_kwargs(workdir),
    )
    if result.returncode != 0:
        raise ServerUnavailable(f"initdb failed:\n{result.stdout}\n{result.stderr}")


def _start_postgres(
    bindir: Path, workdir: Path, data_dir: Path, settings: dict[str, str]
) -> tuple[subprocess.Popen, int]:
    """Start postgres on a free port; retries if another process took the port."""
    log_file = workdir / "postgres.log"
    for attempt in range(3):
        port = free_port()
        options = {
            **POSTGRES_SETTINGS,
            **settings,
            "port": str(port),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(workdir),
        }
        command = [str(bindir / "postgres"), "-D", str(data_dir)]
        for name, value in options.items():
            command += ["-c", f"{name}={value}"]
        with log_file.open("ab") as log:
            # Its own session: a Ctrl-C aimed at the test run must not stop the
            # server before the run has finished with it.
            process = subprocess.Popen(  # noqa: S603 (our own fixed command line)
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **_run_as_postgres_kwargs(workdir),
            )
        try:
            _wait_until(lambda port=port: _postgres_accepts(port), process, "postgres", log_file)
            return process, port
        except ServerUnavailable:
            _stop_process(process, signal.SIGINT)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@contextmanager
def postgres_server(settings: dict[str, str] | None = None) -> Iterator[str]:
    """A fresh PostgreSQL cluster with an empty `relais` database; yields its URL
    (postgresql://postgres@127.0.0.1:PORT/relais, trust authentication)."""
    import psycopg

    bindir = postgres_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="relais-pg-"))
    process = None
    try:
        _own_directory(workdir)
        data_dir = workdir / "data"
        _initdb(bindir, workdir, data_dir)
        process, port = _start_postgres(bindir, workdir, data_dir, settings or {})
        with psycopg.connect(
            host="127.0.0.1", port=port, user=POSTGRES_USER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE_NAME}")
        yield f"postgresql://{POSTGRES_USER}@127.0.0.1:{port}/{DATABASE_NAME}"
    finally:
        if process is not None:
            _stop_process(process, signal.SIGINT)  # SIGINT: PostgreSQL's fast shutdown
        shutil.rmtree(workdir, ignore_errors=True)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server() -> Iterator[str]:
    """A fresh Redis without persistence; yields its URL (redis://127.0.0.1:PORT/0)."""
    binary = os.environ.get("RELAIS_REDIS_SERVER") or shutil.which("redis-server")
    if not binary:
        raise ServerUnavailable("Redis is not installed (apt-get install redis-server)")
    workdir = Path(tempfile.mkdtemp(prefix="relais-redis-"))
    log_file = workdir / "redis.log"
    process = None
    try:
        for attempt in range(3):
            port = free_port()
            options = {
                "port": str(port),
                "bind": "127.0.0.1",
                "unixsocket": str(workdir / "redis.sock"),
                "dir": str(workdir),
                "logfile": str(log_file),
                "save": "",  # no snapshots, no append-only file: throwaway data
                "appendonly": "no",
                "daemonize": "no",
            }
            command = [binary]
            for name, value in options.items():
                command += [f"--{name}", value]
            process = subprocess.Popen(  # noqa: S603 (our own fixed command line)
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
                cwd=workdir,
            )
            try:
                _wait_until(lambda port=port: _redis_answers(port), process, "redis", log_file)
                break
            except ServerUnavailable:
                _stop_process(process, signal.SIGTERM)
                if attempt == 2:
                    raise
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        if process is not None:
            _stop_process(process, signal.SIGTERM)
        shutil.rmtree(workdir, ignore_errors=True)


DOVECOT_CONFIG = """\
base_dir = {workdir}/run
state_dir = {workdir}/state
log_path = {workdir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{workdir}/cert.pem
ssl_key = <{workdir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# Refuse a wrong password at once, and no growing penalty for the next logins.
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
{run_as}
first_valid_uid = {uid}
# New mail shows up in IDLE at once (inotify), or within a second without it.
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {workdir}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={workdir}/home/%u
}}
mail_location = maildir:~/Maildir
# No statistics: their process would hold up the shutdown by seconds.
stats_writer_socket_path =
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
"""
# Dovecot refuses to give mail access to uid 0: as root, mailboxes belong to
# the Debian `mail` system user.
DOVECOT_MAIL_USER = "mail"


@dataclass
class DovecotServer:
    """A running Dovecot: IMAP with STARTTLS on `port`, implicit TLS on
    `tls_port`, its certificate signed by the CA in `ca_path` (for 127.0.0.1
    and localhost). `users` maps user names to passwords."""

    host: str
    port: int
    tls_port: int
    ca_path: Path
    users: dict[str, str]
    users_file: Path
    config_path: Path

    def add_user(self, name: str, password: str) -> None:
        """Create a user; returns once the user can log in (Dovecot looks at
        its passwd-file for changes at most once a second)."""
        self.users[name] = password
        self.users_file.write_text(
            "".join(f"{user}:{{PLAIN}}{secret}\n" for user, secret in self.users.items())
        )
        if not self.port:
            return  # not started yet: read at start-up
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            try:
                with self.client(name):
                    return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    @contextmanager
    def client(self, user: str):
        """An IMAPClient logged in as `user` on the plain port."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        try:
            client.login(user, self.users[user])
            yield client
        finally:
            with suppress(Exception):  # the connection may be gone already
                client.logout()

    def kick(self, user: str) -> None:
        """Drop every IMAP connection of `user` (as a crashing server would)."""
        subprocess.run(  # noqa: S603 (our own fixed command line)
            [self.doveadm, "-c", str(self.config_path), "kick", user],
            capture_output=True,
            check=True,
        )

    @property
    def doveadm(self) -> str:
        return shutil.which("doveadm", path="/usr/bin:/usr/sbin") or "doveadm"

    def deliver(self, user: str, raw: bytes, folder: str = "INBOX", flags=()) -> None:
        """Put a raw mail into `user`'s `folder` (IMAP APPEND as that user;
        the folder is created if missing)."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw, flags=flags)


def _dovecot_accepts(port: int, tls_port: int) -> bool:
    """The plain port greets; the TLS one accepts connections (it would wait
    for our TLS hello before saying anything)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            if not connection.recv(64).startswith(b"* OK"):
                return False
        with socket.create_connection(("127.0.0.1", tls_port), timeout=1):
            return True
    except OSError:
        return False


def _dovecot_identity(workdir: Path) -> tuple[int, int, str]:
    """The uid and gid mailboxes belong to, and the config lines that run
    Dovecot's own processes (as root: its Debian users; else: as ourselves)."""
    import pwd

    if os.geteuid() == 0:
        mail_user = pwd.getpwnam(DOVECOT_MAIL_USER)
        os.chmod(workdir, 0o755)  # noqa: S103 (the mail user must reach its home)
        (workdir / "home").mkdir()
        shutil.chown(workdir / "home", user=mail_user.pw_uid, group=mail_user.pw_gid)
        return mail_user.pw_uid, mail_user.pw_gid, ""
    me = pwd.getpwuid(os.getuid())
    (workdir / "home").mkdir()
    run_as = f"default_internal_user = {me.pw_name}\ndefault_login_user = {me.pw_name}"
    return me.pw_uid, me.pw_gid, run_as


@contextmanager
def dovecot_server(users: dict[str, str] | None = None) -> Iterator[DovecotServer]:
    """A fresh Dovecot IMAP server with `users` (name -> password), mailboxes in
    Maildir under a temporary directory; stopped and wiped on exit."""
    import trustme

    binary = os.environ.get("RELAIS_DOVECOT") or shutil.which("dovecot", path="/usr/sbin:/usr/bin")
    if not binary:
        raise ServerUnavailable("Dovecot is not installed (apt-get install dovecot-imapd)")
    workdir = Path(tempfile.mkdtemp(prefix="relais-dovecot-"))
    log_file = workdir / "dovecot.log"
    process = None
    try:
        authority = trustme.CA()
        certificate = authority.issue_cert("127.0.0.1", "localhost")
        certificate.private_key_pem.write_to_path(str(workdir / "key.pem"))
        certificate.cert_chain_pems[0].write_to_path(str(workdir / "cert.pem"))
        authority.cert_pem.write_to_path(str(workdir / "ca.pem"))
        uid, gid, run_as = _dovecot_identity(workdir)
        config = workdir / "dovecot.conf"
        server = DovecotServer("127.0.0.1", 0, 0, workdir / "ca.pem", {}, workdir / "users", config)
        for name, password in (users or {}).items():
            server.add_user(name, password)
        server.users_file.touch()
        for attempt in range(3):
            server.port, server.tls_port = free_port(), free_port()
            config.write_text(
                DOVECOT_CONFIG.format(
                    workdir=workdir,
                    uid=uid,
                    gid=gid,
                    run_as=run_as,
                    port=server.port,
                    tls_port=server.tls_port,
                )
            )
            with log_file.open("ab") as log:
                process = subprocess.Popen(  # noqa: S603 (our own fixed command line)
                    [binary, "-F", "-c", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=workdir,
                )
            try:
                _wait_until(
                    lambda: _dovecot_accepts(server.port, server.tls_port),
                    process,
                    "dovecot",
                    log_file,
                )
                break
            except ServerUnavailable:
                _stop_process(process, signal.SIGTERM)
                if attempt == 2:
                    raise
        yield server
    finally:
        if process is not None:
            _stop_process(process, signal.SIGTERM)
        shutil.rmtree(workdir, ignore_errors=True)


def run_with_servers(command: list[str], *, with_redis: bool = True) -> int:
    """Run `command` with DATABASE_URL (and REDIS_URL) set to fresh servers;
    returns its exit code. The servers stop even if the command or we are
    interrupted."""
    child: subprocess.Popen | None = None

    def forward_termination(signum, frame):
        # Let the command wind down first; before it starts, unwind at once.
        if child is None:
            raise SystemExit(128 + signum)
        child.terminate()

    previous = signal.signal(signal.SIGTERM, forward_termination)
    try:
        with ExitStack() as servers:
            env = dict(os.environ, DATABASE_URL=servers.enter_context(postgres_server()))
            if with_redis:
                env["REDIS_URL"] = servers.enter_context(redis_server())
            for name in ("DATABASE_URL", "REDIS_URL"):
                if name in env:
                    print(f"tests.servers: {name}={env[name]}", file=sys.stderr)
            child = subprocess.Popen(command, env=env)  # noqa: S603 (the caller's own command)
            while True:
                try:
                    code = child.wait()
                    break
                except KeyboardInterrupt:
                    # The command got the same Ctrl-C (same process group): let it finish.
                    continue
            return 128 - code if code < 0 else code
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.servers",
        description="Run a command against throwaway PostgreSQL and Redis servers.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="run COMMAND with DATABASE_URL and REDIS_URL set")
    run.add_argument("--no-redis", action="store_true", help="start PostgreSQL only")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS…]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    try:
        return run_with_servers(command, with_redis=not args.no_redis)
    except ServerUnavailable as error:
        print(f"tests.servers: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
