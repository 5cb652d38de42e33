"""Grading on a Dask cluster, for classes that outgrow one machine.

Every worker must see the course folder at the same path (a shared file system), have this
package and bubblewrap installed, and may run one submission per thread. The grade command's
process stays the only writer to the gradebook: workers return what they graded and it merges.
For SLURM and other batch systems, start the workers with ``dask-jobqueue`` and pass the
scheduler's address.
"""

import contextlib


@contextlib.contextmanager
def dask_executor(scheduler, workers=2):
    """A ``concurrent.futures.Executor`` on a Dask cluster, closed on exit.

    ``scheduler``: ``"local"`` for a LocalCluster of ``workers`` single-threaded processes on
    127.0.0.1, or the address of a running scheduler (``tcp://host:8786``).
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SystemExit("grading on a Dask cluster needs dask.distributed: pip install 'rnncourse[cluster]'") from None
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            scheduler = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1",
                                                         dashboard_address=None, processes=True))
        client = stack.enter_context(Client(scheduler))
        yield client.get_executor()
