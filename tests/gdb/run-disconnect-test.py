#!/usr/bin/env python3
"""gdb going away must never take mimic down: raw protocol sessions that send malformed
packets and then drop the connection (while the guest is stopped, while it runs, and
after a Ctrl-C).  In each case the guest must run on to its normal end: count.c prints
"total=30 counter=5" (0+1+4+9+16 = 30, five iterations) and exits with 0.

usage: run-disconnect-test.py --mimic PATH --engine ENGINE --src DIR --work DIR
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time

SKIP = 77
CC = "riscv64-linux-gnu-gcc"


def frame(payload):
    data = payload.encode("latin-1")
    return b"$" + data + b"#" + ("%02x" % (sum(data) % 256)).encode()


def read_reply(sock, timeout=30):
    """Skip acks, return the payload of the next packet (or None on close / timeout)."""
    sock.settimeout(timeout)
    buf = b""
    try:
        while True:
            c = sock.recv(1)
            if not c:
                return None
            if c in (b"+", b"-") and not buf:
                continue
            buf += c
            if len(buf) >= 3 and buf[-3:-2] == b"#":
                start = buf.index(b"$")
                return buf[start + 1:-3].decode("latin-1")
    except (socket.timeout, ConnectionResetError):
        return None


def session(sock_path, scenario):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(200):
        try:
            s.connect(sock_path)
            break
        except OSError:
            time.sleep(0.05)
    else:
        return "cannot connect"
    s.sendall(frame("qSupported:swbreak+"))
    r = read_reply(s)
    if r is None or "PacketSize" not in r:
        return f"qSupported answered {r!r}"
    # Malformed and hostile input: each must be answered (or NAKed), never crash the stub.
    s.sendall(b"$m1000#00")                     # bad checksum: '-' expected, no reply
    for bad in ["mzz", "M0,4:zz", "Z0", "vCont;x", "p", "Hgzz", "qXfer:features:read:x:zz",
                "X0,ffffffff:", "G1", "vFile:open:zz"]:
        s.sendall(frame(bad))
        if read_reply(s) is None:
            return f"no answer to {bad!r}"
    s.sendall(frame("?"))
    r = read_reply(s)
    if r is None or not r.startswith("T05"):
        return f"'?' answered {r!r}"
    if scenario == "stopped":
        s.close()
    elif scenario == "running":
        s.sendall(frame("vCont;c"))
        time.sleep(0.01)
        s.close()
    elif scenario == "interrupt":
        # One write: the guest may finish before a separate Ctrl-C write, and mimic closes
        # the connection after W00, so a second write could meet a closed socket.
        s.sendall(frame("vCont;c") + b"\x03")
        r = read_reply(s)
        # Either the interrupt stopped it (T02) or the guest had already ended (W00).
        if r is None or not (r.startswith("T02") or r == "W00"):
            return f"Ctrl-C answered {r!r}"
        s.shutdown(socket.SHUT_RDWR)
        s.close()
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    if shutil.which(CC) is None:
        print(f"SKIP: {CC} not installed (apt-get install gcc-riscv64-linux-gnu)")
        sys.exit(SKIP)
    work = os.path.join(a.work, "disconnect-" + a.engine)
    os.makedirs(work, exist_ok=True)
    prog = os.path.join(work, "count-static")
    subprocess.run([CC, "-g", "-O0", "-static", "-o", prog, os.path.join(a.src, "count.c")], check=True)
    failures = []
    for scenario in ["stopped", "running", "interrupt"]:
        sock = os.path.join(work, scenario + ".sock")
        if os.path.exists(sock):
            os.unlink(sock)
        guest = subprocess.Popen([a.mimic, "run", f"--engine={a.engine}", "-g", sock, prog],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        problem = session(sock, scenario)
        try:
            out, err = guest.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            guest.kill()
            out, err = guest.communicate()
            problem = (problem or "") + " mimic did not finish after the disconnect"
        out = out.decode(errors="replace")
        if problem is None and (guest.returncode != 0 or "total=30 counter=5" not in out):
            problem = f"status {guest.returncode}, stdout {out!r}, stderr {err.decode(errors='replace')!r}"
        if problem:
            failures.append(f"{scenario}: {problem}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print(f"PASS: disconnects ({a.engine})")


if __name__ == "__main__":
    main()
