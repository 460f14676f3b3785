"""The portal's own settings, read once from ``SAKIP_PORTAL_*`` environment variables.

Where the warehouse, inbox and output folder are, the deadline day, the time zone and the file-size
bound come from the pipeline's settings (``sakip.settings``): the portal runs beside the Prefect
deployments against the same warehouse and inbox.
"""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PortalSettings(BaseSettings):
    """Sessions, cookies and lockout.

    - ``session_hours``: a session ends this long after login, whatever happens (absolute lifetime).
    - ``idle_minutes``: a session unused for this long ends (idle timeout).
    - ``secure_cookie``: mark the session cookie ``Secure`` (set it when the portal is served over HTTPS,
      behind a reverse proxy that terminates TLS).
    - ``max_failed_logins`` / ``lockout_minutes``: after this many failed logins in a row an account
      refuses logins for this long (every attempt is in the audit).
    - ``max_problems_shown``: longest problem table shown on a page (the annotated copy has them all).
    """

    model_config = SettingsConfigDict(env_prefix="SAKIP_PORTAL_", frozen=True, extra="ignore")

    session_hours: float = Field(default=8.0, gt=0, le=24 * 7)
    idle_minutes: float = Field(default=60.0, gt=0)
    secure_cookie: bool = False
    max_failed_logins: int = Field(default=5, ge=1)
    lockout_minutes: float = Field(default=15.0, gt=0)
    max_problems_shown: int = Field(default=300, ge=1)
