#!/usr/bin/python3
"""`--help` of both services lists every flag the service defines, each with
the environment variable that sets it, and that variable really sets it.

For each binary: the flags defined in its main.cc and in
libs/startup/service_flags.cc (those both services share) come from
`--helpfull` (grouped by file). `--help` must list each of them, and each one's help must
name "(env STATUSCAST_...)" or say "Command line only". Then every named
variable is set to a value different from the flag's default and `--help`
must show that value as the flag's current one (Abseil prints
"currently: ..." for a flag whose value is not its default), which fails when
a help text names a variable the binary does not read.

Usage: service_help_test.py BUILD_DIR SOURCE_DIR  (needs no database)
"""
import os
import re
import subprocess
import sys
import unittest

BUILD_DIR, SOURCE_DIR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]

BINARIES = {
    "statuscast-comms": ("services/comms/statuscast-comms", "services/comms/main.cc"),
    "statuscast-banner": ("services/banner/statuscast-banner", "services/banner/main.cc"),
}
# The flags both services define alike, which each --help lists too.
SHARED_FLAGS_FILE = "libs/startup/service_flags.cc"
# A flag entry as Abseil prints it, after whitespace is collapsed:
#   --name (help text); default: VALUE; [currently: VALUE;]
FLAG = re.compile(r"--(\w+) \((.*?)\); default: (.*?);(?: currently: (.*?);)?")
ENV = re.compile(r"\(env (STATUSCAST_[A-Z0-9_]+)\)")


def run(binary, *args, env=None):
    # Only the variables under test: none of the caller's STATUSCAST_* leak in.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STATUSCAST_")}
    clean.update(env or {})
    r = subprocess.run([os.path.join(BUILD_DIR, binary), *args], capture_output=True,
                       text=True, env=clean, timeout=30)
    return r.stdout + r.stderr


def flags(text):
    return {m.group(1): (m.group(2), m.group(3), m.group(4))
            for m in FLAG.finditer(" ".join(text.split()))}


def main_section(helpfull, main_file):
    """The part of --helpfull listing the flags of `main_file`."""
    m = re.search(r"Flags from \S*" + re.escape(main_file) + r":\n(.*?)(?:\n\s*Flags from |\Z)",
                  helpfull, re.S)
    return m.group(1) if m else ""


def probe_value(default):
    """A value of the flag's type that differs from `default`, as Abseil prints it."""
    if default.startswith('"'):
        return '"help-probe"'
    if default in ("true", "false"):
        return "false" if default == "true" else "true"
    if re.fullmatch(r"-?[0-9.]+", default):
        return "7" if default != "7" else "8"
    return "7s" if default != "7s" else "8s"  # absl::Duration


class ServiceHelpTest(unittest.TestCase):
    def check(self, name):
        binary, main_file = BINARIES[name]
        helpfull = run(binary, "--helpfull")
        own = flags(main_section(helpfull, main_file))
        self.assertGreater(len(own), 5, "no flags of %s found in --helpfull" % main_file)
        shared = flags(main_section(helpfull, SHARED_FLAGS_FILE))
        self.assertGreater(len(shared), 5, "no flags of %s found in --helpfull" % SHARED_FLAGS_FILE)
        own.update(shared)

        help_text = run(binary, "--help")
        self.assertNotIn("No flags matched", help_text)
        shown = flags(help_text)
        probes = {}
        for flag, (text, default, _) in own.items():
            with self.subTest(binary=name, flag=flag):
                self.assertIn(flag, shown, "--help does not list --%s" % flag)
                env = ENV.search(text)
                if env is None:
                    self.assertIn("Command line only", text,
                                  "--%s names no environment variable" % flag)
                    continue
                probes[flag] = (env.group(1), probe_value(default))
        self.assertGreater(len(probes), 5)

        # Set every variable at once and read the values back from --help.
        env = {var: value.strip('"') for var, value in probes.values()}
        current = flags(run(binary, "--help", env=env))
        for flag, (var, value) in probes.items():
            with self.subTest(binary=name, flag=flag, env=var):
                self.assertIn(flag, current)
                self.assertEqual(current[flag][2], value,
                                 "%s=%s did not set --%s" % (var, value.strip('"'), flag))

    def test_comms(self):
        self.check("statuscast-comms")

    def test_banner(self):
        self.check("statuscast-banner")


if __name__ == "__main__":
    unittest.main(verbosity=2)
