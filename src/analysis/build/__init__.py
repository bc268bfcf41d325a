"""The report build: catalogue → papermill → nbconvert → ``reports/`` (knows the analyses; never the reverse).

* :mod:`.catalogue` — the report catalogue (YAML, pydantic), with ``for_each`` expansion and
  fields shared per notebook;
* :mod:`.parameters` — entry parameters checked against the notebook (papermill's inspection);
* :mod:`.links` — links between reports, resolved from the catalogue and passed to notebooks;
* :mod:`.manifest` — content hashes and the build manifest (what is up to date);
* :mod:`.lock` — one build at a time per reports folder;
* :mod:`.pipeline` — the build itself (light: the runner is passed in);
* :mod:`.execute` — the runner: papermill + nbconvert in worker processes;
* :mod:`.kernels` — the kernels: a pool per worker, started ahead of need, one kernel per report
  (forked from :mod:`.zygote`, a template that imported the package once, where the platform can fork);
* :mod:`.index` — ``reports/index.html`` (Jinja template, also used by the share bundle);
* :mod:`.share` — the bundle of shareable reports;
* :mod:`.commands` — ``analysis build``, ``clean``, ``list-reports``, ``share``.
"""
