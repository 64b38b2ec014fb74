"""A job in which rank 1 misbehaves (``argv[1]``: raise, kill, hang, exit) while rank 0 waits in a collective."""
import datetime
import os
import sys
import time

import ember
import ember.distributed as dist

mode = sys.argv[1]
# "raise" ends the job through rank 1's abort, not the timeout: a long one there keeps rank 0 from timing out
# first (and aborting rank 1 before it prints its traceback) on a loaded machine
dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=15 if mode == "raise" else 2))
print(f"rank {dist.get_rank()} env RANK={os.environ.get('RANK')} LOCAL_RANK={os.environ.get('LOCAL_RANK')} "
      f"WORLD_SIZE={os.environ.get('WORLD_SIZE')} args={sys.argv[1:]}", flush=True)
if dist.get_rank() == 1:
    if mode == "raise":
        raise ValueError("rank 1 failed on purpose")
    if mode == "kill":
        os.kill(os.getpid(), 9)
    if mode == "hang":
        time.sleep(60)
    if mode == "exit":
        sys.exit(3)
t = ember.ones(3)
dist.all_reduce(t)
print(f"rank {dist.get_rank()} all_reduce gave {t.tolist()}", flush=True)
