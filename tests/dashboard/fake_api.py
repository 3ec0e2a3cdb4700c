#!/usr/bin/python3
"""A stand-in for the broker's monitoring HTTP server.

Serves the dashboard's static files at / and the JSON API described in
broker/monitoring/dashboard/API.md, backed by a small in-memory simulation
(queues fill and drain, counters grow, rejections and dead letters appear).
Python 3 standard library only.

    fake_api.py PORT [--static DIR] [--seed N] [--fault NAME ...] [--verbose]

Binds to 127.0.0.1. PORT 0 picks a free port. The first line on stdout is the
port number (then nothing else is written to stdout).

Fixed data the browser test can rely on (also printed to stderr at start):
  queue TRACE/GROWING_QUEUE  "hh-gewerbeamt", its depth grows by about 2 per second
  TRACE_UUID                 a delivered message with a complete trace
  DEAD_LETTER_UUIDS          messages that are dead letters at start

Faults, to show that the browser test notices when something is wrong:
  replay-error    replay answers 409 {"error": ...} and changes nothing
  replay-noop     replay answers 200 but the dead letter stays
  trace-empty     every known trace answers 200 with no events
  overview-error  /api/overview answers 503
"""

import argparse
import collections
import json
import os
import random
import re
import signal
import sys
import threading
import time
import uuid as uuidlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

VERSION = "0.1.0"
GROWING_QUEUE = "hh-gewerbeamt"
TRACE_UUID = "0b7c4a2e-5d1f-4e8a-9c3b-6f2d8e1a7b40"
DEAD_LETTER_UUIDS = [
    "5e9a1c7d-3b2f-4d6e-8a1c-2f7b9d3e6a51",
    "a3c8e0f2-7b14-4c59-9d2e-1f6a8b3c5d70",
]
FAULTS = ("replay-error", "replay-noop", "trace-empty", "overview-error")

DEFAULT_STATIC = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "broker", "monitoring", "dashboard"))

STEP_MS = 100
MAX_TRACES = 3000
MAX_REJECTIONS = 50

PORTALS = ["psw:01000001", "psw:02000001", "psw:09000001"]

# name: (arrivals per s, consumers, settled per s per consumer, initial backlog, backlog age s)
QUEUES = {
    "hh-gewerbeamt": (9.0, 1, 7.0, 12, 20),          # slow back-end: grows ~2/s
    "hh-meldeamt": (6.0, 2, 4.0, 0, 0),
    "sh-kiel-buergeramt": (0.3, 0, 0.0, 5, 420),     # back-end offline
    "by-muenchen-kvr": (4.0, 1, 6.0, 0, 0),
}

REJECTIONS = [
    ("SCHEMA_INVALID", "line 41: element '{urn:xoev-de:ozgbus:gewerbe:2.0}betriebsstaette': "
                       "missing child element 'anschrift'"),
    ("SCHEMA_INVALID", "line 17: '2024-13-01' is not a valid value of the atomic type 'xs:date' "
                       "(element 'gruendungsdatum')"),
    ("XML_MALFORMED", "line 88, column 12: Opening and ending tag mismatch: person line 60 and antrag"),
    ("XML_HOSTILE", "DOCTYPE declarations are not allowed (byte offset 39)"),
    ("NO_ROUTE", "no route for reader 'ars:010020000000' and service 99050012104000"),
    ("HEADER_INVALID", "nachrichtenkopf.g2g/identifikation.nachricht/nachrichtenUUID: "
                       "'1234' is not a UUID"),
    ("SIGNATURE_INVALID", "the digest of Reference URI=\"\" does not match (document changed after signing)"),
    ("CERT_EXPIRED", "certificate 'CN=Portal SH Test,O=Land Schleswig-Holstein' expired on 2025-01-31"),
    ("RATE_LIMITED", "over 50 submissions per second; retry in 120 ms"),
    ("TOO_LARGE", "payload 12582912 bytes > limits.max_message_bytes 10485760"),
]


def now_ms():
    return int(time.time() * 1000)


class Simulation:
    def __init__(self, seed, faults):
        self.rng = random.Random(seed)
        self.faults = set(faults)
        self.lock = threading.Lock()
        t = now_ms()
        self.t = t
        self.started_at_ms = t - 3 * 3600 * 1000 - 17 * 60 * 1000
        self.totals = {"submitted": 148_213, "accepted": 142_977, "rejected": 5_236,
                       "delivered": 142_601, "redelivered": 311, "dead_lettered": 7}
        self.queues = {}
        for name, (arr, cons, rate, backlog, age_s) in QUEUES.items():
            q = {"name": name, "arrival": arr, "consumers": cons, "rate": rate,
                 "items": collections.deque(), "dead_letters": 0, "credit_used": 0}
            for i in range(backlog):
                q["items"].append((t - age_s * 1000 + i * 900, None))
            self.queues[name] = q
        self.participants = [
            {"id": "psw:02000001", "role": "portal", "connected_at_ms": t - 3 * 3600 * 1000 - 12 * 60 * 1000},
            {"id": "psw:01000001", "role": "portal", "connected_at_ms": t - 2 * 3600 * 1000 - 5 * 60 * 1000},
            {"id": "psw:09000001", "role": "portal", "connected_at_ms": t - 41 * 60 * 1000},
            {"id": "hh-gewerbeamt", "role": "backend", "connected_at_ms": t - 3 * 3600 * 1000},
            {"id": "hh-meldeamt", "role": "backend", "connected_at_ms": t - 55 * 60 * 1000},
            {"id": "hh-meldeamt", "role": "backend", "connected_at_ms": t - 54 * 60 * 1000},
            {"id": "by-muenchen-kvr", "role": "backend", "connected_at_ms": t - 9 * 60 * 1000},
            {"id": "ozgbus-node-b", "role": "peer", "connected_at_ms": t - 3 * 3600 * 1000},
            {"id": "ops-monitor", "role": "observer", "connected_at_ms": t - 20 * 60 * 1000},
        ]
        self.rejections = collections.deque(maxlen=MAX_REJECTIONS)
        self.traces = collections.OrderedDict()
        self.dead_letters = collections.OrderedDict()    # id -> record
        self.next_dlq_id = 101

        self._seed_history(t)

    # ------------------------------------------------------------ helpers

    def _uuid(self):
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    def _trace(self, uuid, at, event, detail):
        ev = self.traces.get(uuid)
        if ev is None:
            ev = self.traces[uuid] = []
            while len(self.traces) > MAX_TRACES:
                self.traces.popitem(last=False)
        ev.append({"at_ms": at, "event": event, "detail": detail})

    def _accept_trace(self, uuid, at, sender, queue):
        steps = [
            ("received", f"SUBMIT from {sender}, 18 734 bytes"),
            ("verified", f"XML signature valid (RSA-SHA256), signer CN={sender}"),
            ("validated", "schema urn:xoev-de:ozgbus:gewerbe 1.0"),
            ("routed", f"reader ARS 020000000000 / service 99050012104000 -> queue {queue}"),
            ("adapted", "adapter hamburg: gewerbe 1.0 -> 2.0"),
            ("validated", "schema urn:xoev-de:ozgbus:gewerbe 2.0"),
            ("signed", "intermediary signature by CN=ozgbus broker"),
            ("stored", f"queue {queue}, durable"),
        ]
        for i, (ev, detail) in enumerate(steps):
            self._trace(uuid, at + i * 2 + self.rng.randint(0, 1), ev, detail)

    def _settle_trace(self, uuid, at, queue):
        self._trace(uuid, at, "delivered", f"to {queue} (attempt 1)")
        self._trace(uuid, at + 35, "acked", f"by {queue}")
        self._trace(uuid, at + 41, "receipt_sent", "Quittung 0900 (delivered) to portal")

    def _add_dead_letter(self, at, queue, uuid=None, attempts=5):
        uuid = uuid or self._uuid()
        sender = self.rng.choice(PORTALS)
        t0 = at - attempts * 30_100 - 200
        self._accept_trace(uuid, t0, sender, queue)
        for a in range(1, attempts + 1):
            t = t0 + 50 + (a - 1) * 30_100
            self._trace(uuid, t, "delivered", f"to {queue} (attempt {a})")
            self._trace(uuid, t + 30_000, "nacked", f"attempt {a}: ack timeout after 30000 ms")
        detail = f"{attempts} delivery attempts failed; last: ack timeout after 30000 ms"
        self._trace(uuid, at, "dead_lettered", detail)
        rec = {"id": self.next_dlq_id, "message_uuid": uuid, "queue": queue,
               "reason": "MAX_ATTEMPTS", "detail": detail, "at_ms": at}
        self.dead_letters[rec["id"]] = rec
        self.next_dlq_id += 1
        self.queues[queue]["dead_letters"] += 1
        return rec

    def _seed_history(self, t):
        self._accept_trace(TRACE_UUID, t - 92_000, "psw:02000001", GROWING_QUEUE)
        self._settle_trace(TRACE_UUID, t - 91_950, GROWING_QUEUE)
        self._add_dead_letter(t - 50 * 60 * 1000, "by-muenchen-kvr", DEAD_LETTER_UUIDS[0])
        self._add_dead_letter(t - 12 * 60 * 1000, "sh-kiel-buergeramt", DEAD_LETTER_UUIDS[1])
        self._add_dead_letter(t - 4 * 60 * 1000, "by-muenchen-kvr")
        for i in range(8):
            self._reject(t - (8 - i) * 47_000)

    def _reject(self, at):
        reason, detail = self.rng.choice(REJECTIONS)
        sender = self.rng.choice(PORTALS)
        uuid = "" if reason in ("XML_MALFORMED", "XML_HOSTILE", "TOO_LARGE") else self._uuid()
        if uuid:
            self._trace(uuid, at - 3, "received", f"SUBMIT from {sender}")
            self._trace(uuid, at, "rejected", f"{reason}: {detail}")
        self.rejections.appendleft({"at_ms": at, "message_uuid": uuid, "sender": sender,
                                    "reason": reason, "detail": detail})

    @staticmethod
    def _count(rng, expected):
        """Stochastic rounding: an integer with the given mean."""
        n = int(expected)
        return n + (1 if rng.random() < expected - n else 0)

    # ------------------------------------------------------------ simulation

    def advance(self):
        target = now_ms()
        if target - self.t > 600_000:          # asleep for long: do not replay hours
            self.t = target - 600_000
        rng = self.rng
        while self.t + STEP_MS <= target:
            self.t += STEP_MS
            t = self.t
            dt = STEP_MS / 1000
            for q in self.queues.values():
                arrivals = self._count(rng, q["arrival"] * dt)
                for _ in range(arrivals):
                    uuid = None
                    if rng.random() < 0.1:
                        uuid = self._uuid()
                        self._accept_trace(uuid, t - 20, rng.choice(PORTALS), q["name"])
                    q["items"].append((t, uuid))
                self.totals["submitted"] += arrivals
                self.totals["accepted"] += arrivals
                rate = q["rate"] * q["consumers"]
                if len(q["items"]) > 5000:
                    rate *= 2                  # the back-end's operators noticed
                settled = min(len(q["items"]), self._count(rng, rate * dt))
                for _ in range(settled):
                    _, uuid = q["items"].popleft()
                    if uuid:
                        self._settle_trace(uuid, t - 40, q["name"])
                self.totals["delivered"] += settled
                q["credit_used"] = min(len(q["items"]), q["consumers"] * rng.randint(2, 8))
                if q["consumers"] and rng.random() < 0.002:
                    self.totals["redelivered"] += 1
            if rng.random() < 0.045 * 20 * dt:       # ~4 % of ~20 submissions/s
                self.totals["submitted"] += 1
                self.totals["rejected"] += 1
                self._reject(t)
            if rng.random() < dt / 40:               # a new dead letter every ~40 s
                self._add_dead_letter(t, "by-muenchen-kvr")
                self.totals["dead_lettered"] += 1

    # ------------------------------------------------------------ API

    def overview(self):
        t = self.t
        queues = []
        for q in self.queues.values():
            items = q["items"]
            queues.append({
                "name": q["name"],
                "depth": len(items),
                "in_flight": q["credit_used"],
                "dead_letters": q["dead_letters"],
                "consumers": q["consumers"],
                "oldest_age_ms": (t - items[0][0]) if items else None,
            })
        return {
            "broker": {"version": VERSION, "started_at_ms": self.started_at_ms, "now_ms": t},
            "totals": dict(self.totals),
            "queues": queues,
            "participants": [dict(p) for p in self.participants],
            "recent_rejections": list(self.rejections),
        }

    def trace(self, uuid):
        events = self.traces.get(uuid.lower())
        if events is None:
            return 404, {"error": f"no message with id {uuid} is known to this broker"}
        if "trace-empty" in self.faults:
            events = []
        return 200, {"message_uuid": uuid.lower(), "events": sorted(events, key=lambda e: e["at_ms"])}

    def dead_letter_list(self):
        recs = sorted(self.dead_letters.values(), key=lambda r: (r["at_ms"], r["id"]), reverse=True)
        return {"dead_letters": [dict(r) for r in recs]}

    def dead_letter_action(self, dlq_id, action):
        rec = self.dead_letters.get(dlq_id)
        if rec is None:
            return 404, {"error": f"dead letter {dlq_id} does not exist (already replayed or discarded?)"}
        q = self.queues[rec["queue"]]
        if action == "replay":
            if "replay-error" in self.faults:
                return 409, {"error": f"dead letter {dlq_id} cannot be replayed: queue {q['name']} is paused"}
            if "replay-noop" in self.faults:
                return 200, {"result": f"dead letter {dlq_id} replayed (fake: nothing changed)"}
            del self.dead_letters[dlq_id]
            q["dead_letters"] -= 1
            q["items"].append((self.t, rec["message_uuid"]))
            self._trace(rec["message_uuid"], self.t, "replayed",
                        f"dead letter {dlq_id} replayed by operator into queue {q['name']}; attempts reset")
            return 200, {"result": f"dead letter {dlq_id} replayed: message {rec['message_uuid']} "
                                   f"is queued again in {q['name']}"}
        del self.dead_letters[dlq_id]
        q["dead_letters"] -= 1
        self._trace(rec["message_uuid"], self.t, "discarded", f"dead letter {dlq_id} discarded by operator")
        return 200, {"result": f"dead letter {dlq_id} discarded; message {rec['message_uuid']} "
                               "will not be delivered"}


CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".md": "text/plain; charset=utf-8",
}

# What the broker should send with the page, too (API.md): the dashboard runs
# under this policy, so nothing inline and nothing from elsewhere sneaks in.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

TRACE_RE = re.compile(r"^/api/messages/([^/]+)/trace$")
ACTION_RE = re.compile(r"^/api/dead-letters/([^/]+)/(replay|discard)$")


def make_handler(sim, static_dir, verbose):
    static_root = os.path.realpath(static_dir)

    class Handler(BaseHTTPRequestHandler):
        server_version = "ozgbus-fake-api"
        sys_version = ""

        def log_message(self, fmt, *args):
            if verbose:
                sys.stderr.write("fake_api: " + (fmt % args) + "\n")

        def _send(self, status, body, ctype, extra=None):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status, obj, extra=None):
            self._send(status, json.dumps(obj).encode(), "application/json", extra)

        def _static(self, path):
            rel = "index.html" if path in ("", "/") else unquote(path).lstrip("/")
            if any(part in ("", ".", "..") or part.startswith(".") for part in rel.split("/")):
                return self._send(404, b"not found\n", "text/plain; charset=utf-8")
            full = os.path.realpath(os.path.join(static_root, rel))
            if not full.startswith(static_root + os.sep) or not os.path.isfile(full):
                return self._send(404, b"not found\n", "text/plain; charset=utf-8")
            with open(full, "rb") as f:
                body = f.read()
            ctype = CONTENT_TYPES.get(os.path.splitext(full)[1], "application/octet-stream")
            self._send(200, body, ctype, {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"})

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = urlsplit(self.path).path
            if not path.startswith("/api/"):
                return self._static(path)
            with sim.lock:
                sim.advance()
                if path == "/api/overview":
                    if "overview-error" in sim.faults:
                        return self._json(503, {"error": "store unavailable (fake fault overview-error)"})
                    return self._json(200, sim.overview())
                if path == "/api/dead-letters":
                    return self._json(200, sim.dead_letter_list())
                m = TRACE_RE.match(path)
                if m:
                    uuid = unquote(m.group(1))
                    if not re.fullmatch(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", uuid):
                        return self._json(400, {"error": f"'{uuid}' is not a UUID"})
                    return self._json(*sim.trace(uuid))
                if ACTION_RE.match(path):
                    return self._json(405, {"error": "use POST"}, {"Allow": "POST"})
            return self._json(404, {"error": f"no such endpoint: {path}"})

        def do_POST(self):
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(min(length, 65536))
            m = ACTION_RE.match(path)
            if not m:
                return self._json(404, {"error": f"no such endpoint: {path}"})
            if self.headers.get("X-Ozgbus-Dashboard") != "1":
                return self._json(403, {"error": "missing header X-Ozgbus-Dashboard: 1"})
            if not m.group(1).isdigit():
                return self._json(404, {"error": f"dead letter '{unquote(m.group(1))}' does not exist"})
            with sim.lock:
                sim.advance()
                return self._json(*sim.dead_letter_action(int(m.group(1)), m.group(2)))

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("port", type=int, help="TCP port on 127.0.0.1; 0 picks a free one")
    ap.add_argument("--static", default=DEFAULT_STATIC, help="folder served at / (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="random seed of the simulation")
    ap.add_argument("--fault", action="append", default=[], choices=FAULTS, help="inject a fault (repeatable)")
    ap.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = ap.parse_args()

    if not os.path.isfile(os.path.join(args.static, "index.html")):
        ap.error(f"no index.html in {args.static}")
    sim = Simulation(args.seed, args.fault)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(sim, args.static, args.verbose))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    sys.stderr.write(
        f"fake_api: http://127.0.0.1:{server.server_address[1]}/  static {args.static}\n"
        f"fake_api: queue {GROWING_QUEUE} (grows), trace {TRACE_UUID}, "
        f"dead letters {', '.join(DEAD_LETTER_UUIDS)}"
        f"{', faults ' + ', '.join(args.fault) if args.fault else ''}\n")
    sys.stderr.flush()

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
