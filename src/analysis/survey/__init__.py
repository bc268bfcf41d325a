"""Survey of residents and out-movers aged 18–40 ("Bolyst og flytting").

The pieces: :mod:`.codebook` (questions, labels, codes), :mod:`.readers` (CSV/xlsx exports),
:mod:`.cleaning` (codes, rejects, flags), :mod:`.schema` (pandera check of the result),
:mod:`.weights` (post-stratification or raking to SSB), :mod:`.pipeline` (``analysis clean`` for the survey and
:func:`~analysis.survey.pipeline.load_survey`), :mod:`.analysis` (weighted estimates),
:mod:`.text` (Norwegian wording), :mod:`.plots` (charts) and :mod:`.sections` (what the report shows).
Privacy rules live in :mod:`analysis.privacy`. Illustrative exports are made by
``tools/illustrative/survey.py`` (not part of the installed package).
"""
