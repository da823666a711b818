"""Scheduled ingestion: one Prefect deployment per registered source, served by ``thb serve``.

``flow.serve`` schedules nothing on Prefect's temporary server, so serving needs a
running Prefect server (``prefect server start``) or Prefect Cloud, named by
``PREFECT_API_URL``.  Teams with a work pool deploy the same flows with
``prefect deploy --all`` from ``prefect.yaml``.
"""

from __future__ import annotations

import os

from pipeline.errors import TerminalError
from pipeline.settings import Settings
from pipeline.ingest import Source

from flows.ingest import ingest, settings_dict


class NoServer(TerminalError):
    reason = "no_server"


def source_deployments(sources: dict[str, Source], settings: Settings, names: list[str] | None = None) -> list:
    """A deployment of the ingest flow for each chosen source that has a schedule."""
    unknown = sorted(set(names or ()) - set(sources))
    if unknown:
        raise TerminalError(f"unknown source(s): {', '.join(unknown)} (see `thb sources`)")
    chosen = [sources[name] for name in names] if names else list(sources.values())
    return [
        ingest.to_deployment(
            name=source.name,
            cron=source.schedule,
            parameters={"sources": [source.name], "settings": settings_dict(settings)},
            description=f"{source.publisher}: {source.kind} {', '.join(source.start)}",
            tags=["thb", source.kind],
        )
        for source in chosen if source.schedule
    ]


def serve_sources(sources: dict[str, Source], settings: Settings, names: list[str] | None = None) -> None:
    """Register the deployments and run their scheduled flow runs in this process until stopped."""
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            raise NoServer("scheduling needs a Prefect server: run `prefect server start` and set "
                           "PREFECT_API_URL=http://127.0.0.1:4200/api (the temporary server cannot schedule)")
    from prefect import serve

    deployments = source_deployments(sources, settings, names)
    if not deployments:
        raise TerminalError("no chosen source has a schedule")
    # a restart (deploy, reboot) must not leave the schedules paused
    serve(*deployments, pause_on_shutdown=False)
