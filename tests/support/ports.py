"""free_port(): a TCP port on 127.0.0.1 for a test server to listen on.

A port the kernel picks (bind to port 0) lies in the ephemeral range
(/proc/sys/net/ipv4/ip_local_port_range, 32768-60999 by default), the range
outgoing connections take their local ports from: another test's connection
can take it between our check and the server's bind ("cannot listen on
127.0.0.1:NNNNN"). So the port is chosen at random in 20000-31999, below that
range (as tests/browser/harness.mjs does), and only if nothing listens there.

Parallel tests (ctest -j) cannot get the same port: each port handed out is
held with an flock on $TMPDIR/statuscast-test-ports/<port> until the process
exits (the kernel drops the lock then, even on a kill), and a port whose lock
another process holds is skipped. The lock files are empty and stay (at most
one per port in the range): removing one could let two processes lock two
different files of the same name. tests/support/pg_cluster.cc (FreeTcpPort)
follows the same rule, so C++ and Python tests never collide.

Run as a script, prints one port (for shell scripts; the lock ends with it).
"""
import fcntl
import os
import random
import socket
import tempfile

LOW, HIGH = 20000, 32000  # [LOW, HIGH): below the kernel's ephemeral range
_held = {}  # port -> fd of its lock file, open for the life of the process


def _lock_dir():
    path = os.path.join(tempfile.gettempdir(), "statuscast-test-ports")
    os.makedirs(path, exist_ok=True)
    try:
        os.chmod(path, 0o1777)  # shared by root and non-root test runs
    except PermissionError:
        pass  # someone else's: already 1777
    return path


def _nobody_listens(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        s.listen(1)
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_port():
    """A port in [LOW, HIGH) that nothing listens on and no other test
    process (holding the port's lock) was given."""
    lock_dir = _lock_dir()
    for _ in range(2000):
        port = random.randrange(LOW, HIGH)
        if port in _held:
            continue
        fd = os.open(os.path.join(lock_dir, str(port)), os.O_RDONLY | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # another test process holds it
            continue
        if _nobody_listens(port):
            _held[port] = fd
            return port
        os.close(fd)
    raise RuntimeError("no free port in %d-%d" % (LOW, HIGH - 1))


if __name__ == "__main__":
    print(free_port())
