"""kairos.train: a Python training worker's side of the Java coordinator's protocol (GroupServer), and its context."""
import os
import socket
import struct
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kairos import train  # noqa: E402


class FakeCoordinator:
    """A one-connection stand-in for the Java GroupServer: sums all-reduces with a fixed vector, keeps reports."""

    def __init__(self, token, other):
        self.token = token
        self.other = other
        self.reports = []
        self.hello = None
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        conn, _ = self.server.accept()
        self.server.close()
        f = conn.makefile("rb")

        def read(n):
            data = f.read(n)
            if len(data) != n:
                raise EOFError
            return data

        def read_utf():
            (n,) = struct.unpack(">H", read(2))
            return read(n).decode()

        def utf(text):
            data = text.encode()
            return struct.pack(">H", len(data)) + data

        self.hello = struct.unpack(">qi", read(12))
        try:
            while True:
                op = read(1)[0]
                if op == 1:
                    (n,) = struct.unpack(">i", read(4))
                    values = struct.unpack(f">{n}d", read(8 * n))
                    if n == 3:
                        conn.sendall(b"\x01" + utf("the ranks' all-reduce vectors differ in length"))
                        continue
                    total = [v + o for v, o in zip(values, self.other)] if n else []
                    conn.sendall(b"\x00" + struct.pack(">i", len(total)) + struct.pack(f">{len(total)}d", *total))
                elif op == 2:
                    conn.sendall(b"\x00")
                elif op == 3:
                    (m,) = struct.unpack(">i", read(4))
                    metrics = {}
                    for _ in range(m):
                        name = read_utf()
                        (metrics[name],) = struct.unpack(">d", read(8))
                    checkpoint = read_utf()
                    self.reports.append((metrics, checkpoint))
                    conn.sendall(b"\x00" + utf("/kept/checkpoint_000000" if checkpoint else ""))
                elif op == 4:
                    conn.sendall(b"\x00" + utf("/staging/dir"))
        except EOFError:
            f.close()
            conn.close()


def setup(address, token):
    return {"rank": 1, "local_rank": 1, "world_size": 2, "local_world_size": 2, "node_rank": 0, "node_id": "n",
            "master_addr": "127.0.0.1", "master_port": 29500, "cuda_visible_devices": "0,1",
            "config": {"lr": 0.5}, "checkpoint": "", "restarts": 0, "group_address": address, "group_token": token}


class TrainProtocolTest(unittest.TestCase):
    def test_the_context_talks_the_coordinators_protocol(self):
        fake = FakeCoordinator(token=-42, other=[10.0, 20.0])
        group = train._Group(fake.address, -42, 1)
        ctx = train.TrainContext(setup(fake.address, -42), group)
        self.assertEqual(ctx.all_reduce([1, 2]), [11.0, 22.0])
        ctx.barrier()
        ctx.heartbeat()
        self.assertEqual(ctx.report({"loss": 0.25}), None)
        self.assertEqual(ctx.report({"loss": 0.125, "step": 3}, "/tmp/ck"), "/kept/checkpoint_000000")
        self.assertEqual(ctx.new_checkpoint_dir(), "/staging/dir")
        with self.assertRaisesRegex(RuntimeError, "differ in length"):
            ctx.all_reduce([1, 2, 3])
        group.close()
        fake.thread.join(5)
        self.assertEqual(fake.hello, (-42, 1), "the token and the rank first")
        self.assertEqual(fake.reports, [({"loss": 0.25}, ""), ({"loss": 0.125, "step": 3.0}, "/tmp/ck")])

    def test_the_rendezvous_is_torchruns(self):
        ctx = train.TrainContext(setup("127.0.0.1:1", 0), group=None)
        self.assertEqual(ctx.env(), {"RANK": "1", "LOCAL_RANK": "1", "WORLD_SIZE": "2", "LOCAL_WORLD_SIZE": "2",
                                     "NODE_RANK": "0", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500",
                                     "CUDA_VISIBLE_DEVICES": "0,1"})
        self.assertEqual(ctx.config, {"lr": 0.5})
        self.assertIsNone(ctx.latest_checkpoint)
        with self.assertRaisesRegex(RuntimeError, "only available inside a training loop"):
            train.context()

    def test_a_worker_names_its_gpus_and_a_free_port(self):
        worker = train.TrainWorker()
        os.environ["CUDA_VISIBLE_DEVICES"] = "3"
        try:
            self.assertEqual(worker.where(), "3")
        finally:
            del os.environ["CUDA_VISIBLE_DEVICES"]
        host, _, port = worker.free_port(True).rpartition(":")
        self.assertEqual(host, "127.0.0.1")
        self.assertGreater(int(port), 0)


if __name__ == "__main__":
    unittest.main()
