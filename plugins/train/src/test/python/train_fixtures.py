"""Training loops for TrainerPythonTest: run by kairos.train.TrainWorker in the kernel's Python workers."""

import os

from kairos import train

ENV = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "NODE_RANK", "MASTER_ADDR", "MASTER_PORT",
       "CUDA_VISIBLE_DEVICES")


def sum_ranks(ctx):
    """Checks the rendezvous in os.environ, sums rank + 1 over the group, rank 0 reports it with a checkpoint."""
    env = {k: os.environ[k] for k in ENV}
    if env != ctx.env():
        raise AssertionError(f"os.environ {env} is not the context's {ctx.env()}")
    if train.context() is not ctx:
        raise AssertionError("kairos.train.context() is not the loop's context")
    total = ctx.all_reduce([ctx.rank + 1.0, 1.0])
    ctx.barrier()
    if ctx.rank == 0:
        checkpoint = ctx.new_checkpoint_dir()
        with open(os.path.join(checkpoint, "state"), "w") as f:
            f.write(repr(total))
        ctx.report({"sum": total[0], "world": total[1], "scale": float(ctx.config.get("scale", 1)),
                    "port": float(ctx.master_port)}, checkpoint)


def fails_once(ctx):
    """Rank 1 raises in the first group; the second group, resumed from rank 0's checkpoint, reports."""
    if ctx.restarts == 0:
        if ctx.rank == 0:
            checkpoint = ctx.new_checkpoint_dir()
            with open(os.path.join(checkpoint, "step"), "w") as f:
                f.write("7")
            ctx.report({"step": 7.0}, checkpoint)
        ctx.barrier()
        if ctx.rank == 1:
            raise ValueError("rank 1 fails (injected)")
        ctx.barrier()  # released with an error when the group stops
        return
    with open(os.path.join(ctx.latest_checkpoint, "step")) as f:
        step = float(f.read())
    ctx.barrier()
    if ctx.rank == 0:
        ctx.report({"resumed_at": step, "restarts": float(ctx.restarts)})


def torch_gloo(ctx):
    """torch.distributed over gloo, rendezvous by env://: an all-reduce of rank + 1."""
    import torch
    import torch.distributed as dist
    dist.init_process_group("gloo", init_method="env://")
    try:
        t = torch.tensor([float(ctx.rank + 1)])
        dist.all_reduce(t)
        if ctx.rank == 0:
            ctx.report({"sum": float(t.item()), "world": float(dist.get_world_size())})
    finally:
        dist.destroy_process_group()
