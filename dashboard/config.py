"""Where the program finds its claims file: one place for the CLI and the page alike.

Pure (no Streamlit, no argparse), so the page never imports :mod:`dashboard.cli`.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_CLAIMS = Path(__file__).resolve().parent.parent / "claims.yaml"
CLAIMS_ENV_VAR = "DASHBOARD_CLAIMS"


def default_claims() -> Path:
    """``$DASHBOARD_CLAIMS``, else ``claims.yaml`` in the working folder, else the repository's.

    Examples
    --------
    >>> default_claims().name
    'claims.yaml'
    """
    if os.environ.get(CLAIMS_ENV_VAR):
        return Path(os.environ[CLAIMS_ENV_VAR])
    here = Path("claims.yaml")
    return here if here.exists() else REPO_CLAIMS
