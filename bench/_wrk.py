"""HTTP load from `wrk` for the benchmarks.

wrk is a C load generator on an event loop: it costs the server far less of the machine's
CPU than Python client threads, and adds no interpreter queueing of its own to the latencies
it records. It runs `wrk/report.lua`, which checks every response's status and prints the
figures as machine-readable lines (see there).
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk" / "report.lua"


def ensure_wrk() -> str:
    """The path of wrk, installed with apt-get first when missing and running as root."""
    path = shutil.which("wrk")
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk for the HTTP benchmarks ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            env=env,
            stdout=subprocess.DEVNULL,
            check=False,
        )
        path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    return path


@dataclass
class WrkResult:
    rate: float  # completed requests per second
    p50: float  # latency, seconds
    p99: float
    requests: int
    unexpected: dict[int, int]  # status -> count, for statuses other than the expected one
    socket_errors: dict[str, int]  # connect, read, write, timeout -> count
    sample: str  # the first unexpected response: "<status>: <start of the body>"

    def check(self, label: str) -> None:
        """Fail loudly on any unexpected status or socket error."""
        if self.unexpected:
            statuses = ", ".join(f"{count} x {status}" for status, count in self.unexpected.items())
            raise SystemExit(f"{label}: unexpected responses ({statuses}), e.g. {self.sample}")
        errors = {kind: count for kind, count in self.socket_errors.items() if count}
        if errors:
            listed = ", ".join(f"{count} {kind}" for kind, count in errors.items())
            raise SystemExit(f"{label}: socket errors ({listed})")


def run_wrk(
    url: str,
    *,
    connections: int,
    seconds: float,
    threads: int = 2,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    tokens: list[str] | None = None,
    expect: int | None = None,
    distinct: bool = False,
) -> WrkResult:
    """Load `url` for `seconds` (whole seconds: wrk takes no fractions) on `connections`
    connections (kept alive where the server allows it) spread over `threads` wrk threads.

    `tokens`, when given, are API tokens sent as `Authorization: Token <token>`, one per wrk
    thread: wrk's scripts cannot tell a thread's connections apart, so a token per connection
    takes one connection per thread. `expect` is the one status that counts as success
    (default: any 2xx); the others are counted in `unexpected`, not raised: see `check`.
    `distinct` gives every request an address of its own, so no answer comes from a cache.
    """
    if tokens is not None and not len(tokens) == threads == connections:
        raise ValueError("one token per connection takes one thread per connection")
    duration = max(1, round(seconds))
    command = [ensure_wrk(), f"--threads={threads}", f"--connections={connections}"]
    # The timeout bounds the latencies wrk records (it keeps none above it) and turns a
    # stuck request into a socket error.
    command += [f"--duration={duration}s", "--timeout=30s", f"--script={SCRIPT}"]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    env = {**os.environ, "BENCH_WRK_METHOD": method, "BENCH_WRK_TOKENS": " ".join(tokens or [])}
    env["BENCH_WRK_EXPECT"] = "" if expect is None else str(expect)
    env["BENCH_WRK_DISTINCT"] = "1" if distinct else ""
    finished = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    figures = {}
    for line in finished.stdout.splitlines():
        if line.startswith("bench."):
            key, _, value = line[len("bench.") :].partition(" ")
            figures[key] = value
    if finished.returncode != 0 or "requests" not in figures:
        raise SystemExit(
            f"wrk failed (exit status {finished.returncode}):\n{finished.stdout}{finished.stderr}"
        )
    requests = int(figures["requests"])
    return WrkResult(
        rate=requests / (int(figures["duration_us"]) / 1e6),
        p50=int(figures["p50_us"]) / 1e6,
        p99=int(figures["p99_us"]) / 1e6,
        requests=requests,
        unexpected={
            int(key.split(".", 1)[1]): int(value)
            for key, value in figures.items()
            if key.startswith("status.")
        },
        socket_errors={
            key.split(".", 1)[1]: int(value)
            for key, value in figures.items()
            if key.startswith("socket_errors.")
        },
        sample=figures.get("sample", ""),
    )
