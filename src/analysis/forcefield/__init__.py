"""Force-field analysis (kraftfeltanalyse) of the workshop statements.

* :mod:`.metrics` — every number the force-field reports show (counts, net force, themes,
  consensus, similarity, coverage, priorities), vectorised over the ``statements`` table;
* :mod:`.text` — Norwegian titles, alt texts, sentences and reader tables;
* :mod:`.plots` — the charts (Lewin diagram, balance, themes, heatmaps, priorities);
* :mod:`.sections` — the sections of the per-group and across-groups reports.
"""
