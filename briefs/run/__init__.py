"""Stage 3, run: jobs in (one per brief and the summary), executed notebooks and pages out.

`plan` makes the jobs, each stating what it depends on (`job.Inputs`); `cluster` runs
those not in the `cache`, here or on Dask, and sees every one to an end; `jobs` is what
a worker does for one: run the notebook (`notebook_run`, in a warm kernel from
`kernels`), render its pages with `briefs.render`, and store the run in the cache.
"""
