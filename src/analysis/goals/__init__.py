"""The goals overview ("Oversikt over hovedmålene"): one card per main goal.

* :mod:`.status` — the numbers per goal from the population, workshop and survey layers;
* :mod:`.cards` — the cards readers see (Norwegian text, escaped HTML);
* :mod:`.text` — indicator descriptions, messages for missing data, sentences;
* :mod:`.plots` — the population path figure;
* :mod:`.sections` — the sections of the overview report.

Links to the detailed reports are not looked up here: the build passes them in as the notebook
parameter ``links`` (see :mod:`analysis.build.links`).
"""
