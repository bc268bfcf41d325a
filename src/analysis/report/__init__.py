"""What notebooks use to show things to report readers.

* :mod:`analysis.report.html` — escaped HTML blocks (paragraphs, tables, figures with alt text, callouts);
* :mod:`analysis.report.style` — the one plotting style (colours, Norwegian axes, figure rendering);
* :mod:`analysis.report.labels` — Norwegian display names of groups, goals and statement kinds;
* ``templates/report`` — the nbconvert template every report page is rendered with.
"""
