#!/usr/bin/env python3
"""Save-to-browser latency of a dev server on one site: `gongkai serve` or
`hugo server`.  Used by benches/serve.sh; see benches/README.md.

    python3 serve_latency.py --tool {gongkai,hugo} --site DIR [--bin PATH]
        [--edits 20] [--pause 3] [--port PORT] [--results FILE]

Starts the server on 127.0.0.1, waits until it serves, then --edits times:
appends a unique sentence to the body of one catalog item (the same file
each time), and measures from the moment the write is closed
  * page_ms:  until a GET of that item's page contains the sentence
              (polled every 5 ms), and
  * reload_ms: until the server announces the rebuild to browsers:
              gongkai: the `rebuild` event on /__gongkai/events (read by a
              client connected before the edit);
              hugo: the "Total in N ms" line it prints right before sending
              its livereload message (a lower bound of Hugo's real figure).
Between edits it waits --pause seconds, so that each edit meets an idle
server.  The file is restored at the end.  Median, min and max go to stdout
and, as one JSON line, to --results.
"""

import argparse
import http.client
import json
import os
import queue
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time


def reader(stream, lines):
    for line in iter(stream.readline, ""):
        lines.put((time.perf_counter(), line.rstrip("\n")))
    lines.put((time.perf_counter(), None))


def wait_line(lines, pattern, timeout, log):
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(pattern.pattern)
        try:
            t, line = lines.get(timeout=left)
        except queue.Empty:
            raise TimeoutError(pattern.pattern)
        if line is None:
            raise RuntimeError("the server exited; see " + log.name)
        log.write(line + "\n")
        m = pattern.search(line)
        if m:
            return t, m


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


class EventStream(threading.Thread):
    """Reads gongkai's server-sent events; records (time, generation)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.events = queue.Queue()
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Accept: text/event-stream\r\n\r\n")

    def run(self):
        buffer = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                m = re.search(rb'"generation":(\d+)', block)
                if m:
                    self.events.put((time.perf_counter(), int(m.group(1))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", choices=["gongkai", "hugo"], required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--bin", default=None, help="gongkai binary (default: gongkai on PATH)")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--pause", type=float, default=3.0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--results", default="serve-results.jsonl")
    a = ap.parse_args()

    site = os.path.abspath(a.site)
    content = os.path.join(site, "content")
    depts = sorted(d for d in os.listdir(content) if os.path.isdir(os.path.join(content, d)))
    if a.tool == "gongkai":
        folder = os.path.join(content, depts[0], "catalog")
    else:
        folder = os.path.join(content, depts[0])
    pages = sorted(f for f in os.listdir(folder) if f.endswith(".md") and f != "_index.md")
    target = os.path.join(folder, pages[len(pages) // 2])
    with open(target, "rb") as fh:
        original = fh.read()
    if a.tool == "gongkai":
        index_no = re.search(rb'^index_no = "([^"]+)"', original, re.M).group(1).decode()
        page_path = f"/items/{index_no}/"
    else:
        page_path = f"/{depts[0]}/{os.path.splitext(os.path.basename(target))[0].lower()}/"

    port = a.port
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    if a.tool == "gongkai":
        cmd = [a.bin or "gongkai", "serve", "--root", site, "--port", str(port)]
        ready = re.compile(r"^serving http://127\.0\.0\.1:(\d+)/")
        done = re.compile(r"rebuilt (\d+) items in (\d+) ms")
    else:
        cmd = ["hugo", "server", "--bind", "127.0.0.1", "--port", str(port), "--source", site]
        ready = re.compile(r"Web Server is available at \S*//(?:127\.0\.0\.1|localhost):(\d+)/")
        done = re.compile(r"Total in (\d+(?:\.\d+)?) ms")
    log_path = os.path.splitext(a.results)[0] + f".{a.tool}-{os.path.basename(site)}.log"
    lines = queue.Queue()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    threading.Thread(target=reader, args=(proc.stdout, lines), daemon=True).start()
    edits = []
    try:
        with open(log_path, "w", encoding="utf-8", buffering=1) as log:
            log.write("$ " + " ".join(cmd) + "\n")
            t_ready, m = wait_line(lines, ready, a.timeout, log)
            port = int(m.group(1))
            first_s = t_ready - started
            status, body = get(port, page_path)
            if status != 200:
                raise RuntimeError(f"GET {page_path}: {status}")
            stream = None
            if a.tool == "gongkai":
                stream = EventStream(port)
                stream.start()
                stream.events.get(timeout=10)  # the greeting with the current generation
            time.sleep(a.pause)
            for k in range(a.edits):
                while not lines.empty():  # keep the log, drop old lines
                    _, line = lines.get()
                    if line is not None:
                        log.write(line + "\n")
                marker = f"本页于基准测试中更新（第{k + 1}次，{time.time_ns()}）。"
                with open(target, "wb") as fh:
                    fh.write(original + f"\n\n{marker}\n".encode("utf-8"))
                t0 = time.perf_counter()
                deadline = time.monotonic() + a.timeout
                while True:
                    _, body = get(port, page_path)
                    if marker in body:
                        t_page = time.perf_counter()
                        break
                    if time.monotonic() > deadline:
                        raise TimeoutError("page never showed the edit")
                    time.sleep(0.005)
                if stream is not None:
                    t_event, _ = stream.events.get(timeout=a.timeout)
                else:
                    t_event, _ = wait_line(lines, done, a.timeout, log)
                edit = {"page_ms": round((t_page - t0) * 1000, 1),
                        "reload_ms": round((t_event - t0) * 1000, 1)}
                edits.append(edit)
                print(f"  edit {k + 1}: page {edit['page_ms']} ms, reload {edit['reload_ms']} ms",
                      file=sys.stderr)
                time.sleep(a.pause)
            hwm_kb = None
            with open(f"/proc/{proc.pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        hwm_kb = int(line.split()[1])
    finally:
        with open(target, "wb") as fh:
            fh.write(original)
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stats(key):
        values = [e[key] for e in edits]
        return {"median": statistics.median(values), "min": min(values), "max": max(values)}

    result = {
        "tool": a.tool, "site": site, "edited": os.path.relpath(target, site),
        "page": page_path, "edits": edits, "pause_s": a.pause,
        "first_build_ready_s": round(first_s, 2),
        "page_ms": stats("page_ms"), "reload_ms": stats("reload_ms"),
        "server_peak_rss_mb": round(hwm_kb / 1024, 1) if hwm_kb else None,
    }
    with open(a.results, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    p, r = result["page_ms"], result["reload_ms"]
    print(f"{a.tool} {os.path.basename(site)}: save→page served median {p['median']} ms "
          f"({p['min']}–{p['max']}), save→reload median {r['median']} ms ({r['min']}–{r['max']}); "
          f"ready after {result['first_build_ready_s']} s; peak RSS {result['server_peak_rss_mb']} MB")


if __name__ == "__main__":
    sys.exit(main())
