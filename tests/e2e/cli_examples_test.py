#!/usr/bin/python3
"""Every statuscastctl example a user is shown runs, as written, against real
statuscast-comms and statuscast-banner processes over a fresh PostgreSQL
database (tokens required, as deployed):

- the ```sh block under "## Using statuscastctl" in README.md, read from the
  README itself so the two cannot drift;
- the "e.g." example of every command's `statuscastctl help COMMAND`.

Only the documented placeholders are substituted: INC-n (the reference
`declare` printed), MNT-n (the one `maintenance schedule` printed) and ID
(the number `banner create` printed; in `approve` and `reject`, the number
the last `draft` printed). An example
whose comment says "# exit N" must exit N, every other one 0; `watch` runs
until a SIGINT (its Ctrl-C) and must then exit 0.

Usage: cli_examples_test.py BUILD_DIR SOURCE_DIR  (needs STATUSCAST_TEST_DATABASE_URL)
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BUILD_DIR, SOURCE_DIR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402
from fault_support import free_port  # noqa: E402,F401
CTL = os.path.join(BUILD_DIR, "services/ctl/statuscastctl")


def wait_port(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("service exited with %s" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("port %d never opened" % port)


def commands(script):
    """Shell commands of a block: continuation lines joined, comment-only and
    blank lines dropped. Each is (text, expected exit code): "# exit N" on
    the command's line, or on a comment line right below it, says N."""
    out, current = [], ""
    for line in script.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            m = re.match(r"\s*#\s*exit\s+(\d+)\b", line)
            if m and out:
                out[-1] = (out[-1][0], int(m.group(1)))
            continue
        current += line
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        m = re.search(r"#\s*exit\s+(\d+)\b", current)
        out.append((current.strip(), int(m.group(1)) if m else 0))
        current = ""
    return out


def readme_block():
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n## Using statuscastctl\n", 1)[1].split("\n## ", 1)[0]
    m = re.search(r"```sh\n(.*?)```", section, re.S)
    assert m, "no ```sh block under ## Using statuscastctl"
    return m.group(1)


class Stack:
    """A fresh database, both services with tokens required, an admin token."""

    def __init__(self):
        self.db = fs.TestDatabase("statuscast_cli_")
        url = self.db.url
        self.dir = tempfile.mkdtemp(prefix="statuscast-cli-")
        # README's alias names $PWD/build/services/ctl/statuscastctl.
        os.symlink(os.path.abspath(BUILD_DIR), os.path.join(self.dir, "build"))
        token = subprocess.run(
            [os.path.join(BUILD_DIR, "services/comms/statuscast-comms"), "--database_url=" + url,
             "--create_token=cli-examples", "--token_scope=admin"],
            capture_output=True, text=True, timeout=60)
        assert token.returncode == 0, token.stderr
        comms, grpc, http = free_port(), free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")}
        self.log = open(os.path.join(self.dir, "services.log"), "w")
        self.procs = [
            subprocess.Popen([os.path.join(BUILD_DIR, "services/comms/statuscast-comms"),
                              "--database_url=" + url, "--grpc_address=127.0.0.1:%d" % comms,
                              "--metrics_address="], env=env, stderr=self.log),
            subprocess.Popen([os.path.join(BUILD_DIR, "services/banner/statuscast-banner"),
                              "--database_url=" + url, "--grpc_address=127.0.0.1:%d" % grpc,
                              "--http_address=127.0.0.1:%d" % http,
                              "--metrics_address=127.0.0.1:%d" % free_port()],
                             env=env, stderr=self.log),
        ]
        wait_port(comms, self.procs[0])
        wait_port(grpc, self.procs[1])
        # The help examples call statuscastctl by name.
        env["PATH"] = os.path.dirname(os.path.abspath(CTL)) + os.pathsep + env.get("PATH", "")
        self.env = dict(env, STATUSCAST_SERVER="127.0.0.1:%d" % comms,
                        STATUSCAST_BANNER_SERVER="127.0.0.1:%d" % grpc,
                        STATUSCAST_TOKEN=token.stdout.strip())
        self.prelude = []  # alias and variable lines, repeated before each command
        self.ref = None
        self.banner_id = None
        self.maintenance_ref = None
        self.draft_id = None
        self.outputs = []

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(timeout=30)
        self.log.close()
        self.db.drop()

    def substitute(self, command):
        if "INC-n" in command:
            assert self.ref, "INC-n used before any declare printed a reference: " + command
            command = command.replace("INC-n", self.ref)
        if "MNT-n" in command:
            assert self.maintenance_ref, "MNT-n used before maintenance schedule printed one"
            command = command.replace("MNT-n", self.maintenance_ref)
        if re.search(r"\bID\b", command) and re.search(r"statuscastctl (approve|reject) ", command):
            assert self.draft_id, "ID used before draft printed one: " + command
            command = re.sub(r"\bID\b", self.draft_id, command)
        if re.search(r"\bID\b", command):
            assert self.banner_id, "ID used before banner create printed one: " + command
            command = re.sub(r"\bID\b", self.banner_id, command)
        return command

    def run(self, test, command, expected):
        """Runs one example in bash (aliases on), checks its exit code."""
        if command.startswith("alias ") or re.match(r"^[A-Z_]+=", command):
            self.prelude.append(command)
            return ""
        script = "\n".join(self.prelude + [self.substitute(command)]) + "\n"
        argv = ["bash", "-O", "expand_aliases", "-c", script]
        if re.search(r"\bstatuscastctl watch\b", command):
            p = subprocess.Popen(argv, cwd=self.dir, env=self.env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, start_new_session=True)
            time.sleep(3)
            os.killpg(p.pid, signal.SIGINT)
            out = p.communicate(timeout=30)[0]
            test.assertEqual(p.returncode, 0, "%s\n%s" % (command, out))
            if "--reminders-only" not in command:
                test.assertIn("live changes follow", out, command)
        else:
            r = subprocess.run(argv, cwd=self.dir, env=self.env, capture_output=True, text=True,
                               timeout=120)
            out = r.stdout + r.stderr
            test.assertEqual(r.returncode, expected, "%s\nexit %d, wanted %d:\n%s" % (
                command, r.returncode, expected, out))
        m = re.search(r"^(INC-\d+) declared", out, re.M)
        if m:
            self.ref = m.group(1)
        m = re.search(r"^scheduled (MNT-\d+) ", out, re.M)
        if m:
            self.maintenance_ref = m.group(1)
        m = re.search(r"^draft (\d+) proposed", out, re.M)
        if m:
            self.draft_id = m.group(1)
        m = re.search(r"^banner (\d+) ", out, re.M)
        if m and " banner create " in " " + command:
            self.banner_id = m.group(1)
        self.outputs.append((command, out))
        if os.environ.get("STATUSCAST_SHOW_OUTPUT"):
            print("\n$ %s\n%s" % (command, out), file=sys.stderr)
        return out


class CliExamplesTest(unittest.TestCase):
    def setUp(self):
        self.stack = Stack()

    def tearDown(self):
        self.stack.stop()

    def test_readme_using_statuscastctl(self):
        block = commands(readme_block())
        self.assertGreater(len(block), 15)
        for command, expected in block:
            with self.subTest(command=command):
                self.stack.run(self, command, expected)
        # After the resolve, show agrees with components list: operational.
        shown = [out for cmd, out in self.stack.outputs if "statuscastctl show " in cmd]
        self.assertTrue(shown)
        self.assertIn("checkout  operational now (major_outage during this incident)", shown[-1])

    def test_every_command_help_example(self):
        names = re.findall(r"^  ([a-z]+)(?: {2,}|\n {14}\S)", subprocess.run(
            [CTL, "help"], capture_output=True, text=True).stdout, re.M)
        # The order a session would take; every command of `help` is in it.
        order = ["component", "declare", "template", "update", "severity", "roles", "draft",
                 "drafts", "approve", "reject", "audit", "lint", "show",
                 "list", "report", "resolve", "correct", "postmortem", "reopen", "banner",
                 "killswitch", "watch", "token", "subscribers", "maintenance"]
        self.assertEqual(sorted(names), sorted(order))
        for name in order:
            usage = subprocess.run([CTL, "help", name], capture_output=True, text=True)
            self.assertEqual(usage.returncode, 0, usage.stderr)
            example = usage.stdout.split("  e.g. ", 1)[1]
            for command, expected in commands(example):
                with self.subTest(command=command):
                    self.stack.run(self, command, expected)


if __name__ == "__main__":
    unittest.main(verbosity=2)
