#!/usr/bin/env python3
"""Writes the release link's symbol order (Benchmarks/profile/cloudcafe.order): every function the
daemon runs from start-up to the first answer, then every function the benchmarked operations
and an idle second run, as callgrind saw them.

The linker places these functions first and side by side in the text segment. Without it, the
few thousand functions a running daemon touches lie scattered over 30 MB of code, and the
kernel maps code in 64 KiB blocks around each fault: most of the binary ends up resident.

    .venv/bin/python Benchmarks/profile/order.py .build/release/cloudcafe

Run it again when the request path changes much; a stale order costs memory, never correctness
(symbols it names that no longer exist are ignored)."""
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
import compare  # noqa: E402  (the benchmarked operations, set up exactly as the bench does)


def functions(path: Path) -> list[str]:
    """Function symbols in a callgrind output written with --compress-strings=no, in order of first mention."""
    seen: dict[str, None] = {}
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith(("fn=", "cfn=")):
            name = re.sub(r"'\d+$", "", line.split("=", 1)[1].strip())  # callgrind's recursion depth mark
            if name and not name.startswith("0x") and " " not in name:
                seen.setdefault(name, None)
    return list(seen)


def main():
    binary = sys.argv[1]
    output = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "cloudcafe.order"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        stripped = work / "cloudcafe"
        subprocess.run(["objcopy", "--strip-debug", binary, str(stripped)], check=True)
        # The resource folders beside it, as installed (ShippedResource looks there first).
        for resources in Path(binary).resolve().parent.glob("*.resources"):
            (work / resources.name).symlink_to(resources)
        shim = work / "shim.so"
        subprocess.run(["gcc", "-shared", "-fPIC", "-O2", str(HERE / "sigsuspend_shim.c"), "-o", str(shim)], check=True)
        out = work / "cg.out"
        proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--demangle=no", "--compress-strings=no", "--compress-pos=no",
                                 f"--callgrind-out-file={out}", str(stripped), "serve", "--port", "0",
                                 "--outbox", str(work / "outbox"), "--cafe-db", str(work / "cafe.sqlite")],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, LD_PRELOAD=str(shim)))
        port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
        compare.wait_ready(port, time.perf_counter())
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], capture_output=True, check=True)
        for name, requests in compare.operations(port, moto=False):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            for _ in range(20):
                for method, path, body, headers in requests:
                    conn.request(method, path, body=body or None, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    assert response.status == 200, (name, response.status)
            conn.close()
        compare.load(port, publishes=200, log_events=200)
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        proc.wait()
        # The dump taken at the first answer is cg.out.1; what ran after it is in the later files.
        parts = sorted(work.glob("cg.out*"), key=lambda p: int(p.suffix[1:]) if p.suffix[1:].isdigit() else 1 << 30)
        startup = functions(parts[0])
        rest = [name for part in parts[1:] for name in functions(part)]
    # Only the binary's own functions: the rest (libc, libsqlite3) are not the linker's to place.
    defined = {line.split()[-1] for line in subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True).stdout.splitlines()
               if len(line.split()) == 3 and line.split()[1] in "tT"}
    ordered = [name for name in dict.fromkeys(startup + rest) if name in defined]
    output.write_text("\n".join(ordered) + "\n")
    print(f"{output}: {len(startup)} start-up functions, {len(ordered)} in all")


if __name__ == "__main__":
    main()
