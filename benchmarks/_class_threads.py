"""N processes, each a participant: load the model, then all ask for new prompts at the same moment.

Used by bench_classroom.py to compare torch's default threads with rseai's sizing (no hub needed):
each process starts with the given environment, loads the embedded model, waits at a barrier
and times ``next_token_distribution`` for ``prompts`` prompts it has never seen.
"""

import multiprocessing as mp
import os
import time
from queue import Empty

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RSEAI_THREADS",
                    "CPU_LIMIT", "JUPYTERHUB_USER", "OMP_WAIT_POLICY")


def _participant(index, env, barrier, prompts, queue):
    for name in THREAD_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(env)
    import torch

    from rseai.lm import load_model

    lm = load_model()
    lm.next_token_distribution("Warm up.")
    barrier.wait()
    times = []
    for k in range(prompts):
        start = time.perf_counter()
        lm.next_token_distribution(f"Participant {index} asks question number {k}: what is the capital of")
        times.append(time.perf_counter() - start)
    queue.put((torch.get_num_threads(), times))


def run_class(n: int, env: dict, *, prompts: int = 10) -> tuple[int, list]:
    """(torch threads per process, every latency in seconds) for ``n`` processes asking at once."""
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_participant, args=(i, env, barrier, prompts, queue)) for i in range(n)]
    for p in procs:
        p.start()
    results = []
    while len(results) < n:
        try:
            results.append(queue.get(timeout=5))
        except Empty:
            dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if dead:
                for p in procs:
                    p.kill()
                raise RuntimeError(f"a participant process failed (exit codes {dead})") from None
    for p in procs:
        p.join(timeout=60)
    return results[0][0], [t for _, times in results for t in times]
