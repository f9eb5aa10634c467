#!/usr/bin/python3
"""PostgreSQL's disk fills up under statuscast-comms.

The test's own cluster keeps the incident_updates table in a tablespace on a
1 MiB tmpfs the test mounts (root), then fills that tmpfs with a file. Updates
are posted until PostgreSQL cannot extend the table (SQLSTATE 53100, "No space
left on device"). Proven: the write fails with FAILED_PRECONDITION and a
message an operator can act on; nothing of it is written (no change-log row,
no idempotency key, the change log stays gapless); reads keep working; once
space is freed the next write succeeds without a restart.

Usage: disk_full_fault_test.py BUILD_DIR SOURCE_DIR   (root: mount)
"""
import os
import subprocess
import sys
import unittest
import uuid

if os.geteuid() != 0:
    print("skipped: needs root to mount a small tmpfs")
    sys.exit(77)  # ctest SKIP_RETURN_CODE
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_support as fs  # noqa: E402

BUILD_DIR, SOURCE_DIR, GEN = fs.start_test("statuscast-diskfull-")
import grpc  # noqa: E402
from statuscast.v1 import incident_pb2 as pb  # noqa: E402
from statuscast.v1 import incident_pb2_grpc as pb_grpc  # noqa: E402


class DiskFullTest(unittest.TestCase):
    def setUp(self):
        self.pg = fs.OwnCluster()
        self.mnt = os.path.join(self.pg.dir, "tiny")
        os.makedirs(self.mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", self.mnt],
                       check=True)
        subprocess.run(["chown", "postgres:postgres", self.mnt], check=True)
        self.port = fs.free_port()
        self.comms = fs.Service(BUILD_DIR, "statuscast-comms", [
            "--grpc_address=127.0.0.1:%d" % self.port, "--metrics_address="], GEN,
            {"STATUSCAST_DATABASE_URL": self.pg.url, "STATUSCAST_AUTH": "disabled"})
        self.channel = grpc.insecure_channel("127.0.0.1:%d" % self.port)
        grpc.channel_ready_future(self.channel).result(timeout=30)
        self.stub = pb_grpc.IncidentServiceStub(self.channel)

    def tearDown(self):
        self.channel.close()
        self.comms.stop()
        self.pg.stop()
        subprocess.run(["umount", self.mnt], check=False)
        self.pg.close()

    def test_a_full_disk_refuses_writes_clearly_and_writes_nothing(self):
        self.stub.CreateComponent(pb.CreateComponentRequest(name="search"))
        declared = self.stub.DeclareIncident(fs.search_is_slow(author="responder"))
        ref, version = declared.incident.ref, declared.incident.version
        self.pg.psql("CREATE TABLESPACE tiny LOCATION '%s'" % self.mnt)
        self.pg.psql("ALTER TABLE incident_updates SET TABLESPACE tiny")
        filler = os.path.join(self.mnt, "filler")
        subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=4k"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # until ENOSPC

        def post(key, n):
            return self.stub.PostUpdate(pb.PostUpdateRequest(
                incident_ref=ref, expected_version=version, idempotency_key=key,
                author="responder", update=pb.UpdateDraft(
                    message="We're still working on slow search results (%d)." % n + " " * 400,
                    channels=[pb.CHANNEL_STATUS_PAGE])), timeout=10)

        acked, error, refused_key = 0, None, None
        for n in range(200):  # the table's last page fills, then it cannot grow
            key = uuid.uuid4().hex
            try:
                version = post(key, n).incident.version
                acked += 1
            except grpc.RpcError as e:
                error, refused_key = e, key
                break
        self.assertIsNotNone(error, "the tablespace never filled up")
        print("\nDisk full: %d updates fitted, then PostUpdate -> %s %s" % (
            acked, error.code(), error.details()))
        self.assertEqual(error.code(), grpc.StatusCode.FAILED_PRECONDITION, error.details())
        self.assertIn("PostgreSQL's disk is full", error.details())
        self.assertIn("nothing was written", error.details())
        self.assertIn("free or add disk space", error.details())
        self.assertEqual(self.pg.psql(
            "SELECT count(*) FROM idempotency_keys WHERE key = '%s'" % refused_key), "0")
        seqs = [int(s) for s in self.pg.psql(
            "SELECT sequence FROM change_log ORDER BY sequence").split()]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)))
        # Reads work on a full disk.
        got = self.stub.GetIncident(pb.GetIncidentRequest(incident_ref=ref), timeout=10)
        self.assertEqual(got.version, version)
        self.assertIn("disk is full", self.comms.log_text())

        os.remove(filler)  # an operator frees space; no restart
        r = post(refused_key, 999)
        self.assertFalse(r.replayed)
        self.assertEqual(r.sequence, len(seqs) + 1)
        print("after freeing space: the same key was written as sequence %d, no restart" % (
            r.sequence))


if __name__ == "__main__":
    unittest.main(verbosity=2)
