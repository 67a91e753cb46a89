#!/usr/bin/env python3
"""An Aviary remote plugin in Python, standard library only.

It verifies each request's signature, counts each person's messages in its state, answers
/count, and schedules a call-back for /remind. Run it, then name it in a bot's manifest:

    python3 plugin.py --port 9100 --secret-file secrets/counter.key

    plugins:
      - remote: {name: counter, url: "http://127.0.0.1:9100/hook", secret_file: secrets/counter.key}

The protocol is docs/remote-plugin-protocol.yaml (served by the host at
/api/v1/remote-plugin-protocol.yaml).
"""
import argparse
import hashlib
import hmac
import json
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20
MAX_SKEW = 300  # seconds a request's timestamp may be off


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """The protocol's signature: HMAC-SHA256 over "<timestamp>.<body>"."""
    return "v1=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def answer_update(request: dict) -> dict:
    """Counts the person's messages; answers /count and /remind, and every other text."""
    message = request.get("update", {}).get("message")
    if not message or "text" not in message:
        return {"disposition": "passed"}
    count = request["state"]["person"].get("count", 0) + 1
    state = {"person": {"set": {"count": count}}}
    command = message.get("command") or {}
    if command.get("name") == "count":
        text = f"You have written {count} messages."
    elif command.get("name") == "remind":
        what = command.get("arguments") or "something"
        schedule = {"kind": "schedule", "key": "remind", "at": time.time() + 1, "payload": what}
        reply = {"kind": "reply", "text": f"I will remind you of {what}."}
        return {"disposition": "handled", "actions": [reply, schedule], "state": state}
    else:
        text = f"#{count} {message['text']}"
    return {"disposition": "handled", "actions": [{"kind": "reply", "text": text}], "state": state}


def answer_job(request: dict) -> dict:
    """A call-back scheduled by /remind came due."""
    job = request["job"]
    text = f"Reminder: {job['payload']}"
    return {"disposition": "handled", "actions": [{"kind": "send", "chat_id": job["chat_id"], "text": text}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the host reuses its connections
    secret = b""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.respond(413, b"")
        body = self.rfile.read(length)
        timestamp = self.headers.get("Aviary-Timestamp", "")
        given = self.headers.get("Aviary-Signature", "")
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= MAX_SKEW
        if not fresh or not hmac.compare_digest(given, signature(self.secret, timestamp, body)):
            return self.respond(401, b"")
        request = json.loads(body)
        answer = answer_job(request) if request["event"] == "job" else answer_update(request)
        data = json.dumps(answer).encode()
        self.respond(200, data, {"Content-Type": "application/json",
                                 "Aviary-Signature": signature(self.secret, timestamp, data)})

    def respond(self, status, data, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9100, help="0 picks a free port")
    parser.add_argument("--secret-file", required=True)
    options = parser.parse_args()
    # A supervisor may start us with signals blocked; SIGTERM must still end the plugin.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    with open(options.secret_file, "rb") as file:
        Handler.secret = file.read().strip()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
