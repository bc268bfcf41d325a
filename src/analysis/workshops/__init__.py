"""Workshop and village-meeting notes: read them as typed, clean them, validate them.

* :mod:`~analysis.workshops.readers` — files → grids → input records (layout detected);
* :mod:`~analysis.workshops.mappings` — canonical groups, goals, kinds, scale words, column headers;
* :mod:`~analysis.workshops.cleaning` — input records → the ``statements`` table and rejects;
* :mod:`~analysis.workshops.schema` — pandera schemas of the processed tables;
* :mod:`~analysis.workshops.pipeline` — ``analysis clean`` for notes, and the loaders
  :func:`~analysis.workshops.pipeline.load_statements` / :func:`~analysis.workshops.pipeline.load_manifest`;
* :mod:`~analysis.workshops.template` — the input workbook (``analysis template workshop``);
* :mod:`~analysis.workshops.commands` — the ``template`` command.
"""
