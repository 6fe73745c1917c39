#!/usr/bin/env python3
"""Render the site for regional teams: the same as ``i18n render`` (same options).

python render.py                 # every country
python render.py --country CH    # one country
python render.py --preview       # drafts included, into site-preview/
"""

import sys

from i18n.cli.render import render

if __name__ == "__main__":
    sys.exit(render.main(args=sys.argv[1:], prog_name="render.py"))
