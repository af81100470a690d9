"""Python workers of a Java training group (kairos-train's ``Trainer.builder(k).python("module:loop", config)``).

The trainer starts one :class:`TrainWorker` (a Python actor) per bundle of the group's placement group, asks each
where it is (its GPUs), then calls :meth:`TrainWorker.run` with its place in the group: the worker sets the
environment PyTorch's ``init_process_group`` reads (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, NODE_RANK,
MASTER_ADDR, MASTER_PORT, CUDA_VISIBLE_DEVICES: the union of the group's GPUs on its node), connects to the group's
coordinator in the trainer's JVM and calls the loop with a :class:`TrainContext`. ``torch.distributed`` with the
gloo or NCCL backend then finds its peers through ``init_method="env://"``; :meth:`TrainContext.report` sends
metrics and checkpoints to the trainer, :meth:`TrainContext.all_reduce` sums small vectors without torch.

The coordinator speaks the protocol of the Java ``GroupServer``: big-endian integers and doubles, strings as a
2-byte length and UTF-8.
"""

from __future__ import annotations

import os
import socket
import struct

from .worker import resolve_name

_ALL_REDUCE, _HEARTBEAT, _REPORT, _STAGING = 1, 2, 3, 4
_current = None


def context() -> "TrainContext":
    """The context of the training loop running in this worker."""
    if _current is None:
        raise RuntimeError("kairos.train.context() is only available inside a training loop")
    return _current


class _Group:
    """The connection to the group's coordinator, one request at a time."""

    def __init__(self, address: str, token: int, rank: int):
        host, _, port = address.rpartition(":")
        self._sock = socket.create_connection((host, int(port)), timeout=None)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._in = self._sock.makefile("rb")
        self._sock.sendall(struct.pack(">qi", token, rank))

    @staticmethod
    def _utf(text: str) -> bytes:
        data = text.encode("utf-8")
        if len(data) > 65535:
            raise ValueError(f"a string of {len(data)} bytes is longer than the protocol's 65535")
        return struct.pack(">H", len(data)) + data

    def _read(self, n: int) -> bytes:
        data = self._in.read(n)
        if len(data) != n:
            raise ConnectionError("the group's coordinator closed the connection")
        return data

    def _read_utf(self) -> str:
        (n,) = struct.unpack(">H", self._read(2))
        return self._read(n).decode("utf-8")

    def _ask(self, request: bytes) -> None:
        self._sock.sendall(request)
        if self._read(1) != b"\x00":
            raise RuntimeError(self._read_utf())

    def all_reduce(self, values) -> list:
        values = [float(v) for v in values]
        self._ask(struct.pack(">bi", _ALL_REDUCE, len(values)) + struct.pack(f">{len(values)}d", *values))
        (n,) = struct.unpack(">i", self._read(4))
        return list(struct.unpack(f">{n}d", self._read(8 * n)))

    def heartbeat(self) -> None:
        self._ask(struct.pack(">b", _HEARTBEAT))

    def report(self, metrics: dict, checkpoint) -> str | None:
        body = struct.pack(">bi", _REPORT, len(metrics))
        for name, value in metrics.items():
            body += self._utf(str(name)) + struct.pack(">d", float(value))
        body += self._utf("" if checkpoint is None else str(checkpoint))
        self._ask(body)
        kept = self._read_utf()
        return kept or None

    def staging(self) -> str:
        self._ask(struct.pack(">b", _STAGING))
        return self._read_utf()

    def close(self) -> None:
        self._in.close()
        self._sock.close()


class TrainContext:
    """A worker's place in its group and the group's collectives, as the Java ``TrainContext``."""

    def __init__(self, setup: dict, group: _Group):
        self._group = group
        self.rank = int(setup["rank"])
        self.local_rank = int(setup["local_rank"])
        self.world_size = int(setup["world_size"])
        self.local_world_size = int(setup["local_world_size"])
        self.node_rank = int(setup["node_rank"])
        self.node_id = setup["node_id"]
        self.master_addr = setup["master_addr"]
        self.master_port = int(setup["master_port"])
        self.cuda_visible_devices = setup["cuda_visible_devices"]
        self.config = setup.get("config") or {}
        self.restarts = int(setup["restarts"])
        self.latest_checkpoint = setup["checkpoint"] or None

    def env(self) -> dict:
        """The rendezvous as torchrun sets it (also in ``os.environ`` while the loop runs)."""
        return {"RANK": str(self.rank), "LOCAL_RANK": str(self.local_rank), "WORLD_SIZE": str(self.world_size),
                "LOCAL_WORLD_SIZE": str(self.local_world_size), "NODE_RANK": str(self.node_rank),
                "MASTER_ADDR": self.master_addr, "MASTER_PORT": str(self.master_port),
                "CUDA_VISIBLE_DEVICES": self.cuda_visible_devices}

    def all_reduce(self, values) -> list:
        """Each rank's vector summed over the group, in rank order; the same on every rank."""
        return self._group.all_reduce(values)

    def barrier(self) -> None:
        """Waits until every rank calls it."""
        self._group.all_reduce([])

    def heartbeat(self) -> None:
        """Says this rank is alive, for a step longer than the trainer's health timeout."""
        self._group.heartbeat()

    def report(self, metrics: dict, checkpoint=None):
        """Reports metrics (rank 0's are the run's history), and a checkpoint directory to keep (or None)."""
        return self._group.report(metrics, checkpoint)

    def new_checkpoint_dir(self) -> str:
        """A new empty directory to write a checkpoint into before reporting it."""
        return self._group.staging()


class TrainWorker:
    """One worker of a training group: a Python actor in its bundle of the group's placement group."""

    def where(self) -> str:
        """The GPUs this worker was given (its process's CUDA_VISIBLE_DEVICES), comma-separated."""
        return os.environ.get("CUDA_VISIBLE_DEVICES", "")

    def free_port(self, loopback: bool) -> str:
        """Rank 0: an address of this host and a port free on it now, "host:port"."""
        host = "127.0.0.1" if loopback else socket.gethostbyname(socket.gethostname())
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((host, 0))
            return f"{host}:{s.getsockname()[1]}"

    def run(self, loop_name: str, setup: dict) -> bool:
        """Sets the rendezvous environment, connects to the coordinator and runs the loop with its context."""
        global _current
        loop = resolve_name(loop_name)
        group = _Group(setup["group_address"], int(setup["group_token"]), int(setup["rank"]))
        context_ = TrainContext(setup, group)
        os.environ.update(context_.env())
        _current = context_
        try:
            loop(context_)
            return True
        finally:
            _current = None
            group.close()
