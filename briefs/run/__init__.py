"""Stage 3, run: jobs in (one per brief and the summary), executed notebooks and pages out.

`jobs` is one job: papermill in a warm kernel (`kernels`), the completeness check, the
pages rendered by `briefs.render`, all kept in a cache entry by fingerprint. `cluster`
runs the jobs that are not cached, here or on Dask, and sees every one to an end.
"""
