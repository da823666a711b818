"""Scheduling: one deployment per source, prefect.yaml in step with the sources registry."""

from __future__ import annotations

import pytest
import yaml

from pipeline.run import registry
from pipeline.settings import Settings

from conftest import REPO

pytestmark = pytest.mark.prefect


def scheduled_sources():
    return {name: source for name, source in registry(Settings()).items() if source.schedule}


def test_prefect_yaml_deploys_every_scheduled_source_with_its_cron():
    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    deployments = {d["name"]: d for d in config["deployments"]}
    sources = scheduled_sources()
    assert set(deployments) == set(sources)
    for name, source in sources.items():
        deployment = deployments[name]
        assert deployment["schedules"] == [{"cron": source.schedule}]
        assert deployment["parameters"] == {"sources": [name]}
        module, function = deployment["entrypoint"].split(":")
        assert (REPO / module).exists() and f"def {function}(" in (REPO / module).read_text()


def test_each_scheduled_source_becomes_a_deployment_of_the_ingest_flow(tmp_path):
    from flows.deployments import source_deployments

    settings = Settings(out_dir=tmp_path / "out", raw_dir=tmp_path / "raw")
    deployments = source_deployments(registry(settings), settings)
    sources = scheduled_sources()
    assert sorted(d.name for d in deployments) == sorted(sources)
    for deployment in deployments:
        assert deployment.flow_name == "ingest"
        assert [s.schedule.cron for s in deployment.schedules] == [sources[deployment.name].schedule]
        assert deployment.parameters["sources"] == [deployment.name]
        assert deployment.parameters["settings"]["out_dir"] == str(tmp_path / "out")


def test_unknown_sources_and_a_missing_server_are_clear_errors(monkeypatch, tmp_path):
    from flows.deployments import NoServer, serve_sources, source_deployments
    from pipeline.errors import TerminalError

    settings = Settings()
    with pytest.raises(TerminalError, match="unknown source"):
        source_deployments(registry(settings), settings, ["no-such-source"])
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    with pytest.raises(NoServer, match="prefect server start"):
        serve_sources(registry(settings), settings)
