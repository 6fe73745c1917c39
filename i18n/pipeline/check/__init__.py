"""Regulatory checks (``i18n check``): every country's disclaimers, claims and products
(:mod:`.config`), and proof from the rendered output that what was published is what was
approved (:mod:`.proof`); :func:`.run.run_check` runs them all into a
:class:`.report.CheckReport`. A blocking finding (a *violation* in the reports) fails the
check (exit 1); a warning is reported only.
"""
