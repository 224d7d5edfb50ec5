"""Source-attributed territorial-control claims, resolved by view and date, on district maps.

The public surface::

    claims = read_claims("claims.yaml")                 # ClaimSet, or ClaimsError(problems)
    snapshot = resolve(claims, view="nrf", on="2021-09-05")
    timeline(claims, view="combined")                   # districts per holder, per change date
"""

from .claims import ClaimSet, check_claims, read_claims
from .control import Snapshot, resolve, timeline, what_changed
from .problems import ClaimsError, Problem

__all__ = [
    "ClaimSet",
    "ClaimsError",
    "Problem",
    "Snapshot",
    "check_claims",
    "read_claims",
    "resolve",
    "timeline",
    "what_changed",
]
