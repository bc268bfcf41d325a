"""What notebooks use to show things to report readers.

* :mod:`analysis.report.html` — escaped HTML blocks (paragraphs, tables, figures with alt text, callouts);
* :mod:`analysis.report.style` — the one plotting style (colours, Norwegian axes, figure rendering);
* :mod:`analysis.report.labels` — Norwegian display names of groups, goals and statement kinds;
* :mod:`analysis.report.glossary` — the one glossary of Norwegian terms (workshop, grendemøte, drivkraft, …),
  its «Ord og begreper» list, and the synonyms reports must not use;
* ``templates/report`` — the nbconvert template every report page is rendered with.
"""
