#!/usr/bin/python3
"""lkip_client — a client of lkipd written from docs/PROTOCOL.md alone (no lkip C code): a
third party's client, in another language, to show that the document is enough. It uses
Debian's python3-zmq and python3-protobuf, and the classes protoc generates from
proto/lkip.proto (make puts them in build/python/lkip_pb2.py; --pb-dir names that folder).

    lkip_client.py --endpoint tcp://127.0.0.1:7390 --server-key server.key.pub \\
        --key client.key --state last-seq.txt [--pb-dir build/python] ACTION...

Actions run in order, each printing one line (and one per event) on stdout:
    whoami                          "whoami NAME ROLE ORG"
    subscribe                       subscribe with the last seq of --state; "subscribed N"; then
                                    take the replay up to N, "event SEQ KIND step=S" each, ack it,
                                    "replayed K"
    step INSTANCE STEP ACTION NOTE  ACTION done|approve|return; "reply step STATUS CODE"
    repeat                          the last step again, same request_id: "reply repeat STATUS
                                    CODE same|different" (same: the reply is byte for byte the
                                    first one)
    wait KIND                       live events ("event ..." each, acknowledged) until one of KIND
The last seq held is written to --state after every acknowledgement. Exit status: 0 done, 1 the
daemon broke the protocol, 2 usage, 3 no answer or the handshake was refused.
"""

import argparse
import os
import random
import sys
import time

import zmq

TIMEOUT_MS = 10000   # per request
KEEPALIVE_S = 5      # PROTOCOL.md: an ack at least every keepalive_ms of the subscribe reply
                     # (this when it says 0: an older daemon)


class ProtocolError(Exception):
    pass


class NoAnswer(Exception):
    pass


def read_key_file(path):
    """PROTOCOL.md, "Key files": `name = value` lines, '#' comments, 40 Z85 characters."""
    keys = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, value = line.partition("=")
            name, value = name.strip(), value.strip()
            if sep != "=" or name not in ("public-key", "secret-key") or len(value) != 40:
                raise ValueError("%s: not a key file line: %r" % (path, line))
            keys[name] = value
    if "public-key" not in keys:
        raise ValueError("%s: no public-key" % path)
    return keys


class Client:
    def __init__(self, pb, endpoint, server_public, public, secret):
        self.pb = pb
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.DEALER)  # PROTOCOL.md: DEALER, never REQ
        self.sock.curve_serverkey = server_public.encode()
        self.sock.curve_publickey = public.encode()
        self.sock.curve_secretkey = secret.encode()
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.HEARTBEAT_IVL, 10000)
        self.sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, 10000)
        self.sock.setsockopt(zmq.MAXMSGSIZE, 1114112)
        self.monitor = self.sock.get_monitor_socket(zmq.EVENT_HANDSHAKE_FAILED_AUTH)
        self.sock.connect(endpoint)
        self.events = []        # events that came while waiting for a reply
        self.held = 0           # every event up to this seq is held
        self.last_sent = 0.0    # time of the last message sent (keepalive)
        self.keepalive_s = KEEPALIVE_S

    def close(self):
        self.sock.disable_monitor()
        self.monitor.close()
        self.sock.close()
        self.ctx.term()

    def send(self, env):
        self.sock.send(env.SerializeToString())  # one frame, no delimiter
        self.last_sent = time.monotonic()

    def receive(self, timeout_ms):
        """The next envelope, or None after timeout_ms; a refused handshake raises NoAnswer."""
        poller = zmq.Poller()
        poller.register(self.sock, zmq.POLLIN)
        poller.register(self.monitor, zmq.POLLIN)
        ready = dict(poller.poll(timeout_ms))
        if self.monitor in ready:
            frames = self.monitor.recv_multipart()
            status = int.from_bytes(frames[0][2:6], "little")
            raise NoAnswer("handshake refused (ZAP status %d)" % status)
        if self.sock not in ready:
            return None
        return self.pb.Envelope.FromString(self.sock.recv())

    def request(self, which, request_id=None, **fields):
        """Builds the envelope of a request: a fresh random non-zero request_id unless given."""
        env = self.pb.Envelope(request_id=request_id or random.getrandbits(64) or 1)
        body = getattr(env, which)
        body.SetInParent()
        for name, value in fields.items():
            setattr(body, name, value)
        return env

    def call(self, env):
        """Sends env and returns its Reply; events that come first are kept for later. A reply
        with request_id 0 answers it too (a frame the daemon could not read an id from)."""
        self.send(env)
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            left = int((deadline - time.monotonic()) * 1000)
            got = self.receive(max(left, 0)) if left > 0 else None
            if got is None:
                raise NoAnswer("no reply to request %d" % env.request_id)
            body = got.WhichOneof("body")
            if body == "event":
                self.events.append(got.event)
            elif body == "reply" and got.request_id in (env.request_id, 0):
                return got.reply
            elif body != "reply":
                raise ProtocolError("the daemon sent a %s" % body)
            # else: a late reply to an earlier request

    def ack(self):
        env = self.pb.Envelope(request_id=0)
        env.ack.seq = self.held
        self.send(env)  # never answered

    def next_event(self, timeout_s):
        """The next new event in seq order, or None. Duplicates (seq already held) are dropped,
        as PROTOCOL.md asks; an event past a gap waits for its resend."""
        deadline = time.monotonic() + timeout_s
        while True:
            while self.events:
                ev = self.events.pop(0)
                if ev.seq == self.held + 1:
                    return ev
            if time.monotonic() - self.last_sent >= self.keepalive_s:
                self.ack()  # keeps the session alive
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            got = self.receive(int(min(left, self.keepalive_s) * 1000))
            if got is None:
                continue
            if got.WhichOneof("body") != "event" or got.request_id != 0:
                raise ProtocolError("unasked %s" % got.WhichOneof("body"))
            self.events.append(got.event)


def out(line):
    print(line, flush=True)


def show_event(ev):
    out("event %d %s step=%d due=%d%s" % (ev.seq, ev.kind, ev.step_no, ev.due_at,
                                         " as=" + ev.recipient_capacity
                                         if ev.recipient_capacity else ""))


def save_state(path, seq):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % seq)
    os.replace(tmp, path)


def take(client, state, ev):
    show_event(ev)
    client.held = ev.seq
    client.ack()
    save_state(state, client.held)


def run(args, pb):
    server = read_key_file(args.server_key)
    mine = read_key_file(args.key)
    if "secret-key" not in mine:
        raise ValueError("%s: no secret-key" % args.key)
    c = Client(pb, args.endpoint, server["public-key"], mine["public-key"], mine["secret-key"])
    if os.path.exists(args.state):
        with open(args.state) as f:
            c.held = int(f.read().strip() or 0)
    last_step = None
    first_reply = None
    actions = list(args.actions)
    try:
        while actions:
            a = actions.pop(0)
            if a == "whoami":
                r = c.call(c.request("whoami"))
                if r.status != 200 or r.WhichOneof("payload") != "user":
                    raise ProtocolError("whoami: %d %s" % (r.status, r.code))
                out("whoami %s %s %s" % (r.user.name, r.user.role, r.user.org_code))
            elif a == "subscribe":
                r = c.call(c.request("subscribe", last_seq=c.held))
                if r.status != 200 or r.WhichOneof("payload") != "subscribed":
                    raise ProtocolError("subscribe: %d %s" % (r.status, r.code))
                server_last = r.subscribed.last_seq
                if r.subscribed.keepalive_ms:
                    c.keepalive_s = r.subscribed.keepalive_ms / 1000
                out("subscribed %d" % server_last)
                if server_last < c.held:  # the daemon has less: start over from it
                    c.held = server_last
                n = 0
                while c.held < server_last:
                    ev = c.next_event(TIMEOUT_MS / 1000)
                    if ev is None:
                        raise NoAnswer("replay stopped at seq %d of %d" % (c.held, server_last))
                    take(c, args.state, ev)
                    n += 1
                out("replayed %d" % n)
            elif a == "step":
                instance, step_no, action, note = actions[:4]
                del actions[:4]
                kind = {"done": pb.DONE, "approve": pb.APPROVE, "return": pb.RETURN}[action]
                last_step = c.request("step", instance=instance, step_no=int(step_no),
                                      action=kind, note=note)
                r = c.call(last_step)
                first_reply = r.SerializeToString()
                out("reply step %d %s" % (r.status, r.code))
            elif a == "repeat":
                if last_step is None:
                    raise ValueError("repeat before any step")
                r = c.call(last_step)  # the same request_id: the stored reply comes back
                out("reply repeat %d %s %s" % (r.status, r.code, "same"
                                               if r.SerializeToString() == first_reply
                                               else "different"))
            elif a == "wait":
                kind = actions.pop(0)
                while True:
                    ev = c.next_event(TIMEOUT_MS / 1000)
                    if ev is None:
                        raise NoAnswer("no %s event" % kind)
                    take(c, args.state, ev)
                    if ev.kind == kind:
                        break
            else:
                raise ValueError("unknown action %r" % a)
    finally:
        c.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--server-key", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--pb-dir", default=os.path.join("build", "python"))
    p.add_argument("actions", nargs="+")
    args = p.parse_args()
    sys.path.insert(0, args.pb_dir)
    import lkip_pb2
    try:
        run(args, lkip_pb2)
    except (ValueError, IndexError) as e:
        out("error usage %s" % e)
        return 2
    except ProtocolError as e:
        out("error protocol %s" % e)
        return 1
    except NoAnswer as e:
        out("error no_answer %s" % e)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
