"""Population facts from Statistics Norway (SSB) for any municipality, and what they imply.

* :mod:`.snapshot` — read a snapshot folder (population, regions, code changes, rates, projections);
* :mod:`.fetch` — fetch a new snapshot from SSB's PxWebApi v2 (``analysis fetch-ssb``);
* :mod:`.cohort` — the shared arrays: population by sex and age, life tables, survival, births;
* :mod:`.indicators` — the goal indicators (totals, women per 100 men, young people, median age ...);
* :mod:`.migration` — net migration by age and sex with the residual method;
* :mod:`.projection` — cohort-component scenarios, the migration a target needs, backtests;
* :mod:`.text`, :mod:`.plots`, :mod:`.sections` — Norwegian wording, charts and report sections;
* :mod:`.commands` — the ``fetch-ssb`` command.
"""
