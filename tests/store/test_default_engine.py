"""The engine new projects start with: chosen once for the data folder, used by every new
project (window and command line alike), never by the projects made before."""

from __future__ import annotations

import json
from pathlib import Path

from genglossary_gui.engines.config import (
    EngineConfig,
    default_config,
    load_config,
    save_default_config,
)
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import AppSetting
from genglossary_gui.vocabulary import EngineName


def test_new_projects_start_built_in_until_the_user_chooses(data_dir: Path) -> None:
    assert default_config().engine == EngineName.BUILTIN
    project = repo.create_project("A")
    assert load_config(project).engine == EngineName.BUILTIN


def test_a_chosen_default_reaches_new_projects_only(data_dir: Path) -> None:
    before = repo.create_project("Before")
    chosen = EngineConfig(
        engine=EngineName.OLLAMA,
        base_url="http://127.0.0.1:11434",
        model="qwen3:8b",
        concurrency=8,
    )
    save_default_config(chosen)
    after = repo.create_project("After")

    assert load_config(after) == chosen
    assert default_config() == chosen
    assert load_config(before).engine == EngineName.BUILTIN

    save_default_config(None)
    assert default_config().engine == EngineName.BUILTIN
    assert load_config(repo.create_project("Later")).engine == EngineName.BUILTIN
    assert load_config(after) == chosen  # a project keeps what it was made with


def test_an_unreadable_default_is_the_built_in_engine(data_dir: Path) -> None:
    AppSetting.insert(key="default_engine", value="{not json").execute()
    assert default_config().engine == EngineName.BUILTIN
    project = repo.create_project("A")
    assert load_config(project).engine == EngineName.BUILTIN
    AppSetting.update(value=json.dumps({"engine": "ollama"})).execute()  # no settings
    assert default_config().engine == EngineName.BUILTIN
